import type { Connection } from '../db/connection.js';
import { queryError } from '../db/errors.js';
import { bloatRelationOf, estimateBloat, exactCandidates } from './bloat.js';
import * as q from './queries.js';

type Row = Record<string, unknown>;

/**
 * What one read of the server returned, as plain JSON (rows as the driver gave them): the pure builder
 * (`healthFactsFromReadings`) makes the facts from one reading, or two for a sample.
 */
export interface HealthReading {
  readonly server: Row;
  readonly sessions: readonly Row[] | null;
  readonly prepared: readonly Row[] | null;
  readonly slots: readonly Row[] | null;
  readonly standbys: readonly Row[] | null;
  readonly databases: readonly Row[] | null;
  readonly activity: Row | null;
  readonly checkpoints: Row | null;
  readonly archiver: Row | null;
  readonly sequences: readonly Row[] | null;
  readonly tables: readonly Row[] | null;
  readonly indexes: readonly Row[] | null;
  readonly notValid: readonly Row[] | null;
  readonly disabledTriggers: readonly Row[] | null;
  readonly statements: { readonly rows: readonly Row[]; readonly totalMs: number } | null;
  /** Absent in readings recorded before these reads existed. */
  readonly outdatedExtensions?: readonly Row[] | null;
  readonly collationDrift?: readonly Row[] | null;
  readonly bloatTables?: readonly Row[] | null;
  readonly bloatIndexes?: readonly Row[] | null;
  /** `--exact`: pgstattuple_approx / pgstatindex rows by `table name` or `index name`. */
  readonly bloatMeasured?: Readonly<Record<string, Row>> | null;
  /** Reads that failed (a privilege, a timeout), by what they were for. */
  readonly failed: readonly { readonly read: string; readonly reason: string }[];
}

export interface ReadHealthOptions {
  /** Per-query limit (ms), default 10 s: a catalog of 10⁵ relations reads in well under that. */
  readonly statementTimeoutMs?: number;
  /** How long a read may wait for a lock (ms), default 1 s. */
  readonly lockTimeoutMs?: number;
  /** Measure the bloat the estimate suspects with pgstattuple (when installed): at most this many relations. */
  readonly exact?: number;
}

/**
 * Reads the health facts of the server in one READ ONLY transaction with a statement and lock timeout. A read the
 * role may not make (or that times out) is rolled back to its savepoint and recorded, and the others go on.
 */
export async function readHealth(
  connection: Connection,
  options: ReadHealthOptions = {},
): Promise<HealthReading> {
  return connection.readOnly(
    async (tx) => {
      const failed: { read: string; reason: string }[] = [];
      const attempt = async <T>(read: string, work: () => Promise<T>): Promise<T | null> => {
        await tx.query('SAVEPOINT pgwarden_health');
        try {
          const result = await work();
          await tx.query('RELEASE SAVEPOINT pgwarden_health');
          return result;
        } catch (error) {
          await tx.query('ROLLBACK TO SAVEPOINT pgwarden_health');
          failed.push({ read, reason: (error as Error).message });
          return null;
        }
      };
      const rows = (read: string, sql: string, params?: readonly unknown[]) =>
        attempt(read, async () => (await tx.query(sql, params)).rows as Row[]);
      const one = async (read: string, sql: string) => (await rows(read, sql))?.[0] ?? null;

      let server: Row;
      try {
        server = (await tx.query(q.SERVER_SQL, [q.SETTINGS])).rows[0] as Row;
      } catch (error) {
        throw queryError(error, 'reading the server facts');
      }
      const major = Math.floor(Number(server.version_num) / 10_000);
      const sessions = await rows('sessions', q.SESSIONS_SQL);
      const prepared = await rows('prepared transactions', q.PREPARED_SQL);
      const slots = await rows('replication slots', q.SLOTS_SQL);
      const standbys = await rows('standbys', q.STANDBYS_SQL);
      const databases = await rows('databases', q.DATABASES_SQL);
      const activity = await one('database statistics', q.ACTIVITY_SQL);
      const checkpoints = await one('checkpoints', q.checkpointsSql(major));
      const archiver = await one('archiver', q.ARCHIVER_SQL);
      const sequences = await rows('sequences', q.SEQUENCES_SQL);
      const tables = await rows('tables', q.TABLES_SQL);
      const indexes = await rows('indexes', q.INDEXES_SQL);
      const notValid = await rows('constraints', q.NOT_VALID_SQL);
      const disabledTriggers = await rows('triggers', q.DISABLED_TRIGGERS_SQL);
      const statements = await readStatements(tx, attempt);
      const outdatedExtensions = await rows('extensions', q.OUTDATED_EXTENSIONS_SQL);
      const collationDrift = await rows('collations', q.collationDriftSql(major));
      const bloatTables = await rows('bloat estimate', q.BLOAT_TABLES_SQL);
      const bloatIndexes = await rows('bloat estimate', q.BLOAT_INDEXES_SQL);
      const blockSize = Number((server.settings as Record<string, string> | null)?.block_size ?? 8192);
      const bloatMeasured = options.exact
        ? await measureBloat(
            tx,
            attempt,
            failed,
            [
              ...(bloatTables ?? []).map((row) => ({
                row,
                estimate: estimateBloat(bloatRelationOf(row, 'table'), blockSize),
              })),
              ...(bloatIndexes ?? []).map((row) => ({
                row,
                estimate: estimateBloat(bloatRelationOf(row, 'index'), blockSize),
              })),
            ],
            options.exact,
          )
        : null;
      return {
        server,
        sessions,
        prepared,
        slots,
        standbys,
        databases,
        activity,
        checkpoints,
        archiver,
        sequences,
        tables,
        indexes,
        notValid,
        disabledTriggers,
        statements,
        outdatedExtensions,
        collationDrift,
        bloatTables,
        bloatIndexes,
        bloatMeasured,
        failed,
      };
    },
    {
      statementTimeoutMs: options.statementTimeoutMs ?? 10_000,
      lockTimeoutMs: options.lockTimeoutMs ?? 1_000,
      consistentSnapshot: true,
    },
  );
}

/** pg_stat_statements when it is installed in this database (it fails to read when it is not preloaded). */
async function readStatements(
  tx: Connection,
  attempt: <T>(read: string, work: () => Promise<T>) => Promise<T | null>,
): Promise<HealthReading['statements']> {
  const found = await tx.query<{ schema: string }>(q.EXTENSION_SCHEMA_SQL, ['pg_stat_statements']);
  const schema = found.rows[0]?.schema;
  if (!schema) return null;
  return attempt('pg_stat_statements', async () => {
    const rows = (await tx.query(q.statementsSql(schema))).rows as Row[];
    const total = (await tx.query<{ total_ms: number }>(q.statementsTotalSql(schema))).rows[0]?.total_ms ?? 0;
    return { rows, totalMs: Number(total) };
  });
}

/**
 * `--exact`: pgstattuple_approx for each suspected table (it reads the pages the visibility map does not mark
 * all-visible) and pgstatindex for each suspected B-tree (it reads every page), in the same READ ONLY transaction.
 * Without the extension, the reason is recorded and the estimates stand.
 */
async function measureBloat(
  tx: Connection,
  attempt: <T>(read: string, work: () => Promise<T>) => Promise<T | null>,
  failed: { read: string; reason: string }[],
  relations: readonly { row: Row; estimate: ReturnType<typeof estimateBloat> }[],
  limit: number,
): Promise<Record<string, Row> | null> {
  const schema = (await tx.query<{ schema: string }>(q.EXTENSION_SCHEMA_SQL, ['pgstattuple'])).rows[0]
    ?.schema;
  if (!schema) {
    failed.push({
      read: 'pgstattuple',
      reason:
        'pgstattuple is not installed in this database (CREATE EXTENSION pgstattuple): the bloat figures are estimates',
    });
    return null;
  }
  const oids = new Map(
    relations.map(({ row, estimate }) => [`${estimate.kind} ${estimate.name}`, String(row.oid)]),
  );
  const measured: Record<string, Row> = {};
  for (const estimate of exactCandidates(
    relations.map((r) => r.estimate),
    limit,
  )) {
    const key = `${estimate.kind} ${estimate.name}`;
    const sql = estimate.kind === 'table' ? q.measureTableSql(schema) : q.measureIndexSql(schema);
    const row = await attempt(
      'pgstattuple',
      async () => (await tx.query(sql, [oids.get(key)])).rows[0] as Row,
    );
    if (row) measured[key] = row;
  }
  return measured;
}
