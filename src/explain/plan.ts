/**
 * The plan model of `pgwarden explain`: what EXPLAIN (FORMAT JSON) printed, as an immutable tree of nodes with
 * the figures plan rules read: inclusive and exclusive time, total rows, the row estimate's error, exclusive
 * buffers and I/O time.
 *
 * Times follow pev2's computation (dalibo/pev2 `PlanService`) so that pgwarden and explain.dalibo.com agree on
 * where the time went; the tests check every node of a corpus of real plans against pev2 itself. The rules, as
 * pev2 applies them:
 *
 * 1. Inclusive time = `Actual Total Time × Actual Loops / (w + 1)`, where w is the `Workers Launched` of the
 *    nearest Gather / Gather Merge above the node (0 outside one; InitPlans and SubPlans start afresh). The
 *    times of a parallel node are per process, so this is the average wall time of one process.
 * 2. Exclusive time = inclusive − the inclusive time of the children, clamped at 0. SubPlans count as children
 *    (they run inside the node); InitPlans do not (an InitPlan runs where its value is first used), except under
 *    a Result node; CTE plans are never subtracted from the node that owns them.
 * 3. CTEs: each scan of a CTE (CTE Scan, WorkTable Scan) gives back a share of the CTE's inclusive time:
 *    `exclusive − cte × scan inclusive / Σ exclusive of the CTE's scans`, clamped at 0 (pev2's formula; its
 *    units are odd, but it is what pev2 shows).
 * 4. InitPlans: every node outside an InitPlan whose text fields mention the InitPlan (`$1` up to PostgreSQL 15,
 *    `InitPlan 1` from 16, matched as a substring: `$1` also in `$10`) has the InitPlan's inclusive time
 *    subtracted, once per InitPlan, without clamping: so exclusive times can go negative (see exclusiveMs).
 *
 * 3 and 4 run only on analyzed plans with timing. Where pev2 would produce NaN (rule 3 when every scan of a CTE
 * has 0 exclusive time), pgwarden keeps 0.
 */
import { PgwardenError } from '../core/errors.js';
import { deepFreeze } from '../core/immutable.js';
import {
  describeValue,
  inputError,
  isObject,
  type JsonObject,
  planDocuments,
  readInput,
} from './plan-input.js';
import { computeExclusives, computeHotPath, computeTimes, type Draft } from './plan-times.js';

export type {
  Actuals,
  Buffers,
  Estimate,
  HashAggregateInfo,
  HashInfo,
  IoTiming,
  Jit,
  JitTiming,
  ParentRelationship,
  Plan,
  PlanNode,
  RowEstimate,
  SortInfo,
  Trigger,
  WalUsage,
  WorkerStats,
} from './plan-types.js';

import type {
  Actuals,
  Buffers,
  Estimate,
  IoTiming,
  Jit,
  JitTiming,
  Plan,
  PlanNode,
  RowEstimate,
  SortInfo,
  Trigger,
  WorkerStats,
} from './plan-types.js';

export interface ParseOptions {
  /** The server's version, when known (e.g. from `SHOW server_version`): EXPLAIN does not print it. */
  readonly serverVersion?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Navigation helpers for rules

/** The plan as plain JSON data for `--format json`: everything, without `root` (it is `nodes[0]`). */
export function planForJson(plan: Plan): Omit<Plan, 'root'> {
  const { root: _root, ...rest } = plan;
  return rest;
}

export function childrenOf(plan: Plan, node: PlanNode): PlanNode[] {
  return node.childIds.map((id) => plan.nodes[id]!);
}

export function parentOf(plan: Plan, node: PlanNode): PlanNode | null {
  return node.parentId === null ? null : plan.nodes[node.parentId]!;
}

/** The nodes from the root down to `node`, both included. */
export function pathTo(plan: Plan, node: PlanNode): PlanNode[] {
  const path: PlanNode[] = [];
  for (let current: PlanNode | null = node; current; current = parentOf(plan, current)) path.push(current);
  return path.reverse();
}

const AGGREGATE_PREFIX: Readonly<Record<string, string>> = {
  Hashed: 'Hash',
  Sorted: 'Group',
  Mixed: 'Mixed',
};

/** A short name for messages: `Seq Scan on public.orders o`, `Index Scan using orders_pkey on orders`. */
export function describeNode(node: PlanNode): string {
  let text = node.nodeType;
  if (text === 'ModifyTable' && node.operation) text = node.operation;
  else if (text === 'Aggregate') text = `${AGGREGATE_PREFIX[node.strategy ?? ''] ?? ''}${text}`;
  else if (text === 'SetOp' && node.strategy === 'Hashed') text = 'HashSetOp';
  if (node.joinType && node.joinType !== 'Inner') {
    if (text === 'Nested Loop') text = `Nested Loop ${node.joinType} Join`;
    else if (text.endsWith(' Join')) text = `${text.slice(0, -5)} ${node.joinType} Join`;
  }
  if (node.partialMode && node.partialMode !== 'Simple') text = `${node.partialMode} ${text}`;
  if (node.parallelAware && !text.startsWith('Parallel')) text = `Parallel ${text}`;
  if (node.indexName) text += ` using ${node.indexName}`;
  if (node.relationName) {
    const name = node.schema ? `${node.schema}.${node.relationName}` : node.relationName;
    text += ` on ${name}`;
    if (node.alias && node.alias !== node.relationName) text += ` ${node.alias}`;
  } else if (node.cteName) {
    text += ` on ${node.cteName}`;
    if (node.alias && node.alias !== node.cteName) text += ` ${node.alias}`;
  } else if (node.functionName) {
    text += ` on ${node.functionName}`;
  }
  return text;
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

/**
 * Reads the output of EXPLAIN (FORMAT JSON) of one statement: a JSON string (also as psql prints it, with its
 * `QUERY PLAN` header, `+` continuations and row count; or quoted as a CSV cell; or inside a log line) or the
 * parsed value (the top-level array, one object with `Plan`, or a bare plan node). Throws
 * `PgwardenError('input')` saying what is wrong and where.
 */
export function parsePlan(input: unknown, options: ParseOptions = {}): Plan {
  const plans = parsePlans(input, options);
  if (plans.length !== 1) {
    throw new PgwardenError(
      'input',
      `the input holds ${plans.length} plans (a statement rewritten by rules into several): expected one`,
      { hint: 'explain the statements one by one, or read them all with parsePlans()' },
    );
  }
  return plans[0]!;
}

/** Like parsePlan, for EXPLAIN output that holds several plans (a statement that rules rewrote into several). */
export function parsePlans(input: unknown, options: ParseOptions = {}): Plan[] {
  const { value, queryIds } = readInput(input);
  const documents = planDocuments(value);
  return documents.map((doc, index) => buildPlan(doc.object, doc.path, options, queryIds[index] ?? null));
}

// ---------------------------------------------------------------------------------------------------------------
// Field readers: a wrong type is an input error naming the field and the node

class Fields {
  constructor(
    readonly object: JsonObject,
    readonly where: string,
  ) {}

  #wrong(key: string, expected: string): never {
    throw inputError(`"${key}" of ${this.where} is ${describeValue(this.object[key])}: expected ${expected}`);
  }

  has(key: string): boolean {
    return this.object[key] !== undefined;
  }

  num(key: string): number | null {
    const value = this.object[key];
    if (value === undefined || value === null) return null;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    // Tools that store plans sometimes quote numbers.
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
      return Number(value);
    return this.#wrong(key, 'a number');
  }

  str(key: string): string | null {
    const value = this.object[key];
    if (value === undefined || value === null) return null;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return this.#wrong(key, 'a string');
  }

  bool(key: string): boolean | null {
    const value = this.object[key];
    if (value === undefined || value === null) return null;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    return this.#wrong(key, 'true or false');
  }

  strings(key: string): readonly string[] | null {
    const value = this.object[key];
    if (value === undefined || value === null) return null;
    if (typeof value === 'string') return [value];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
    return this.#wrong(key, 'a list of strings');
  }

  child(key: string): Fields | null {
    const value = this.object[key];
    if (value === undefined || value === null) return null;
    if (isObject(value)) return new Fields(value, `"${key}" of ${this.where}`);
    return this.#wrong(key, 'an object');
  }
}

const BUFFER_KEYS = [
  'Shared Hit Blocks',
  'Shared Read Blocks',
  'Shared Dirtied Blocks',
  'Shared Written Blocks',
  'Local Hit Blocks',
  'Local Read Blocks',
  'Local Dirtied Blocks',
  'Local Written Blocks',
  'Temp Read Blocks',
  'Temp Written Blocks',
];

function readBuffers(f: Fields): Buffers | null {
  if (!BUFFER_KEYS.some((key) => f.has(key))) return null;
  return {
    sharedHit: f.num('Shared Hit Blocks') ?? 0,
    sharedRead: f.num('Shared Read Blocks') ?? 0,
    sharedDirtied: f.num('Shared Dirtied Blocks') ?? 0,
    sharedWritten: f.num('Shared Written Blocks') ?? 0,
    localHit: f.num('Local Hit Blocks') ?? 0,
    localRead: f.num('Local Read Blocks') ?? 0,
    localDirtied: f.num('Local Dirtied Blocks') ?? 0,
    localWritten: f.num('Local Written Blocks') ?? 0,
    tempRead: f.num('Temp Read Blocks') ?? 0,
    tempWritten: f.num('Temp Written Blocks') ?? 0,
  };
}

const IO_KEYS = [
  'Shared I/O Read Time',
  'Shared I/O Write Time',
  'Local I/O Read Time',
  'Local I/O Write Time',
  'Temp I/O Read Time',
  'Temp I/O Write Time',
  'I/O Read Time',
  'I/O Write Time',
];

function readIo(f: Fields): IoTiming | null {
  if (!IO_KEYS.some((key) => f.has(key))) return null;
  const n = (key: string) => f.num(key);
  const shared = [n('Shared I/O Read Time'), n('Shared I/O Write Time')] as const;
  const local = [n('Local I/O Read Time'), n('Local I/O Write Time')] as const;
  const temp = [n('Temp I/O Read Time'), n('Temp I/O Write Time')] as const;
  const old = [n('I/O Read Time'), n('I/O Write Time')] as const;
  const modern = shared[0] !== null || shared[1] !== null || local[0] !== null || local[1] !== null;
  const sharedLocalReadMs = modern ? (shared[0] ?? 0) + (local[0] ?? 0) : (old[0] ?? 0);
  const sharedLocalWriteMs = modern ? (shared[1] ?? 0) + (local[1] ?? 0) : (old[1] ?? 0);
  return {
    readMs: sharedLocalReadMs + (temp[0] ?? 0),
    writeMs: sharedLocalWriteMs + (temp[1] ?? 0),
    sharedLocalReadMs,
    sharedLocalWriteMs,
    sharedReadMs: modern ? (shared[0] ?? 0) : null,
    sharedWriteMs: modern ? (shared[1] ?? 0) : null,
    localReadMs: modern ? (local[0] ?? 0) : null,
    localWriteMs: modern ? (local[1] ?? 0) : null,
    tempReadMs: temp[0],
    tempWriteMs: temp[1],
  };
}

function readActuals(f: Fields): Actuals | null {
  const rows = f.num('Actual Rows');
  const loops = f.num('Actual Loops');
  if (rows === null && loops === null) return null;
  return {
    startupMs: f.num('Actual Startup Time'),
    totalMs: f.num('Actual Total Time'),
    rows: rows ?? 0,
    loops: loops ?? 1,
  };
}

function readSort(f: Fields): SortInfo | null {
  const method = f.str('Sort Method');
  const spaceType = f.str('Sort Space Type');
  const spaceUsedKb = f.num('Sort Space Used');
  if (method === null && spaceType === null && spaceUsedKb === null) return null;
  return { method, spaceType, spaceUsedKb };
}

const NO_WORKERS: readonly WorkerStats[] = Object.freeze([]);

function readWorkers(f: Fields): WorkerStats[] {
  const value = f.object.Workers;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw inputError(`"Workers" of ${f.where} is ${describeValue(value)}: expected an array`);
  return value.map((item, index) => {
    if (!isObject(item)) {
      throw inputError(`"Workers"[${index}] of ${f.where} is ${describeValue(item)}: expected an object`);
    }
    const w = new Fields(item, `worker ${index} of ${f.where}`);
    return {
      workerNumber: w.num('Worker Number') ?? index,
      actual: readActuals(w),
      buffers: readBuffers(w),
      io: readIo(w),
      sort: readSort(w),
      raw: item,
    };
  });
}

function rowEstimate(estimate: Estimate | null, actual: Actuals | null): RowEstimate | null {
  if (!estimate || !actual || actual.loops === 0) return null;
  const estimatedRows = estimate.rows * actual.loops;
  const actualRows = Math.round(actual.rows * actual.loops);
  const e = Math.max(estimatedRows, 1);
  const a = Math.max(actualRows, 1);
  return {
    estimatedRows,
    actualRows,
    factor: a >= e ? a / e : e / a,
    direction: a > e ? 'under' : a < e ? 'over' : 'exact',
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Building the plan

interface RawEntry {
  readonly object: JsonObject;
  readonly path: string;
  readonly depth: number;
  readonly parentId: number | null;
}

/** Pre-order without recursion: plans can be deep. */
function flatten(rootValue: unknown, rootPath: string): RawEntry[] {
  const entries: RawEntry[] = [];
  const stack: { value: unknown; path: string; depth: number; parentId: number | null }[] = [
    { value: rootValue, path: rootPath, depth: 0, parentId: null },
  ];
  while (stack.length > 0) {
    const { value, path, depth, parentId } = stack.pop()!;
    if (!isObject(value))
      throw inputError(`${path} is ${describeValue(value)}: expected a plan node (an object)`);
    const id = entries.length;
    entries.push({ object: value, path, depth, parentId });
    const plans = value.Plans;
    if (plans === undefined || plans === null) continue;
    if (!Array.isArray(plans))
      throw inputError(`${path}.Plans is ${describeValue(plans)}: expected an array`);
    for (let i = plans.length - 1; i >= 0; i--) {
      stack.push({ value: plans[i], path: `${path}.Plans[${i}]`, depth: depth + 1, parentId: id });
    }
  }
  return entries;
}

function buildPlan(doc: JsonObject, docPath: string, options: ParseOptions, queryId: string | null): Plan {
  const entries = flatten(doc.Plan, docPath ? `${docPath}.Plan` : 'Plan');
  const drafts: Draft[] = entries.map((entry, id) => readNode(entry, id));
  for (const draft of drafts) {
    if (draft.parentId !== null) (drafts[draft.parentId]!.childIds as number[]).push(draft.id);
  }
  const analyzed = drafts[0]!.actual !== null || drafts[0]!.neverExecuted;
  const timing = drafts.some((d) => d.inclusiveMs !== null);
  computeTimes(
    drafts,
    entries.map((e) => e.object),
    analyzed && timing,
  );
  computeExclusives(drafts);

  const top = new Fields(doc, docPath ? `the plan at ${docPath}` : 'the plan');
  const planningMs = top.num('Planning Time');
  const executionMs = top.num('Execution Time') ?? top.num('Total Runtime');
  const timeBaseMs = timing ? (executionMs ?? drafts[0]!.inclusiveMs) : null;
  for (const draft of drafts) {
    draft.exclusiveShare =
      draft.exclusiveMs !== null && timeBaseMs !== null && timeBaseMs > 0
        ? draft.exclusiveMs / timeBaseMs
        : null;
  }
  const { hotPath, hotPathBy } = computeHotPath(drafts, timing);
  const raw = copyWithout(doc, 'Plan');
  const planning = top.child('Planning');

  const plan: Plan = {
    root: drafts[0]!,
    nodes: drafts,
    analyzed,
    timing,
    buffers: drafts.some((d) => d.buffers !== null),
    ioTiming: drafts.some((d) => d.io !== null),
    wal: drafts.some((d) => d.wal !== null),
    verbose: drafts.some((d) => d.output !== null),
    planningMs,
    executionMs,
    totalMs: planningMs !== null && executionMs !== null ? planningMs + executionMs : null,
    timeBaseMs,
    planningBuffers: planning ? readBuffers(planning) : null,
    triggers: readTriggers(top),
    jit: readJit(top),
    settings: readSettings(top),
    queryText: top.str('Query Text'),
    queryId: queryId ?? top.str('Query Identifier'),
    serverVersion: options.serverVersion ?? null,
    hotPath,
    hotPathBy,
    raw,
  };
  return freezePlan(plan);
}

/**
 * Freezes the whole plan. The same as deepFreeze, but it knows the model's shape, which saves a generic walk over
 * tens of thousands of objects on a large plan (most of the cost of a cold parse).
 */
function freezePlan(plan: Plan): Plan {
  for (const node of plan.nodes) {
    for (const value of [
      node.childIds,
      node.estimate,
      node.actual,
      node.rowEstimate,
      node.buffers,
      node.exclusiveBuffers,
      node.io,
      node.exclusiveIo,
      node.wal,
      node.sort,
      node.hash,
      node.hashAggregate,
      node.output,
      node.sortKey,
      node.groupKey,
    ]) {
      Object.freeze(value);
    }
    if (node.workers.length > 0) deepFreeze(node.workers);
    for (const key in node.raw) {
      const value = node.raw[key];
      if (typeof value === 'object' && value !== null) deepFreeze(value);
    }
    Object.freeze(node.raw);
    Object.freeze(node);
  }
  Object.freeze(plan.nodes);
  const { nodes: _nodes, root: _root, ...rest } = plan;
  deepFreeze(rest);
  return Object.freeze(plan);
}

/** A shallow copy without one key (`delete` would turn the copy into a slow dictionary object). */
function copyWithout(object: JsonObject, skip: string): JsonObject {
  const copy: JsonObject = {};
  for (const key in object) if (key !== skip) copy[key] = object[key];
  return copy;
}

function readNode(entry: RawEntry, id: number): Draft {
  const { object } = entry;
  const nodeTypeValue = object['Node Type'];
  if (typeof nodeTypeValue !== 'string' || nodeTypeValue === '') {
    throw inputError(`the node at ${entry.path} has no "Node Type" (found ${describeValue(nodeTypeValue)})`);
  }
  const f = new Fields(object, `the ${nodeTypeValue} node at ${entry.path}`);
  // The object is ours (parsed from the text, or a clone of the value given), so it becomes `raw` itself. "Plans"
  // is the last key PostgreSQL prints, and deleting the last key keeps V8's fast object layout: cheaper than a copy.
  const raw = object;
  delete raw.Plans;

  const relationship = f.str('Parent Relationship');
  const subplanName = f.str('Subplan Name');
  const subplanKind =
    relationship === 'InitPlan' && subplanName?.startsWith('CTE')
      ? 'cte'
      : relationship === 'InitPlan'
        ? 'initplan'
        : relationship === 'SubPlan'
          ? 'subplan'
          : null;

  const startupCost = f.num('Startup Cost');
  const totalCost = f.num('Total Cost');
  const estimate: Estimate | null =
    totalCost === null
      ? null
      : {
          startupCost: startupCost ?? 0,
          totalCost,
          rows: f.num('Plan Rows') ?? 0,
          width: f.num('Plan Width') ?? 0,
        };
  const readActual = readActuals(f);
  const neverExecuted = readActual !== null && readActual.loops === 0;
  const actual = neverExecuted ? null : readActual;
  const loops = readActual?.loops ?? 1;
  const perLoopTotal = (key: string) => {
    const value = f.num(key);
    return value === null ? null : Math.round(value * loops);
  };

  const hashBuckets = f.num('Hash Buckets');
  const hashBatches = f.num('Hash Batches');
  const peakMemory = f.num('Peak Memory Usage');
  const hashAggBatches = f.num('HashAgg Batches');
  const plannedPartitions = f.num('Planned Partitions');
  const diskUsage = f.num('Disk Usage');
  const buffers = readBuffers(f);
  const io = readIo(f);
  const walRecords = f.num('WAL Records');

  return {
    id,
    depth: entry.depth,
    parentId: entry.parentId,
    childIds: [],
    nodeType: nodeTypeValue,
    parentRelationship: relationship,
    subplanName,
    subplanKind,
    parallelAware: f.bool('Parallel Aware') ?? false,
    asyncCapable: f.bool('Async Capable') ?? false,
    partialMode: f.str('Partial Mode'),
    operation: f.str('Operation'),
    relationName: f.str('Relation Name'),
    schema: f.str('Schema'),
    alias: f.str('Alias'),
    indexName: f.str('Index Name'),
    cteName: f.str('CTE Name'),
    functionName: f.str('Function Name'),
    joinType: f.str('Join Type'),
    strategy: f.str('Strategy'),
    scanDirection: f.str('Scan Direction'),
    estimate,
    actual,
    neverExecuted,
    workersPlanned: f.num('Workers Planned'),
    workersLaunched: f.num('Workers Launched'),
    gatherWorkers: 0,
    // Rule 1 needs the Gather above: computeTimes turns this per-loop total into the inclusive time.
    inclusiveMs: readActual?.totalMs ?? null,
    exclusiveMs: null,
    exclusiveShare: null,
    exclusiveCost: null,
    actualRows: readActual ? Math.round(readActual.rows * readActual.loops) : null,
    // BitmapAnd and BitmapOr build a bitmap, not rows: PostgreSQL always shows 0 actual rows for them
    rowEstimate:
      nodeTypeValue === 'BitmapAnd' || nodeTypeValue === 'BitmapOr' ? null : rowEstimate(estimate, actual),
    rowsRemovedByFilter: perLoopTotal('Rows Removed by Filter'),
    rowsRemovedByJoinFilter: perLoopTotal('Rows Removed by Join Filter'),
    rowsRemovedByIndexRecheck: perLoopTotal('Rows Removed by Index Recheck'),
    heapFetches: f.num('Heap Fetches'),
    exactHeapBlocks: f.num('Exact Heap Blocks'),
    lossyHeapBlocks: f.num('Lossy Heap Blocks'),
    indexSearches: f.num('Index Searches'),
    buffers,
    exclusiveBuffers: buffers,
    io,
    exclusiveIo: io,
    wal:
      walRecords === null
        ? null
        : {
            records: walRecords,
            fullPageImages: f.num('WAL FPI') ?? 0,
            bytes: f.num('WAL Bytes') ?? 0,
            buffersFull: f.num('WAL Buffers Full'),
          },
    sort: readSort(f),
    hash:
      hashBuckets === null && hashBatches === null
        ? null
        : {
            buckets: hashBuckets,
            originalBuckets: f.num('Original Hash Buckets'),
            batches: hashBatches,
            originalBatches: f.num('Original Hash Batches'),
            peakMemoryKb: peakMemory,
          },
    hashAggregate:
      hashAggBatches === null && plannedPartitions === null
        ? null
        : { batches: hashAggBatches, plannedPartitions, peakMemoryKb: peakMemory, diskUsageKb: diskUsage },
    filter: f.str('Filter'),
    indexCond: f.str('Index Cond'),
    recheckCond: f.str('Recheck Cond'),
    joinFilter: f.str('Join Filter'),
    hashCond: f.str('Hash Cond'),
    mergeCond: f.str('Merge Cond'),
    oneTimeFilter: f.str('One-Time Filter'),
    output: f.strings('Output'),
    sortKey: f.strings('Sort Key'),
    groupKey: f.strings('Group Key'),
    workers: object.Workers === undefined ? NO_WORKERS : readWorkers(f),
    raw,
  };
}

function readTriggers(top: Fields): Trigger[] {
  const value = top.object.Triggers;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw inputError(`"Triggers" of ${top.where} is ${describeValue(value)}: expected an array`);
  return value.map((item, index) => {
    if (!isObject(item)) {
      throw inputError(`"Triggers"[${index}] of ${top.where} is ${describeValue(item)}: expected an object`);
    }
    const f = new Fields(item, `trigger ${index} of ${top.where}`);
    return {
      name: f.str('Trigger Name') ?? '?',
      constraintName: f.str('Constraint Name'),
      relation: f.str('Relation'),
      timeMs: f.num('Time'),
      calls: f.num('Calls') ?? 0,
    };
  });
}

function readJit(top: Fields): Jit | null {
  const jit = top.child('JIT');
  if (!jit) return null;
  const options = jit.child('Options');
  const timing = jit.child('Timing');
  let jitTiming: JitTiming | null = null;
  if (timing) {
    // PostgreSQL 17 made Generation an object: { "Deform": ms, "Total": ms }.
    const generation = isObject(timing.object.Generation) ? timing.child('Generation') : null;
    jitTiming = {
      generationMs: (generation ? generation.num('Total') : timing.num('Generation')) ?? 0,
      deformMs: generation ? generation.num('Deform') : null,
      inliningMs: timing.num('Inlining') ?? 0,
      optimizationMs: timing.num('Optimization') ?? 0,
      emissionMs: timing.num('Emission') ?? 0,
      totalMs: timing.num('Total') ?? 0,
    };
  }
  return {
    functions: jit.num('Functions') ?? 0,
    inlining: options?.bool('Inlining') ?? false,
    optimization: options?.bool('Optimization') ?? false,
    expressions: options?.bool('Expressions') ?? false,
    deforming: options?.bool('Deforming') ?? false,
    timing: jitTiming,
  };
}

function readSettings(top: Fields): Record<string, string> {
  const settings = top.child('Settings');
  if (!settings) return {};
  const out: Record<string, string> = {};
  for (const key of Object.keys(settings.object)) out[key] = settings.str(key) ?? '';
  return out;
}
