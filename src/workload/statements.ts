/**
 * A workload read from pg_stat_statements: the statements of the current database that took the most time
 * (calls × mean time), each weighted by its calls.
 */
import { PgwardenError } from '../core/errors.js';
import type { Connection } from '../db/connection.js';
import { parseSqlSync } from '../sql/parser.js';
import { parameterCount } from './file.js';
import type { Workload, WorkloadQuery, WorkloadStatementKind } from './model.js';

const KINDS: Record<string, WorkloadStatementKind> = {
  SelectStmt: 'select',
  UpdateStmt: 'update',
  DeleteStmt: 'delete',
  InsertStmt: 'insert',
};

interface StatementRow {
  queryid: string;
  query: string;
  calls: string;
  mean_ms: number;
  rows: string;
}

const HOW_TO_ENABLE =
  'add pg_stat_statements to shared_preload_libraries (restart), run CREATE EXTENSION pg_stat_statements in the database, let the application run; or give a workload file with --workload FILE.sql';

/** Reads the top `limit` statements by total time (read-only). */
export async function readStatementsWorkload(connection: Connection, limit: number): Promise<Workload> {
  const installed = await connection.rows<{ schema: string }>(
    'read pg_stat_statements',
    `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = 'pg_stat_statements'`,
  );
  if (installed.length === 0) {
    throw new PgwardenError('input', 'pg_stat_statements is not installed in this database', {
      hint: HOW_TO_ENABLE,
    });
  }
  const view = `${connection.client.escapeIdentifier(installed[0]!.schema)}.pg_stat_statements`;
  let rows: StatementRow[];
  try {
    const columns = await connection.rows<{ attname: string }>(
      'read pg_stat_statements',
      `SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0`,
      [view],
    );
    // mean_exec_time since 1.8 (PostgreSQL 13), mean_time before
    const mean = columns.some((c) => c.attname === 'mean_exec_time') ? 'mean_exec_time' : 'mean_time';
    rows = (
      await connection.query<StatementRow>(
        `SELECT queryid::text AS queryid, query, calls::text AS calls, ${mean} AS mean_ms, rows::text AS rows
         FROM ${view}
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND calls > 0 AND query ~* '^\\s*(with|select|update|delete|insert)\\M'
         ORDER BY calls * ${mean} DESC
         LIMIT $1`,
        [limit],
      )
    ).rows;
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new PgwardenError('input', `cannot read pg_stat_statements: ${(error as Error).message}`, {
      hint: code === '55000' ? HOW_TO_ENABLE : 'the role needs pg_read_all_stats to see every statement',
      cause: error,
    });
  }
  const queries: WorkloadQuery[] = [];
  const skipped: { origin: string; reason: string }[] = [];
  for (const row of rows) {
    const origin = `pg_stat_statements queryid ${row.queryid}`;
    if (/\b(pg_catalog|information_schema|pg_stat_statements|hypopg)\b/i.test(row.query)) {
      skipped.push({ origin, reason: 'reads the system catalogs or pgwarden’s own tools' });
      continue;
    }
    const parsed = parseSqlSync(row.query);
    const statement = parsed.statements[0];
    const kind = statement && parsed.statements.length === 1 ? KINDS[statement.kind] : undefined;
    if (!statement || !kind || parsed.syntaxErrors.length > 0) {
      skipped.push({ origin, reason: 'not one SELECT, UPDATE, DELETE or INSERT statement' });
      continue;
    }
    const calls = Number(row.calls);
    queries.push({
      id: `q${queries.length + 1}`,
      sql: statement.text,
      kind,
      weight: calls,
      parameters: parameterCount(statement.ast),
      origin,
      meanMs: row.mean_ms,
      rowsPerCall: calls > 0 ? Number(row.rows) / calls : null,
    });
  }
  if (queries.length === 0) {
    throw new PgwardenError('input', 'pg_stat_statements holds no query of this database to advise on', {
      hint: 'let the application run a while (or give a workload file with --workload FILE.sql)',
    });
  }
  return { source: 'pg_stat_statements', description: 'pg_stat_statements', queries, skipped };
}
