import { PgwardenError } from '../core/errors.js';
import type { Connection } from '../db/connection.js';
import { quoteIdent } from '../sql/quote.js';
import type { Migration } from './files.js';
import { type HistoryRow, type HistoryTable, migrationChecksum, qualifiedHistory } from './history.js';
import { compareFlywayVersions, type MigrationLayout } from './layouts.js';

/**
 * Adoption: a database migrated until now by another runner keeps that runner's history in its own table
 * (docs/migration-layouts.md §10). pgwarden reads it as that runner does — which of the folder's migrations it
 * recorded as applied — so that `migrate status` shows them applied and `migrate up` applies only the others,
 * instead of running the first migration again over the objects it made.
 */
export interface AdoptedHistory {
  /** The runner whose history was read. */
  readonly runner: string;
  /** `schema.table` of its history. */
  readonly table: string;
  /** pgwarden history rows for the migrations it recorded as applied (not written yet). */
  readonly rows: HistoryRow[];
}

type Runner =
  | 'prisma'
  | 'diesel'
  | 'golang-migrate'
  | 'dbmate'
  | 'flyway'
  | 'node-pg-migrate'
  | 'goose'
  | 'sqlx';

interface Candidate {
  readonly schema: string;
  readonly name: string;
  readonly columns: readonly string[];
}

const TABLES: Record<Runner, string> = {
  prisma: '_prisma_migrations',
  diesel: '__diesel_schema_migrations',
  'golang-migrate': 'schema_migrations',
  dbmate: 'schema_migrations',
  flyway: 'flyway_schema_history',
  'node-pg-migrate': 'pgmigrations',
  goose: 'goose_db_version',
  sqlx: '_sqlx_migrations',
};

/** The runners whose history a folder of `layout` can have (pgwarden's own files are dbmate's format). */
function runnersFor(layout: MigrationLayout): Runner[] {
  switch (layout) {
    case 'pgwarden':
    case 'plain':
    case 'dbmate':
      return ['dbmate'];
    case 'golang-migrate':
      return ['golang-migrate'];
    default:
      return [layout];
  }
}

/** golang-migrate and dbmate share a table name: the columns tell them apart (golang-migrate's has `dirty`). */
function matches(runner: Runner, table: Candidate): boolean {
  if (table.name !== TABLES[runner]) return false;
  const has = (column: string) => table.columns.includes(column);
  switch (runner) {
    case 'prisma':
      return has('migration_name') && has('finished_at') && has('rolled_back_at');
    case 'diesel':
      return has('version') && has('run_on');
    case 'golang-migrate':
      return has('version') && has('dirty');
    case 'dbmate':
      return has('version') && !has('dirty');
    case 'flyway':
      return has('version') && has('success') && has('type') && has('script');
    case 'node-pg-migrate':
      return has('name') && has('run_on');
    case 'goose':
      return has('version_id') && has('is_applied');
    case 'sqlx':
      return has('version') && has('success') && has('checksum');
  }
}

/** What the runner recorded: each applied migration's key (as pgwarden's versions read it) and when. */
interface Recorded {
  readonly applied: Map<string, string | null>;
  /** A migration the runner left failed or dirty: pgwarden cannot tell what of it is applied. */
  readonly unsettled: string | null;
}

async function readRecorded(
  connection: Connection,
  runner: Runner,
  table: string,
  migrations: readonly Migration[],
): Promise<Recorded> {
  const applied = new Map<string, string | null>();
  const at = (value: unknown) => (value instanceof Date ? value.toISOString() : null);
  const read = <T extends object>(sql: string) => connection.rows<T>(`reading ${runner}'s history`, sql);
  switch (runner) {
    case 'prisma': {
      const rows = await read<{ name: string; finished: Date | null; rolled_back: Date | null }>(
        `SELECT migration_name AS name, finished_at AS finished, rolled_back_at AS rolled_back FROM ${table}`,
      );
      for (const row of rows) if (row.finished && !row.rolled_back) applied.set(row.name, at(row.finished));
      const failed = rows.find((row) => !row.finished && !row.rolled_back && !applied.has(row.name));
      return { applied, unsettled: failed ? failed.name : null };
    }
    case 'diesel':
    case 'dbmate': {
      const rows = await read<{ version: string; run_on?: Date }>(
        `SELECT version::text AS version${runner === 'diesel' ? ', run_on' : ''} FROM ${table}`,
      );
      for (const row of rows) applied.set(row.version, at(row.run_on));
      return { applied, unsettled: null };
    }
    case 'golang-migrate': {
      const [row] = await read<{ version: string; dirty: boolean }>(
        `SELECT version::text AS version, dirty FROM ${table} LIMIT 1`,
      );
      if (!row) return { applied, unsettled: null };
      const current = BigInt(row.version);
      for (const migration of migrations) {
        if (!/^\d+$/.test(migration.version)) continue;
        const version = BigInt(migration.version);
        if (version < current || (version === current && !row.dirty)) applied.set(migration.version, null);
      }
      return { applied, unsettled: row.dirty ? row.version : null };
    }
    case 'flyway': {
      const rows = await read<{
        version: string | null;
        script: string;
        type: string;
        success: boolean;
        at: Date;
      }>(`SELECT version, script, type, success, installed_on AS at FROM ${table} ORDER BY installed_rank`);
      const baseline = rows.filter((row) => row.type === 'BASELINE' && row.success && row.version).at(-1);
      for (const migration of migrations) {
        if (baseline?.version && /^[\d.]+$/.test(migration.version)) {
          if (compareFlywayVersions(migration.version, baseline.version) <= 0)
            applied.set(migration.version, at(baseline.at));
        }
      }
      for (const row of rows) {
        if (!row.success || row.type === 'DELETE' || row.type === 'BASELINE') continue;
        // a repeatable's key is its file name (pgwarden's version of it)
        const key = row.version ?? row.script.replace(/\.sql$/i, '');
        applied.set(row.version ? normalizeFlyway(row.version, migrations) : key, at(row.at));
      }
      const failed = rows.find((row) => !row.success);
      return { applied, unsettled: failed ? (failed.version ?? failed.script) : null };
    }
    case 'goose': {
      // goose appends a row per up (is_applied) and, from v3, deletes the version's rows on down (older versions
      // appended is_applied = false): a version is applied when its latest row says so; version 0 is the table's own
      const rows = await read<{ version: string; applied: boolean; at: Date | null }>(
        `SELECT DISTINCT ON (version_id) version_id::text AS version, is_applied AS applied, tstamp AS at
           FROM ${table} WHERE version_id > 0 ORDER BY version_id, id DESC`,
      );
      const byNumber = versionsByNumber(migrations);
      for (const row of rows)
        if (row.applied) applied.set(byNumber.get(row.version) ?? row.version, at(row.at));
      return { applied, unsettled: null };
    }
    case 'sqlx': {
      // a row with success = false is a migration sqlx left part-way (it refuses to go on until it is settled)
      const rows = await read<{ version: string; success: boolean; at: Date | null }>(
        `SELECT version::text AS version, success, installed_on AS at FROM ${table}`,
      );
      const byNumber = versionsByNumber(migrations);
      for (const row of rows)
        if (row.success) applied.set(byNumber.get(row.version) ?? row.version, at(row.at));
      const failed = rows.find((row) => !row.success);
      return { applied, unsettled: failed ? (byNumber.get(failed.version) ?? failed.version) : null };
    }
    case 'node-pg-migrate': {
      const rows = await read<{ name: string; run_on: Date }>(`SELECT name, run_on FROM ${table}`);
      const byStem = new Map(
        migrations.map((m) => [
          m.up.file
            .split(/[\\/]/)
            .at(-1)!
            .replace(/\.[^.]+$/, ''),
          m.version,
        ]),
      );
      for (const row of rows) {
        const version = byStem.get(row.name);
        if (version !== undefined) applied.set(version, at(row.run_on));
      }
      return { applied, unsettled: null };
    }
  }
}

/** The folder's versions by the number they read as (`00002` → `2`): goose and sqlx record numbers. */
function versionsByNumber(migrations: readonly Migration[]): Map<string, string> {
  return new Map(
    migrations.filter((m) => /^\d+$/.test(m.version)).map((m) => [BigInt(m.version).toString(), m.version]),
  );
}

/** Flyway records `1.2` for `V1_2__x` and also for `V01.2`: match a recorded version to the folder's spelling. */
function normalizeFlyway(recorded: string, migrations: readonly Migration[]): string {
  const same = migrations.find(
    (m) => /^[\d.]+$/.test(m.version) && compareFlywayVersions(m.version, recorded) === 0,
  );
  return same?.version ?? recorded;
}

/**
 * The history another runner kept for this folder's migrations, when pgwarden has none: null when the database has
 * no such table (a database that has objects but no history at all needs `migrate baseline`). Refuses a history
 * that the runner itself left unsettled (a failed Prisma migration, a dirty golang-migrate version).
 */
export async function adoptForeignHistory(
  connection: Connection,
  migrations: readonly Migration[],
): Promise<AdoptedHistory | null> {
  const layout = migrations[0]?.layout;
  if (!layout) return null;
  const runners = runnersFor(layout);
  const tables = await connection.rows<Candidate & { rank: number | null }>(
    'looking for another runner’s history',
    `SELECT n.nspname AS schema, c.relname AS name, array_agg(a.attname::text ORDER BY a.attnum) AS columns,
            array_position(current_schemas(false), n.nspname::text) AS rank
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE c.relkind IN ('r', 'p') AND c.relname = ANY($1::text[])
      GROUP BY n.nspname, c.relname
      ORDER BY rank NULLS LAST, n.nspname`,
    [runners.map((runner) => TABLES[runner])],
  );
  for (const runner of runners) {
    const found = tables.find((table) => matches(runner, table));
    if (!found) continue;
    const table = `${quoteIdent(found.schema)}.${quoteIdent(found.name)}`;
    const recorded = await readRecorded(connection, runner, table, migrations);
    if (recorded.unsettled !== null) {
      throw new PgwardenError(
        'input',
        `${runner}'s history (${found.schema}.${found.name}) records migration ${recorded.unsettled} as failed part-way: pgwarden cannot tell what of it is applied`,
        {
          hint: `settle it with ${runner} first (it knows what it left), then run pgwarden again: it adopts the rest of that history`,
        },
      );
    }
    const rows = migrations
      .filter((m) => recorded.applied.has(m.version))
      .map((m): HistoryRow => adoptedRow(m, recorded.applied.get(m.version) ?? null, runner));
    // none of this folder's migrations in it: another application's table of the same name, or nothing applied yet
    if (rows.length === 0) continue;
    return { runner, table: `${found.schema}.${found.name}`, rows };
  }
  return null;
}

function adoptedRow(migration: Migration, appliedAt: string | null, runner: string): HistoryRow {
  return {
    version: migration.version,
    name: migration.name,
    checksum: migrationChecksum(migration),
    status: 'applied',
    // unknown (dbmate and golang-migrate keep no time): empty, and now() when written
    appliedAt: appliedAt ?? '',
    appliedBy: `adopted from ${runner}`,
    executionMs: 0,
    pgwardenVersion: '',
    transactional: migration.up.transaction,
    progress: null,
    backup: null,
    guardSkippedReason: `applied by ${runner} before pgwarden ran this database`,
    schemaFingerprint: null,
    schemaObjects: null,
    hasSchemaObjects: false,
  };
}

/** Writes adopted (or baselined) rows into pgwarden's history, which must exist; in the caller's transaction. */
export async function recordAdopted(
  connection: Connection,
  history: HistoryTable,
  rows: readonly HistoryRow[],
  pgwardenVersion: string,
): Promise<void> {
  if (rows.length === 0) return;
  await connection.query(
    `INSERT INTO ${qualifiedHistory(history)}
       (version, name, checksum, status, applied_at, applied_by, execution_ms, pgwarden_version, transactional, guard_skipped_reason)
     SELECT r.version, r.name, r.checksum, 'applied', coalesce(r.applied_at, now()), r.applied_by, 0, $2, r.transactional, r.reason
       FROM jsonb_to_recordset($1::jsonb)
         AS r(version text, name text, checksum text, applied_at timestamptz, applied_by text, transactional boolean, reason text)`,
    [
      JSON.stringify(
        rows.map((row) => ({
          version: row.version,
          name: row.name,
          checksum: row.checksum,
          applied_at: row.appliedAt || null,
          applied_by: row.appliedBy,
          transactional: row.transactional,
          reason: row.guardSkippedReason,
        })),
      ),
      pgwardenVersion,
    ],
  );
}

/** Rows for `migrate baseline`: the folder's migrations up to `version`, recorded as applied without running them. */
export function baselineRows(migrations: readonly Migration[], version: string): HistoryRow[] {
  const at = migrations.findIndex((m) => m.version === version);
  if (at < 0) {
    throw new PgwardenError('usage', `--to ${version}: no migration of the folder has that version`, {
      hint: 'pgwarden migrate status lists the versions',
    });
  }
  return migrations.slice(0, at + 1).map((m) => ({
    ...adoptedRow(m, null, 'migrate baseline'),
    appliedBy: 'migrate baseline',
    guardSkippedReason: 'recorded by migrate baseline: the database already had its changes',
  }));
}
