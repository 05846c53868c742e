import type { LogFormat } from './entry.js';
import type { QueryKind } from './queries.js';

/** One normalized query (one fingerprint of the real parser) and what its executions cost. */
export interface QueryStats {
  readonly fingerprint: string;
  readonly normalized: string;
  readonly kind: QueryKind;
  readonly calls: number;
  readonly totalMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly meanMs: number;
  /** From a quantile sketch: within 1 % of the true p95. */
  readonly p95Ms: number;
  /** The slowest execution: its text and the parameters the server logged with it. */
  readonly slowest: QuerySample;
  readonly tempFiles: number;
  readonly tempBytes: number;
  readonly maxTempFileBytes: number;
}

export interface QuerySample {
  readonly text: string;
  readonly params: string | null;
  readonly durationMs: number;
  readonly time: string | null;
  readonly session: string | null;
  readonly database: string | null;
  readonly user: string | null;
  readonly application: string | null;
}

/**
 * Runs of one lookup query in one session, one after the other with different parameters (an N+1 loop), for one
 * fingerprint. Only runs of at least two calls with differing parameters are kept; `byLength` lets a rule apply
 * its own minimum.
 */
export interface LookupLoops {
  readonly fingerprint: string;
  readonly normalized: string;
  /** The key column of `WHERE col = $n`. */
  readonly column: string;
  /** The one query that fetches the rows of every key of a loop, when a plain rewrite exists. */
  readonly rewrite: string | null;
  /** run length → runs of that length, their calls and time. */
  readonly byLength: readonly { readonly length: number; readonly runs: number; readonly totalMs: number }[];
  /** The longest run. */
  readonly longest: LoopRun;
}

export interface LoopRun {
  readonly session: string;
  readonly user: string | null;
  readonly database: string | null;
  readonly application: string | null;
  readonly calls: number;
  readonly totalMs: number;
  readonly start: string | null;
  readonly end: string | null;
  /** The first parameters of the loop (or texts, for queries sent with literals), a few. */
  readonly params: readonly string[];
  /** The statement that ran just before the loop: often the "1" whose rows it iterates. */
  readonly before: string | null;
}

export interface ErrorGroup {
  readonly severity: string;
  readonly sqlstate: string | null;
  /** The message with its numbers and quoted values as `…`. */
  readonly message: string;
  readonly count: number;
  readonly first: string | null;
  readonly last: string | null;
  /** The most in one minute, and that minute. */
  readonly peakPerMinute: number;
  readonly peakMinute: string | null;
  readonly example: {
    readonly message: string;
    readonly detail: string | null;
    readonly hint: string | null;
    readonly statement: string | null;
    readonly database: string | null;
    readonly user: string | null;
    readonly application: string | null;
  };
}

export interface LockWait {
  readonly time: string | null;
  readonly pid: number | null;
  readonly session: string | null;
  /** e.g. ShareLock on transaction 1049. */
  readonly lock: string;
  readonly waitedMs: number;
  readonly acquired: boolean;
  readonly statement: string | null;
  readonly blockers: readonly number[];
  /** The last statement the (first) blocking process logged before the wait, when the log has it. */
  readonly blockingStatement: string | null;
  readonly database: string | null;
}

export interface Deadlock {
  readonly time: string | null;
  readonly session: string | null;
  readonly database: string | null;
  /** The statements of the processes in the cycle, from the DETAIL the server logged. */
  readonly statements: readonly string[];
  readonly detail: string | null;
}

export interface Checkpoints {
  /** Checkpoints (and restartpoints) that completed. */
  readonly completed: number;
  /** Why they started: time, wal, immediate force wait, shutdown … */
  readonly reasons: Readonly<Record<string, number>>;
  /** "checkpoints are occurring too frequently" warnings, and the shortest gap they reported (s). */
  readonly warnings: number;
  readonly minWarningSeconds: number | null;
  readonly buffersWritten: number;
  readonly writeSeconds: number;
  readonly syncSeconds: number;
  readonly totalSeconds: number;
  readonly maxTotalSeconds: number;
  /** WAL between checkpoints (kB), mean and max. */
  readonly meanDistanceKb: number | null;
  readonly maxDistanceKb: number | null;
  /** Median time between the starts of checkpoints the WAL volume requested (s). */
  readonly medianWalIntervalSeconds: number | null;
}

export interface TableMaintenance {
  readonly table: string;
  readonly vacuums: number;
  readonly analyzes: number;
  readonly tuplesRemoved: number;
  readonly elapsedSeconds: number;
}

export interface Counted {
  readonly name: string;
  readonly count: number;
}

export interface Connections {
  readonly received: number;
  readonly authorized: number;
  readonly disconnections: number;
  readonly sessionSeconds: number;
  readonly byUser: readonly Counted[];
  readonly byDatabase: readonly Counted[];
  readonly byApplication: readonly Counted[];
  readonly byHost: readonly Counted[];
}

export interface TimelineBucket {
  readonly start: string;
  readonly queries: number;
  readonly queryMs: number;
  readonly errors: number;
  readonly connections: number;
  readonly tempBytes: number;
  readonly checkpoints: number;
}

/** A plan auto_explain logged: the slowest of its fingerprint, as the server printed it (text or JSON). */
export interface LoggedPlan {
  readonly fingerprint: string;
  readonly normalized: string;
  /** The statement as run (its `Query Text`). */
  readonly query: string;
  readonly durationMs: number;
  /** Plans of this fingerprint the log holds. */
  readonly count: number;
  readonly format: 'text' | 'json';
  readonly plan: string;
  readonly time: string | null;
  readonly session: string | null;
  readonly database: string | null;
  readonly user: string | null;
}

export interface LogFileRead {
  readonly path: string;
  readonly format: LogFormat;
  readonly bytes: number;
  readonly compressed: boolean;
  readonly prefix: string | null;
  readonly unreadable: number;
  /**
   * --incremental: where this run started in the file and why: `new`, `resumed` after what an earlier run read,
   * `unchanged` (nothing to read), `truncated` or `replaced` (another file in its place: read from the start).
   */
  readonly resumed?: 'new' | 'resumed' | 'unchanged' | 'truncated' | 'replaced';
  readonly startOffset?: number;
}

/** What a log says, in the shape rules and reporters read: the model of `log/*` rules. */
export interface LogModel {
  readonly files: readonly LogFileRead[];
  /** Files of a folder left out because the same log was there in a better format. */
  readonly skippedFiles: readonly string[];
  readonly first: string | null;
  readonly last: string | null;
  /** Entries read (after --since/--until). */
  readonly entries: number;
  /** Statements with a duration (log_min_duration_statement, log_duration) or logged by log_statement. */
  readonly queries: number;
  readonly queryMs: number;
  /** Time of the parse and bind steps of the extended protocol (not queries of their own). */
  readonly prepareMs: number;
  /** Whether the log has a session id (%c) or process id (%p) to follow sessions by: N+1 needs one. */
  readonly sessionsKnown: boolean;
  /** Whether the log has SQLSTATEs (%e, csvlog, jsonlog). */
  readonly sqlstatesKnown: boolean;
  /** Every normalized query, most total time first. */
  readonly queryStats: readonly QueryStats[];
  readonly distinctQueries: number;
  readonly loops: readonly LookupLoops[];
  readonly errors: readonly ErrorGroup[];
  readonly errorCount: number;
  readonly warningCount: number;
  readonly lockWaits: {
    readonly count: number;
    readonly totalMs: number;
    readonly longest: readonly LockWait[];
  };
  readonly deadlocks: { readonly count: number; readonly examples: readonly Deadlock[] };
  readonly tempFiles: { readonly count: number; readonly bytes: number; readonly maxBytes: number };
  readonly checkpoints: Checkpoints;
  readonly maintenance: {
    readonly vacuums: number;
    readonly analyzes: number;
    readonly tables: readonly TableMaintenance[];
  };
  readonly connections: Connections;
  /** auto_explain: how many plans the log holds, and the slowest of each fingerprint (of the slowest 100). */
  readonly plans: { readonly count: number; readonly kept: readonly LoggedPlan[] };
  readonly timeline: { readonly bucketSeconds: number; readonly buckets: readonly TimelineBucket[] };
}

/** What a report of the logs carries: the model, with only the top queries. */
export type LogReportData = Omit<LogModel, 'queryStats'> & { readonly topQueries: readonly QueryStats[] };
