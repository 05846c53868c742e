/**
 * The health facts of a running server: what `pgwarden health` read (one READ ONLY transaction, or two for a
 * sample), shaped for the `health/*` rules. Names of relations are SQL-ready (quoted where needed, schema-qualified).
 */

import type { BloatEstimate } from './bloat.js';

export interface HealthServer {
  readonly versionNum: number;
  readonly major: number;
  readonly database: string;
  readonly user: string;
  readonly superuser: boolean;
  /** The role sees every session's details (superuser, pg_read_all_stats or pg_monitor). */
  readonly readAllStats: boolean;
  readonly inRecovery: boolean;
  /** When the facts were read (ISO 8601, the server's clock). */
  readonly collectedAt: string;
  readonly startedAt: string;
  /** The settings the checks read, as pg_settings has them (`setting` column, base units). */
  readonly settings: Readonly<Record<string, string>>;
  readonly extensions: readonly string[];
}

export interface Session {
  readonly pid: number;
  readonly database: string | null;
  readonly user: string | null;
  readonly application: string | null;
  readonly client: string | null;
  readonly backendType: string | null;
  /** null when the role cannot see this session's state (another role's session without pg_read_all_stats). */
  readonly state: string | null;
  readonly xactSeconds: number | null;
  readonly querySeconds: number | null;
  readonly stateSeconds: number | null;
  readonly waitEventType: string | null;
  readonly waitEvent: string | null;
  /** age(backend_xmin) and age(backend_xid): how far this session holds the xmin horizon back. */
  readonly xminAge: number | null;
  readonly xidAge: number | null;
  readonly query: string | null;
  /** pg_blocking_pids of a session waiting on a lock. */
  readonly blockedBy: readonly number[];
}

export interface Connections {
  readonly max: number;
  readonly reservedForSuperuser: number;
  /** Client backends. */
  readonly total: number;
  readonly byState: Readonly<Record<string, number>>;
}

export interface PreparedTransaction {
  readonly gid: string;
  readonly database: string;
  readonly owner: string;
  readonly ageSeconds: number;
  readonly xidAge: number;
}

export interface ReplicationSlot {
  readonly name: string;
  readonly type: string;
  readonly database: string | null;
  readonly plugin: string | null;
  readonly active: boolean;
  readonly temporary: boolean;
  readonly xminAge: number | null;
  readonly catalogXminAge: number | null;
  /** WAL the slot keeps on disk (bytes from restart_lsn to the current WAL position). */
  readonly retainedBytes: number | null;
  readonly walStatus: string | null;
}

export interface Standby {
  readonly application: string | null;
  readonly client: string | null;
  readonly state: string | null;
  /** age(backend_xmin): set when the standby runs with hot_standby_feedback. */
  readonly xminAge: number | null;
  /** sync, async, potential or quorum. */
  readonly syncState: string | null;
  /** pg_stat_replication's write/flush/replay lag: null once the standby has caught up and nothing is being written. */
  readonly writeLagSeconds: number | null;
  readonly flushLagSeconds: number | null;
  readonly replayLagSeconds: number | null;
  /** WAL bytes between this server's WAL position and what the standby has written, flushed and replayed. */
  readonly writeLagBytes: number | null;
  readonly flushLagBytes: number | null;
  readonly replayLagBytes: number | null;
}

/** An installed extension whose version is not the default version of the files the server has. */
export interface OutdatedExtension {
  readonly name: string;
  readonly schema: string;
  readonly installed: string;
  readonly available: string;
  /** The server ships an update path from the installed version to the default one (ALTER EXTENSION … UPDATE works). */
  readonly updatable: boolean;
}

/** A collation (or a database's default collation, 15+) whose recorded version is not the library's. */
export interface CollationDrift {
  readonly kind: 'collation' | 'database';
  /** The collation, schema-qualified and quoted; or the database's name. */
  readonly name: string;
  /** c = libc, i = ICU, b = builtin; d = the database default. */
  readonly provider: string;
  readonly recorded: string;
  readonly actual: string | null;
  /** Indexes that use the collation (at most 50), schema-qualified; for a database, null (every text index). */
  readonly indexes: readonly string[] | null;
}

/** Something that holds the xmin horizon back: VACUUM cannot remove rows deleted after its xmin. */
export interface HorizonHolder {
  readonly kind: 'session' | 'prepared transaction' | 'replication slot' | 'standby';
  /** `pid 123`, the prepared transaction's gid, the slot's or standby's name. */
  readonly name: string;
  readonly pid: number | null;
  readonly database: string | null;
  readonly xminAge: number;
  /** How long it has held it (s), where known: the transaction's age; null for slots and standbys. */
  readonly seconds: number | null;
  /** Inactive slots and prepared transactions hold it until someone acts. */
  readonly detail: string;
  /** The statement that releases it, where one exists. */
  readonly release: string | null;
}

export interface DatabaseAge {
  readonly name: string;
  readonly xidAge: number;
  readonly mxidAge: number;
}

export interface Wraparound {
  readonly databases: readonly DatabaseAge[];
  readonly freezeMaxAge: number;
  readonly multixactFreezeMaxAge: number;
  /** From a second sample (`--sample`): XIDs and MultiXacts consumed per second; null without one. */
  readonly xidPerSecond: number | null;
  readonly mxidPerSecond: number | null;
}

export interface SequenceFacts {
  /** schema-qualified, quoted where needed. */
  readonly name: string;
  readonly dataType: string;
  /** null when the role may not read it. */
  readonly lastValue: number | null;
  readonly min: number;
  readonly max: number;
  readonly increment: number;
  readonly cycle: boolean;
  /** The column it feeds (owned by or identity), with its type. */
  readonly column: { readonly table: string; readonly name: string; readonly type: string } | null;
  /** The largest value it can reach: the smaller of its own maximum and its column type's. */
  readonly effectiveMax: number;
  /** Share of the range used (0 … 1), in the direction of its increment. */
  readonly used: number | null;
  /** From a second sample: values consumed per second. */
  readonly perSecond: number | null;
}

export interface TableFacts {
  readonly name: string;
  readonly estimatedRows: number;
  readonly liveTuples: number;
  readonly deadTuples: number;
  readonly modifiedSinceAnalyze: number;
  readonly lastVacuumSeconds: number | null;
  readonly lastAnalyzeSeconds: number | null;
  readonly autovacuumEnabled: boolean;
  /** The effective thresholds (server settings, then the table's reloptions). */
  readonly vacuumThreshold: number;
  readonly analyzeThreshold: number;
  /** The reloptions that set them, e.g. `autovacuum_vacuum_scale_factor=0.01`. */
  readonly reloptions: readonly string[];
  readonly sizeBytes: number;
  readonly xidAge: number;
}

export interface IndexFacts {
  readonly name: string;
  readonly table: string;
  /** pg_get_indexdef, read for the indexes a check may name (invalid, unused or duplicate candidates). */
  readonly definition: string | null;
  readonly valid: boolean;
  readonly unique: boolean;
  readonly primary: boolean;
  readonly backsConstraint: boolean;
  readonly servesForeignKey: boolean;
  /** What makes two indexes the same: table, access method, columns, operator classes, collations, expressions, predicate. */
  readonly signature: string;
  readonly scans: number | null;
  readonly sizeBytes: number;
  /** A CREATE INDEX CONCURRENTLY or REINDEX is building it right now. */
  readonly building: boolean;
}

export interface ConstraintFacts {
  readonly name: string;
  readonly table: string;
  readonly type: 'check' | 'foreign key' | 'not null' | 'other';
  readonly definition: string;
}

export interface TriggerFacts {
  readonly name: string;
  readonly table: string;
  /** An internal trigger: a foreign key's enforcement. */
  readonly internal: boolean;
  readonly constraint: string | null;
}

export interface DatabaseActivity {
  readonly blocksHit: number;
  readonly blocksRead: number;
  readonly tableBlocksHit: number;
  readonly tableBlocksRead: number;
  readonly indexBlocksHit: number;
  readonly indexBlocksRead: number;
  readonly tempFiles: number;
  readonly tempBytes: number;
  /** Since when the counters count (stats_reset, else the server's start). */
  readonly statsSince: string;
  readonly statsDays: number;
}

export interface Checkpoints {
  readonly timed: number;
  readonly requested: number;
  readonly since: string | null;
}

export interface Archiver {
  readonly mode: string;
  readonly archived: number;
  readonly failed: number;
  readonly lastFailedWal: string | null;
  readonly lastFailedSeconds: number | null;
  readonly lastArchivedSeconds: number | null;
}

export interface StatementFacts {
  readonly queryId: string;
  readonly query: string;
  readonly user: string | null;
  readonly calls: number;
  readonly rows: number;
  readonly totalMs: number;
  readonly meanMs: number;
}

export interface HealthFacts {
  readonly server: HealthServer;
  readonly connections: Connections;
  /** Every other backend of the server (pgwarden's own session left out). */
  readonly sessions: readonly Session[];
  readonly prepared: readonly PreparedTransaction[];
  readonly slots: readonly ReplicationSlot[];
  readonly standbys: readonly Standby[];
  /** Oldest first. */
  readonly horizon: readonly HorizonHolder[];
  readonly wraparound: Wraparound;
  readonly sequences: readonly SequenceFacts[];
  readonly tables: readonly TableFacts[];
  readonly indexes: readonly IndexFacts[];
  readonly notValidConstraints: readonly ConstraintFacts[];
  readonly disabledTriggers: readonly TriggerFacts[];
  readonly activity: DatabaseActivity;
  readonly checkpoints: Checkpoints | null;
  readonly archiver: Archiver | null;
  /** pg_stat_statements of this database (the heaviest and the most called); null when it is not available. */
  readonly statements: { readonly rows: readonly StatementFacts[]; readonly totalMs: number } | null;
  /** Installed extensions at another version than the default one of the server's extension files. */
  readonly outdatedExtensions: readonly OutdatedExtension[];
  readonly collationDrift: readonly CollationDrift[];
  /** Estimated bloat of tables and B-tree indexes of 10 pages or more; `measured` where `--exact` read it. */
  readonly bloat: { readonly tables: readonly BloatEstimate[]; readonly indexes: readonly BloatEstimate[] };
  /** The seconds between the two samples, when `--sample` was given. */
  readonly sampleSeconds: number | null;
  /** What the role could not read, by check: becomes the report's `skipped`. */
  readonly unreadable: readonly { readonly check: string; readonly reason: string }[];
}
