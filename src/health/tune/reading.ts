import type { Connection } from '../../db/connection.js';
import { readDatabaseSizes } from '../../db/database-sizes.js';

/** One row of pg_settings, as tune reads it. */
export interface SettingRow {
  readonly name: string;
  readonly setting: string;
  readonly unit: string | null;
  readonly vartype: string;
  /** postmaster (restart), sighup (reload), superuser / user (reload, or per session), internal (fixed). */
  readonly context: string;
  readonly source: string;
  readonly enumvals: readonly string[] | null;
  readonly pendingRestart: boolean;
}

/** What the server's statistics say about its workload since they were last reset. */
export interface WorkloadReading {
  readonly tempFiles: number;
  readonly tempBytes: number;
  /** Seconds the database statistics cover (since their reset, else since the server started). */
  readonly databaseStatsSeconds: number;
  readonly checkpointsTimed: number;
  readonly checkpointsRequested: number;
  readonly checkpointStatsSeconds: number;
  /** Client sessions by state (`active`, `idle`, `idle in transaction`…; `unknown` when hidden from this role). */
  readonly connections: Readonly<Record<string, number>>;
}

/** A big or busy table of the connected database: what per-table autovacuum settings are judged on. */
export interface TableActivity {
  /** Schema-qualified, quoted where needed. */
  readonly name: string;
  readonly rows: number;
  readonly deadRows: number;
  /** Rows updated and deleted since the statistics were reset: the dead rows autovacuum has had to clean. */
  readonly changedRows: number;
  /** Seconds the table's counters cover (since the database's stats_reset, else the server's start). */
  readonly statsSeconds: number;
  readonly lastVacuumSeconds: number | null;
  readonly autovacuumCount: number;
  /** Its reloptions (`autovacuum_vacuum_scale_factor=0.01`…). */
  readonly reloptions: readonly string[];
}

/** Everything tune reads from a server, as plain JSON: the pure builder makes the model from it. */
export interface TuneReading {
  readonly major: number;
  readonly settings: readonly SettingRow[];
  /** Total size of the databases this role may connect to (bytes), or null when unreadable. */
  readonly databaseBytes: number | null;
  readonly workload: WorkloadReading | null;
  /** The 100 largest and 100 busiest tables of the connected database (absent in older recordings). */
  readonly tables?: readonly TableActivity[] | null;
  /** Reads that failed (a privilege, a timeout), by what they were for. */
  readonly failed: readonly { readonly read: string; readonly reason: string }[];
}

const SETTINGS_SQL = `
SELECT name, setting, unit, vartype, context, source, enumvals, pending_restart
  FROM pg_settings
 ORDER BY name`;

const DATABASES_SQL = `
SELECT oid FROM pg_database WHERE datallowconn AND has_database_privilege(oid, 'CONNECT')`;

const TEMP_FILES_SQL = `
SELECT coalesce(sum(temp_files), 0)::float8 AS files,
       coalesce(sum(temp_bytes), 0)::float8 AS bytes,
       extract(epoch FROM now() - coalesce(min(stats_reset), pg_postmaster_start_time()))::float8 AS seconds
  FROM pg_stat_database
 WHERE datname IS NOT NULL`;

function checkpointsSql(major: number): string {
  const [view, timed, requested] =
    major >= 17
      ? ['pg_stat_checkpointer', 'num_timed', 'num_requested']
      : ['pg_stat_bgwriter', 'checkpoints_timed', 'checkpoints_req'];
  return `
SELECT ${timed}::float8 AS timed, ${requested}::float8 AS requested,
       extract(epoch FROM now() - coalesce(stats_reset, pg_postmaster_start_time()))::float8 AS seconds
  FROM ${view}`;
}

const CONNECTIONS_SQL = `
SELECT coalesce(state, 'unknown') AS state, count(*)::int AS count
  FROM pg_stat_activity
 WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
 GROUP BY 1`;

const TABLES_SQL = `
WITH t AS (
  SELECT quote_ident(s.schemaname) || '.' || quote_ident(s.relname) AS name, greatest(c.reltuples, 0)::float8 AS rows,
         s.n_dead_tup::float8 AS dead_rows, (s.n_tup_upd + s.n_tup_del)::float8 AS changed_rows,
         extract(epoch FROM now() - greatest(s.last_autovacuum, s.last_vacuum))::float8 AS last_vacuum_seconds,
         s.autovacuum_count::float8 AS autovacuum_count, coalesce(c.reloptions, '{}') AS reloptions
    FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
   WHERE c.relkind IN ('r', 'm') AND NOT pg_is_other_temp_schema(c.relnamespace)
)
SELECT t.*, extract(epoch FROM now() - coalesce(d.stats_reset, pg_postmaster_start_time()))::float8 AS stats_seconds
  FROM ((SELECT * FROM t ORDER BY rows DESC LIMIT 100) UNION (SELECT * FROM t ORDER BY changed_rows DESC LIMIT 100)) t,
       pg_stat_database d
 WHERE d.datname = current_database()
 ORDER BY t.rows DESC`;

export interface ReadTuneOptions {
  /** Per-query limit (ms), default 10 s. */
  readonly statementTimeoutMs?: number;
  /** How long a read may wait for a lock (ms), default 1 s. */
  readonly lockTimeoutMs?: number;
}

/**
 * Reads the settings and the workload statistics tune needs, in one READ ONLY transaction with a statement and
 * lock timeout. A read the role may not make is rolled back to its savepoint and recorded; the others go on.
 */
export async function readTune(connection: Connection, options: ReadTuneOptions = {}): Promise<TuneReading> {
  return connection.readOnly(
    async (tx) => {
      const failed: { read: string; reason: string }[] = [];
      const attempt = async <T>(read: string, work: () => Promise<T>): Promise<T | null> => {
        await tx.query('SAVEPOINT pgwarden_tune');
        try {
          const result = await work();
          await tx.query('RELEASE SAVEPOINT pgwarden_tune');
          return result;
        } catch (error) {
          await tx.query('ROLLBACK TO SAVEPOINT pgwarden_tune');
          failed.push({ read, reason: (error as Error).message });
          return null;
        }
      };
      const rows = await tx.rows<{
        name: string;
        setting: string;
        unit: string | null;
        vartype: string;
        context: string;
        source: string;
        enumvals: string[] | null;
        pending_restart: boolean;
      }>('reading pg_settings', SETTINGS_SQL);
      const settings: SettingRow[] = rows.map((r) => ({
        name: r.name,
        setting: r.setting,
        unit: r.unit,
        vartype: r.vartype,
        context: r.context,
        source: r.source,
        enumvals: r.enumvals,
        pendingRestart: r.pending_restart,
      }));
      const major = Math.floor(
        Number(settings.find((s) => s.name === 'server_version_num')?.setting) / 10_000,
      );
      // one database at a time (readDatabaseSizes): a database dropped between the list and its size is left out
      const size = await attempt('database sizes', async () => {
        const databases = await tx.rows<{ oid: number }>('listing databases', DATABASES_SQL);
        const sizes = await readDatabaseSizes(
          tx,
          databases.map((d) => d.oid),
        );
        return [{ bytes: [...sizes.values()].reduce((sum, bytes) => sum + bytes, 0) }];
      });
      const temp = await attempt('temporary files (pg_stat_database)', () =>
        tx.rows<{ files: number; bytes: number; seconds: number }>(
          'reading pg_stat_database',
          TEMP_FILES_SQL,
        ),
      );
      const checkpoints = await attempt('checkpoints', () =>
        tx.rows<{ timed: number; requested: number; seconds: number }>(
          'reading the checkpoint statistics',
          checkpointsSql(major),
        ),
      );
      const connections = await attempt('connections (pg_stat_activity)', () =>
        tx.rows<{ state: string; count: number }>('reading pg_stat_activity', CONNECTIONS_SQL),
      );
      const tables = await attempt('tables (pg_stat_user_tables)', () =>
        tx.rows<{
          name: string;
          rows: number;
          dead_rows: number;
          changed_rows: number;
          stats_seconds: number;
          last_vacuum_seconds: number | null;
          autovacuum_count: number;
          reloptions: string[];
        }>('reading pg_stat_user_tables', TABLES_SQL),
      );
      const workload: WorkloadReading | null =
        temp && checkpoints && connections
          ? {
              tempFiles: temp[0]!.files,
              tempBytes: temp[0]!.bytes,
              databaseStatsSeconds: temp[0]!.seconds,
              checkpointsTimed: checkpoints[0]!.timed,
              checkpointsRequested: checkpoints[0]!.requested,
              checkpointStatsSeconds: checkpoints[0]!.seconds,
              connections: Object.fromEntries(connections.map((r) => [r.state, r.count])),
            }
          : null;
      return {
        major,
        settings,
        databaseBytes: size?.[0]?.bytes ?? null,
        workload,
        tables:
          tables?.map((t) => ({
            name: t.name,
            rows: t.rows,
            deadRows: t.dead_rows,
            changedRows: t.changed_rows,
            statsSeconds: t.stats_seconds,
            lastVacuumSeconds: t.last_vacuum_seconds,
            autovacuumCount: t.autovacuum_count,
            reloptions: t.reloptions,
          })) ?? null,
        failed,
      };
    },
    {
      statementTimeoutMs: options.statementTimeoutMs ?? 10_000,
      lockTimeoutMs: options.lockTimeoutMs ?? 1_000,
    },
  );
}
