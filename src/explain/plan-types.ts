// ---------------------------------------------------------------------------------------------------------------
// The model

/** The plan of one statement. Every field is read-only and the whole object graph is frozen. */
export interface Plan {
  /** The top node (`nodes[0]`). */
  readonly root: PlanNode;
  /** Every node in pre-order (a node before its children, children in EXPLAIN's order); `nodes[id]`. */
  readonly nodes: readonly PlanNode[];
  /** EXPLAIN ANALYZE: the nodes carry actual rows and loops. */
  readonly analyzed: boolean;
  /** ANALYZE with TIMING on: the nodes carry actual times, so inclusive and exclusive times exist. */
  readonly timing: boolean;
  /** BUFFERS was on. */
  readonly buffers: boolean;
  /** track_io_timing was on (the nodes carry I/O read and write times). */
  readonly ioTiming: boolean;
  /** WAL was on. */
  readonly wal: boolean;
  /** VERBOSE was on (the nodes carry their output columns). */
  readonly verbose: boolean;
  /** `Planning Time` (ms); absent without ANALYZE or SUMMARY. */
  readonly planningMs: number | null;
  /** `Execution Time` (ms); triggers included. */
  readonly executionMs: number | null;
  /** Planning + execution, when both are known. */
  readonly totalMs: number | null;
  /**
   * What time shares are relative to: the execution time, else (auto_explain prints none) the root's inclusive
   * time; null without timing.
   */
  readonly timeBaseMs: number | null;
  /** Buffers used by planning (`Planning` with BUFFERS, PostgreSQL 13+). */
  readonly planningBuffers: Buffers | null;
  /** AFTER and BEFORE triggers run by the statement (also foreign-key checks), with their time. */
  readonly triggers: readonly Trigger[];
  /** Just-in-time compilation, when it happened. */
  readonly jit: Jit | null;
  /** Settings that differ from the built-in defaults and affect planning (SETTINGS, PostgreSQL 12+). */
  readonly settings: Readonly<Record<string, string>>;
  /** `Query Text` (auto_explain output), else null. */
  readonly queryText: string | null;
  /** `Query Identifier` (VERBOSE with compute_query_id), as a decimal string: it does not fit a double. */
  readonly queryId: string | null;
  /** The server's version when the caller gave it (EXPLAIN does not print it). */
  readonly serverVersion: string | null;
  /**
   * The hot path: node ids from the root down to the node with the largest exclusive time (exclusive cost when
   * there is no timing); the first such node in pre-order on a tie. Empty when neither is known.
   */
  readonly hotPath: readonly number[];
  /** What the hot path follows. */
  readonly hotPathBy: 'time' | 'cost' | null;
  /** The top-level object as printed, without `Plan`. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** `Parent Relationship` values PostgreSQL prints (custom scans add `child` / `children`). */
export type ParentRelationship =
  | 'Outer'
  | 'Inner'
  | 'Member'
  | 'Subquery'
  | 'InitPlan'
  | 'SubPlan'
  | (string & {});

/** One plan node, with what PostgreSQL printed for it and what pgwarden derived. */
export interface PlanNode {
  /** Position in `Plan.nodes` (pre-order; the root is 0). pev2 numbers the same nodes from 1. */
  readonly id: number;
  /** 0 for the root. */
  readonly depth: number;
  readonly parentId: number | null;
  /** In EXPLAIN's order (InitPlans, SubPlans and CTEs included). */
  readonly childIds: readonly number[];
  /** `Node Type` as printed: `Seq Scan`, `Hash Join`, `Aggregate`, `ModifyTable`… */
  readonly nodeType: string;
  /** How the node hangs under its parent; null for the root. */
  readonly parentRelationship: ParentRelationship | null;
  /** `InitPlan 1`, `SubPlan 2`, `CTE name` (PostgreSQL ≤ 15: `InitPlan 1 (returns $0)`). */
  readonly subplanName: string | null;
  /** This node is the top of a CTE, an InitPlan (not a CTE) or a SubPlan. */
  readonly subplanKind: 'cte' | 'initplan' | 'subplan' | null;
  readonly parallelAware: boolean;
  readonly asyncCapable: boolean;
  /** Aggregates: `Simple`, `Partial` or `Finalize`. */
  readonly partialMode: string | null;
  /** ModifyTable: `Insert`, `Update`, `Delete`, `Merge`. */
  readonly operation: string | null;
  readonly relationName: string | null;
  /** Printed with VERBOSE (and for ModifyTable targets). */
  readonly schema: string | null;
  readonly alias: string | null;
  readonly indexName: string | null;
  /** CTE Scan, WorkTable Scan: the CTE scanned. */
  readonly cteName: string | null;
  readonly functionName: string | null;
  /** Joins: `Inner`, `Left`, `Full`, `Right`, `Semi`, `Anti`, `Right Semi`, `Right Anti`. */
  readonly joinType: string | null;
  /** Aggregate: `Plain`, `Sorted`, `Hashed`, `Mixed`; SetOp: `Sorted`, `Hashed`. */
  readonly strategy: string | null;
  /** Index scans: `Forward`, `Backward`, `NoMovement`. */
  readonly scanDirection: string | null;

  /** The planner's figures; null with COSTS OFF. Rows are per loop. */
  readonly estimate: Estimate | null;
  /** What happened, per loop as printed; null without ANALYZE or when the node never ran. */
  readonly actual: Actuals | null;
  /** ANALYZE, and the node never ran (`Actual Loops` 0). */
  readonly neverExecuted: boolean;
  /** Gather / Gather Merge. */
  readonly workersPlanned: number | null;
  readonly workersLaunched: number | null;
  /** Workers launched by the Gather / Gather Merge this node runs under (0 outside one): rule 1's w. */
  readonly gatherWorkers: number;

  /** Time in the node and below (ms), rule 1; null without timing. */
  readonly inclusiveMs: number | null;
  /**
   * Time in the node itself (ms), rules 2–4; null without timing. Can be negative, as in pev2: rule 4 subtracts
   * an InitPlan's time from every node that mentions it (a Bitmap Heap Scan's Recheck Cond and its Bitmap Index
   * Scan's Index Cond both do), and from parallel nodes whose per-process time never held it. To rank nodes, read
   * `Math.max(0, exclusiveMs)`.
   */
  readonly exclusiveMs: number | null;
  /** `exclusiveMs / Plan.timeBaseMs`. */
  readonly exclusiveShare: number | null;
  /** `Total Cost` − the `Total Cost` of the children except CTEs, clamped at 0 (pev2's rule); null with COSTS OFF. */
  readonly exclusiveCost: number | null;

  /** Rows produced over all loops (rows per loop × loops, rounded); 0 when never run; null without ANALYZE. */
  readonly actualRows: number | null;
  /** How far the row estimate was off; null without ANALYZE, COSTS or when the node never ran. */
  readonly rowEstimate: RowEstimate | null;
  /** Rows removed, over all loops (PostgreSQL prints a rounded per-loop average; this multiplies it back). */
  readonly rowsRemovedByFilter: number | null;
  readonly rowsRemovedByJoinFilter: number | null;
  readonly rowsRemovedByIndexRecheck: number | null;
  /** Index Only Scan: tuples fetched from the heap because the page was not all-visible. */
  readonly heapFetches: number | null;
  /** Bitmap Heap Scan: pages scanned exactly, and lossily (work_mem too small for the bitmap). */
  readonly exactHeapBlocks: number | null;
  readonly lossyHeapBlocks: number | null;
  /** Index scans, PostgreSQL 18+: index descents. */
  readonly indexSearches: number | null;

  /** As printed: the node and everything it ran (children, SubPlans, InitPlans it evaluated). */
  readonly buffers: Buffers | null;
  /** `buffers` minus the children's, over the same children as exclusive time (rule 2), clamped at 0. */
  readonly exclusiveBuffers: Buffers | null;
  /** I/O timing as printed (track_io_timing). */
  readonly io: IoTiming | null;
  /** `io` minus the children's, like `exclusiveBuffers`. */
  readonly exclusiveIo: IoTiming | null;
  readonly wal: WalUsage | null;

  readonly sort: SortInfo | null;
  /** Hash nodes. */
  readonly hash: HashInfo | null;
  /** Hashed aggregates (PostgreSQL 13+). */
  readonly hashAggregate: HashAggregateInfo | null;

  readonly filter: string | null;
  readonly indexCond: string | null;
  readonly recheckCond: string | null;
  readonly joinFilter: string | null;
  readonly hashCond: string | null;
  readonly mergeCond: string | null;
  readonly oneTimeFilter: string | null;
  /** Output columns (VERBOSE). */
  readonly output: readonly string[] | null;
  readonly sortKey: readonly string[] | null;
  readonly groupKey: readonly string[] | null;
  /** Per-worker figures of a parallel node (VERBOSE; sort details also without it). */
  readonly workers: readonly WorkerStats[];
  /** The node's JSON object as printed, without `Plans`: every field, including those not modelled above. */
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface Estimate {
  readonly startupCost: number;
  readonly totalCost: number;
  /** Per loop (for a parallel node: per process). */
  readonly rows: number;
  /** Average row width in bytes. */
  readonly width: number;
}

export interface Actuals {
  /** Per loop, ms; null with TIMING OFF. */
  readonly startupMs: number | null;
  readonly totalMs: number | null;
  /** Per loop (an average: fractional from PostgreSQL 18). */
  readonly rows: number;
  readonly loops: number;
}

/**
 * Below a Limit (and on the inner side of semi and anti joins) a node stops early, so fewer rows than estimated
 * is often what the planner expected: read `over` there with care.
 */
export interface RowEstimate {
  /** Estimated and actual rows over all loops (per-loop figures × loops). */
  readonly estimatedRows: number;
  readonly actualRows: number;
  /**
   * How many times off, ≥ 1, in either direction: `max(a, e) / min(a, e)` over the totals above, each counted
   * as at least 1 (PostgreSQL never estimates fewer than 1 row, so 0 rows against an estimate of 1 is exact).
   */
  readonly factor: number;
  /** `under`: more rows than estimated; `over`: fewer. */
  readonly direction: 'under' | 'over' | 'exact';
}

/** Block counts (8 kB blocks by default). */
export interface Buffers {
  readonly sharedHit: number;
  readonly sharedRead: number;
  readonly sharedDirtied: number;
  readonly sharedWritten: number;
  readonly localHit: number;
  readonly localRead: number;
  readonly localDirtied: number;
  readonly localWritten: number;
  readonly tempRead: number;
  readonly tempWritten: number;
}

/** I/O time in ms. The split by scope depends on the server's major version. */
export interface IoTiming {
  /** Every scope (shared, local, temp). */
  readonly readMs: number;
  readonly writeMs: number;
  /** Shared and local together: PostgreSQL ≤ 16's `I/O Read Time`, or the sum of 17's two. */
  readonly sharedLocalReadMs: number;
  readonly sharedLocalWriteMs: number;
  /** PostgreSQL 17+. */
  readonly sharedReadMs: number | null;
  readonly sharedWriteMs: number | null;
  readonly localReadMs: number | null;
  readonly localWriteMs: number | null;
  /** PostgreSQL 15+. */
  readonly tempReadMs: number | null;
  readonly tempWriteMs: number | null;
}

export interface WalUsage {
  readonly records: number;
  readonly fullPageImages: number;
  readonly bytes: number;
  /** PostgreSQL 18+. */
  readonly buffersFull: number | null;
}

export interface SortInfo {
  /** `quicksort`, `top-N heapsort`, `external sort`, `external merge`, `still in progress`. */
  readonly method: string | null;
  /** `Memory` or `Disk`. */
  readonly spaceType: string | null;
  readonly spaceUsedKb: number | null;
}

export interface HashInfo {
  readonly buckets: number | null;
  readonly originalBuckets: number | null;
  readonly batches: number | null;
  readonly originalBatches: number | null;
  readonly peakMemoryKb: number | null;
}

export interface HashAggregateInfo {
  readonly batches: number | null;
  readonly plannedPartitions: number | null;
  readonly peakMemoryKb: number | null;
  readonly diskUsageKb: number | null;
}

export interface WorkerStats {
  readonly workerNumber: number;
  readonly actual: Actuals | null;
  readonly buffers: Buffers | null;
  readonly io: IoTiming | null;
  readonly sort: SortInfo | null;
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface Trigger {
  readonly name: string;
  /** Foreign-key and other constraint triggers. */
  readonly constraintName: string | null;
  readonly relation: string | null;
  /** ms; null with TIMING OFF. */
  readonly timeMs: number | null;
  readonly calls: number;
}

export interface Jit {
  readonly functions: number;
  readonly inlining: boolean;
  readonly optimization: boolean;
  readonly expressions: boolean;
  readonly deforming: boolean;
  /** With ANALYZE and timing. */
  readonly timing: JitTiming | null;
}

export interface JitTiming {
  readonly generationMs: number;
  /** Part of generation spent on tuple deforming (PostgreSQL 17+). */
  readonly deformMs: number | null;
  readonly inliningMs: number;
  readonly optimizationMs: number;
  readonly emissionMs: number;
  readonly totalMs: number;
}
