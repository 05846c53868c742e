import type { Connection } from '../../db/connection.js';
import { readDatabaseSizes } from '../../db/database-sizes.js';
import { BLOAT_INDEXES_SQL, BLOAT_TABLES_SQL, collationDriftSql, STANDBYS_SQL } from '../queries.js';

type Row = Record<string, unknown>;

/** What one scrape read from one database, as plain JSON (the pure builder turns it into metric families). */
export interface MetricsReading {
  readonly server: Row;
  readonly connections: readonly Row[] | null;
  readonly databases: readonly Row[] | null;
  readonly tables: Row | null;
  readonly topDeadTuples: readonly Row[] | null;
  readonly checkpoints: Row | null;
  readonly slots: readonly Row[] | null;
  /** pg_stat_replication: each standby's lag (absent in older recordings). */
  readonly standbys?: readonly Row[] | null;
  /** Collations (and databases' default collations, 15+) whose recorded version is not the library's. */
  readonly collationDrift?: readonly Row[] | null;
  /** The rows the bloat estimate reads, tables and B-tree indexes of 10 pages or more. */
  readonly bloatTables?: readonly Row[] | null;
  readonly bloatIndexes?: readonly Row[] | null;
  /** Reads that failed (a privilege, a timeout), by what they were for. */
  readonly failed: readonly { readonly read: string; readonly reason: string }[];
}

const SERVER_SQL = `
SELECT current_setting('server_version_num')::int AS version_num,
       current_setting('server_version') AS version,
       current_setting('max_connections')::int AS max_connections,
       pg_is_in_recovery() AS in_recovery,
       extract(epoch FROM pg_postmaster_start_time())::float8 AS start_time,
       (SELECT count(*) FROM pg_settings WHERE pending_restart)::int AS pending_restart,
       (SELECT coalesce(extract(epoch FROM max(now() - xact_start)), 0)::float8
          FROM pg_stat_activity
         WHERE backend_type = 'client backend' AND xact_start IS NOT NULL AND pid <> pg_backend_pid()) AS oldest_xact_seconds,
       (SELECT count(*) FROM pg_locks WHERE NOT granted)::int AS locks_waiting`;

const CONNECTIONS_SQL = `
SELECT coalesce(datname, '') AS database, coalesce(state, 'unknown') AS state, count(*)::int AS count
  FROM pg_stat_activity
 WHERE backend_type = 'client backend'
 GROUP BY 1, 2`;

/** The databases' figures; their sizes are read after, one database at a time (readDatabaseSizes). */
const DATABASES_SQL = `
SELECT d.oid, d.datname AS database,
       age(d.datfrozenxid)::float8 AS xid_age,
       mxid_age(d.datminmxid)::float8 AS mxid_age,
       has_database_privilege(d.oid, 'CONNECT') AS can_connect,
       s.xact_commit::float8, s.xact_rollback::float8, s.blks_read::float8, s.blks_hit::float8,
       s.temp_files::float8, s.temp_bytes::float8, s.deadlocks::float8
  FROM pg_database d
  LEFT JOIN pg_stat_database s ON s.datid = d.oid
 WHERE d.datallowconn
 ORDER BY d.datname`;

/**
 * The target database's tables in one pass over pg_class, with the statistics functions for the columns used:
 * pg_stat_user_tables computes every column and groups each table with its indexes, several times slower at 10⁴
 * tables. Index scans are left out: summing them would read the statistics of every index (4 per table here) at
 * each scrape. The tables with the most dead rows come back as JSON, bounded: a label per table would make one
 * series per table, which Prometheus handles badly at 10⁴ tables.
 */
const TABLES_SQL = `
WITH t AS MATERIALIZED (
  SELECT n.nspname AS schema, c.relname AS table,
         pg_stat_get_live_tuples(c.oid) AS live, pg_stat_get_dead_tuples(c.oid) AS dead,
         pg_stat_get_numscans(c.oid) AS seq
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'm')
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
)
SELECT current_database() AS database,
       count(*)::int AS tables,
       coalesce(sum(live), 0)::float8 AS live_tuples,
       coalesce(sum(dead), 0)::float8 AS dead_tuples,
       coalesce(sum(seq), 0)::float8 AS seq_scans,
       (SELECT coalesce(json_agg(json_build_object('schema', schema, 'table', "table", 'dead_tuples', dead)
                                 ORDER BY dead DESC, schema, "table"), '[]')
          FROM (SELECT * FROM t WHERE dead > 0 ORDER BY dead DESC, schema, "table" LIMIT $1) top) AS top_dead
  FROM t`;

function checkpointsSql(versionNum: number): string {
  return versionNum >= 170_000
    ? 'SELECT num_timed::float8 AS timed, num_requested::float8 AS requested FROM pg_stat_checkpointer'
    : 'SELECT checkpoints_timed::float8 AS timed, checkpoints_req::float8 AS requested FROM pg_stat_bgwriter';
}

const SLOTS_SQL = `
SELECT slot_name AS slot, slot_type AS type, active,
       pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END,
                       restart_lsn)::float8 AS retained_bytes
  FROM pg_replication_slots`;

/**
 * Each database's figures with its size (null where the role may not connect to it). A database dropped between
 * the list and its size is left out, where one query calling pg_database_size over pg_database failed the whole
 * read ("database with OID … does not exist") on a server whose databases come and go.
 */
async function readDatabases(tx: Connection): Promise<Row[]> {
  const listed = await tx.rows<Row>('reading databases', DATABASES_SQL);
  const sizes = await readDatabaseSizes(
    tx,
    listed.filter((row) => row.can_connect === true).map((row) => Number(row.oid)),
  );
  return listed
    .filter((row) => row.can_connect !== true || sizes.has(Number(row.oid)))
    .map(({ oid, can_connect, ...row }) => ({
      ...row,
      size_bytes: can_connect === true ? sizes.get(Number(oid))! : null,
    }));
}

export interface ReadMetricsOptions {
  /** Per-query limit (ms). */
  readonly statementTimeoutMs: number;
  /** Tables labelled in pgwarden_table_dead_tuples, the most dead tuples first. */
  readonly topTables: number;
}

/**
 * One scrape of one database: a READ ONLY transaction with a statement and lock timeout; a read the role may not
 * make (or that times out) is rolled back to its savepoint and recorded, and the others go on.
 */
export async function readMetrics(
  connection: Connection,
  options: ReadMetricsOptions,
): Promise<MetricsReading> {
  return connection.readOnly(
    async (tx) => {
      const failed: { read: string; reason: string }[] = [];
      const attempt = async <T>(read: string, work: () => Promise<T>): Promise<T | null> => {
        await tx.query('SAVEPOINT pgwarden_metrics');
        try {
          const result = await work();
          await tx.query('RELEASE SAVEPOINT pgwarden_metrics');
          return result;
        } catch (error) {
          await tx.query('ROLLBACK TO SAVEPOINT pgwarden_metrics');
          failed.push({ read, reason: (error as Error).message });
          return null;
        }
      };
      const [server] = await tx.rows<Row>('reading the server', SERVER_SQL);
      const rows = (read: string, sql: string, params?: unknown[]) =>
        attempt(read, () => tx.rows<Row>(`reading ${read}`, sql, params));
      const connections = await rows('connections', CONNECTIONS_SQL);
      const databases = await attempt('databases', () => readDatabases(tx));
      const tables = await rows('tables', TABLES_SQL, [options.topTables]);
      const checkpoints = await rows('checkpoints', checkpointsSql(Number(server!.version_num)));
      const slots = await rows('replication slots', SLOTS_SQL);
      const standbys = await rows('standbys', STANDBYS_SQL);
      const collationDrift = await rows(
        'collations',
        collationDriftSql(Math.floor(Number(server!.version_num) / 10_000)),
      );
      const bloatTables = await rows('bloat estimate of tables', BLOAT_TABLES_SQL);
      const bloatIndexes = await rows('bloat estimate of indexes', BLOAT_INDEXES_SQL);
      return {
        server: server!,
        connections,
        databases,
        tables: tables?.[0] ?? null,
        topDeadTuples: (tables?.[0]?.top_dead as Row[] | undefined) ?? null,
        checkpoints: checkpoints?.[0] ?? null,
        slots,
        standbys,
        collationDrift,
        bloatTables,
        bloatIndexes,
        failed,
      };
    },
    { statementTimeoutMs: options.statementTimeoutMs, lockTimeoutMs: 1_000, consistentSnapshot: false },
  );
}
