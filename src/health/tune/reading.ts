import type { Connection } from '../../db/connection.js';

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

/** Everything tune reads from a server, as plain JSON: the pure builder makes the model from it. */
export interface TuneReading {
  readonly major: number;
  readonly settings: readonly SettingRow[];
  /** Total size of the databases this role may connect to (bytes), or null when unreadable. */
  readonly databaseBytes: number | null;
  readonly workload: WorkloadReading | null;
  /** Reads that failed (a privilege, a timeout), by what they were for. */
  readonly failed: readonly { readonly read: string; readonly reason: string }[];
}

const SETTINGS_SQL = `
SELECT name, setting, unit, vartype, context, source, enumvals, pending_restart
  FROM pg_settings
 ORDER BY name`;

const DATABASE_SIZE_SQL = `
SELECT sum(pg_database_size(oid))::float8 AS bytes
  FROM pg_database
 WHERE datallowconn AND has_database_privilege(oid, 'CONNECT')`;

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
      const size = await attempt('database sizes', () =>
        tx.rows<{ bytes: number | null }>('reading database sizes', DATABASE_SIZE_SQL),
      );
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
      return { major, settings, databaseBytes: size?.[0]?.bytes ?? null, workload, failed };
    },
    {
      statementTimeoutMs: options.statementTimeoutMs ?? 10_000,
      lockTimeoutMs: options.lockTimeoutMs ?? 1_000,
    },
  );
}
