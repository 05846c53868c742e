import { createHash } from 'node:crypto';
import type { Connection } from '../db/connection.js';
import type { Migration } from './files.js';
import { compareVersions } from './files.js';

/** One row of the history table. */
export interface HistoryRow {
  readonly version: string;
  readonly name: string;
  readonly checksum: string;
  /** `failed`: a migration without a transaction stopped part-way (or is running now); `progress` says where. */
  readonly status: 'applied' | 'failed';
  readonly appliedAt: string;
  readonly appliedBy: string;
  readonly executionMs: number;
  readonly pgwardenVersion: string;
  readonly transactional: boolean;
  readonly progress: Progress | null;
  readonly backup: unknown;
  readonly guardSkippedReason: string | null;
  readonly schemaFingerprint: string | null;
  /** The fingerprint's per-object hashes (kept on the newest row only); null when not read (`objects: false`). */
  readonly schemaObjects: Record<string, string> | null;
  /** The row holds per-object hashes (whether or not they were read). */
  readonly hasSchemaObjects: boolean;
}

/** How far a migration without a transaction got: statements are applied one by one. */
export interface Progress {
  readonly done: number;
  readonly total: number;
  /** Fingerprints of the statements applied, so a fixed file can be resumed only if they did not change. */
  readonly statements: readonly string[];
  readonly failedAt?: { readonly line: number; readonly statement: string; readonly error: string };
  /**
   * A statement that cannot run in a transaction, recorded before it is sent: present when the runner stopped while
   * the server ran it (the server may have finished it). The next run checks its effect before anything else.
   * `resolved` is for a person who checked by hand: `completed` (skip it) or `not-run` (run it again).
   */
  readonly inFlight?: {
    readonly index: number;
    readonly line: number;
    readonly statement: string;
    readonly fingerprint: string;
    readonly resolved?: 'completed' | 'not-run';
  };
  /** The script the progress is of (absent: up). */
  readonly direction?: 'up' | 'down';
}

export interface HistoryTable {
  readonly schema: string;
  readonly table: string;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const qualifiedHistory = (h: HistoryTable) => `${quote(h.schema)}.${quote(h.table)}`;

/** SHA-256 of a migration's files, line endings normalized (a CRLF checkout has the same checksum). */
export function migrationChecksum(migration: Migration): string {
  const normalize = (text: string) => text.replace(/\r\n?/g, '\n');
  const hash = createHash('sha256').update(normalize(migration.up.fileText));
  if (migration.down && migration.down.file !== migration.up.file)
    hash.update('\u0000').update(normalize(migration.down.fileText));
  return hash.digest('hex');
}

export async function ensureHistoryTable(connection: Connection, history: HistoryTable): Promise<void> {
  await connection.query(`CREATE SCHEMA IF NOT EXISTS ${quote(history.schema)};
  CREATE TABLE IF NOT EXISTS ${qualifiedHistory(history)} (
    version text PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    status text NOT NULL CHECK (status IN ('applied', 'failed')),
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by text NOT NULL DEFAULT current_user,
    execution_ms integer NOT NULL DEFAULT 0,
    pgwarden_version text NOT NULL,
    transactional boolean NOT NULL,
    progress jsonb,
    backup jsonb,
    guard_skipped_reason text,
    schema_fingerprint text,
    schema_objects jsonb
  )`);
}

export async function historyExists(connection: Connection, history: HistoryTable): Promise<boolean> {
  const { rows } = await connection.query<{ exists: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AS exists`,
    [qualifiedHistory(history)],
  );
  return rows[0]!.exists;
}

/**
 * The history, oldest version first. With `objects: false` the per-object hashes of the schema fingerprint (a large
 * jsonb on big schemas) stay on the server: `schemaObjects` is null and `hasSchemaObjects` says whether there are.
 */
export async function readHistory(
  connection: Connection,
  history: HistoryTable,
  options: { objects?: boolean } = {},
): Promise<HistoryRow[]> {
  if (!(await historyExists(connection, history))) return [];
  return readHistoryRows(connection, history, options.objects !== false);
}

/** The history (without the fingerprints' per-object hashes) and the server's version, read together. */
export async function readHistoryAndServer(
  connection: Connection,
  history: HistoryTable,
): Promise<{ rows: HistoryRow[]; exists: boolean; serverVersionNum: number }> {
  const [row] = await connection.rows<{ exists: boolean; version: string }>(
    'reading the migration history',
    `SELECT to_regclass($1) IS NOT NULL AS exists, current_setting('server_version_num') AS version`,
    [qualifiedHistory(history)],
  );
  return {
    exists: row!.exists,
    serverVersionNum: Number(row!.version),
    rows: row!.exists ? await readHistoryRows(connection, history, false) : [],
  };
}

async function readHistoryRows(
  connection: Connection,
  history: HistoryTable,
  objects: boolean,
): Promise<HistoryRow[]> {
  const rows = await connection.rows<Record<string, unknown>>(
    'reading the migration history',
    `SELECT version, name, checksum, status, applied_at, applied_by, execution_ms, pgwarden_version, transactional,
            progress, backup, guard_skipped_reason, schema_fingerprint,
            ${objects ? 'schema_objects' : 'NULL::jsonb AS schema_objects'}, schema_objects IS NOT NULL AS has_objects
       FROM ${qualifiedHistory(history)}`,
  );
  return rows
    .map((r) => ({
      version: String(r.version),
      name: String(r.name),
      checksum: String(r.checksum),
      status: r.status === 'failed' ? ('failed' as const) : ('applied' as const),
      appliedAt: r.applied_at instanceof Date ? r.applied_at.toISOString() : String(r.applied_at),
      appliedBy: String(r.applied_by),
      executionMs: Number(r.execution_ms),
      pgwardenVersion: String(r.pgwarden_version),
      transactional: r.transactional === true,
      progress: (r.progress as Progress | null) ?? null,
      backup: r.backup ?? null,
      guardSkippedReason: (r.guard_skipped_reason as string | null) ?? null,
      schemaFingerprint: (r.schema_fingerprint as string | null) ?? null,
      schemaObjects: (r.schema_objects as Record<string, string> | null) ?? null,
      hasSchemaObjects: r.has_objects === true,
    }))
    .sort((a, b) => compareVersions(a.version, b.version));
}

/** What the history says of a migration the runner applied. */
export interface MigrationRecord {
  readonly version: string;
  readonly name: string;
  readonly checksum: string;
  readonly pgwardenVersion: string;
  readonly backup: unknown;
  readonly guardSkippedReason: string | null;
}

/**
 * Records a transactional migration applied, inside its transaction (so the row commits with it, or not at all).
 * `execution_ms` is `msBefore` (the time the runner spent before this attempt) plus this transaction's time on the
 * server so far (now() is its BEGIN).
 */
export async function recordApplied(
  connection: Connection,
  history: HistoryTable,
  record: MigrationRecord,
  msBefore: number,
): Promise<void> {
  await connection.query(recordAppliedSql(connection, history, record, msBefore));
}

/**
 * The INSERT of `recordApplied`, its values written in as literals: it can share a simple query (one round trip)
 * with the migration's statements and the COMMIT.
 */
export function recordAppliedSql(
  connection: Connection,
  history: HistoryTable,
  record: MigrationRecord,
  msBefore: number,
): string {
  const text = (value: string | null) => (value === null ? 'NULL' : connection.literal(value));
  const backup = record.backup === null || record.backup === undefined ? null : JSON.stringify(record.backup);
  return `INSERT INTO ${qualifiedHistory(history)} (version, name, checksum, status, execution_ms, pgwarden_version, transactional, backup, guard_skipped_reason)
     VALUES (${text(record.version)}, ${text(record.name)}, ${text(record.checksum)}, 'applied', (${Math.round(msBefore)}::int + extract(epoch FROM clock_timestamp() - now()) * 1000)::int, ${text(record.pgwardenVersion)}, true, ${text(backup)}, ${text(record.guardSkippedReason)})`;
}

/**
 * Records how far a migration without a transaction got (`failed` until its last statement is done, then
 * `applied`): inserted the first time, updated after. A backup recorded earlier is kept when this one has none.
 */
export async function recordProgress(
  connection: Connection,
  history: HistoryTable,
  record: MigrationRecord,
  progress: Progress,
  status: 'applied' | 'failed',
  executionMs: number,
): Promise<void> {
  await connection.query(
    `INSERT INTO ${qualifiedHistory(history)} (version, name, checksum, status, execution_ms, pgwarden_version, transactional, progress, backup, guard_skipped_reason)
     VALUES ($1, $2, $3, $4, $5, $6, false, $7, $8, $9)
     ON CONFLICT (version) DO UPDATE SET checksum = EXCLUDED.checksum, status = EXCLUDED.status, execution_ms = EXCLUDED.execution_ms,
       progress = EXCLUDED.progress, backup = coalesce(EXCLUDED.backup, ${qualifiedHistory(history)}.backup), applied_at = now()`,
    [
      record.version,
      record.name,
      record.checksum,
      status,
      executionMs,
      record.pgwardenVersion,
      JSON.stringify(progress),
      record.backup === null || record.backup === undefined ? null : JSON.stringify(record.backup),
      record.guardSkippedReason,
    ],
  );
}

/** Removes a migration from the history (rolled back). */
export async function forget(connection: Connection, history: HistoryTable, version: string): Promise<void> {
  await connection.query(`DELETE FROM ${qualifiedHistory(history)} WHERE version = $1`, [version]);
}
