/**
 * A workload read from PostgreSQL's own log (`pgwarden logs` reads it: stderr with any prefix, csvlog, jsonlog,
 * gzip): the logged statements that took the most time (calls × mean duration), each weighted by its calls, as
 * the server ran them (with constants, or with $n and generic plans for the extended protocol).
 */

import { PgwardenError } from '../core/errors.js';
import { formatCount } from '../core/format.js';
import type { LogModel } from '../logs/model.js';
import { parseSqlSync } from '../sql/parser.js';
import { parameterCount } from './file.js';
import type { Workload, WorkloadQuery, WorkloadStatementKind } from './model.js';

const KINDS: Record<string, WorkloadStatementKind> = {
  SelectStmt: 'select',
  UpdateStmt: 'update',
  DeleteStmt: 'delete',
  InsertStmt: 'insert',
};

/** The top `limit` queries of a log model (the SQL parser must be loaded). */
export function workloadFromLog(model: LogModel, description: string, limit: number): Workload {
  const queries: WorkloadQuery[] = [];
  const skipped: { origin: string; reason: string }[] = [];
  // most total time first, as the log model orders them
  for (const stats of model.queryStats) {
    if (queries.length >= limit) break;
    const origin = `log fingerprint ${stats.fingerprint}`;
    // the slowest run as logged: a real statement, where the normalized text has placeholders for its constants
    const text = stats.slowest.text.trim().replace(/;\s*$/, '');
    const parsed = parseSqlSync(text, { file: 'log' });
    const statement = parsed.statements[0];
    if (parsed.syntaxErrors.length > 0 || !statement || parsed.statements.length > 1) {
      skipped.push({ origin, reason: 'not one statement the parser reads' });
      continue;
    }
    const kind = KINDS[statement.kind];
    if (!kind) {
      skipped.push({ origin, reason: `${statement.kind} is not a query` });
      continue;
    }
    queries.push({
      id: `q${queries.length + 1}`,
      sql: statement.text,
      kind,
      weight: stats.calls,
      parameters: parameterCount(statement.ast),
      origin: `${origin} (${formatCount(stats.calls)} calls, ${stats.meanMs.toFixed(2)} ms mean)`,
      meanMs: stats.meanMs,
      rowsPerCall: null,
    });
  }
  if (queries.length === 0) {
    throw new PgwardenError('input', `${description}: the log holds no query with a duration to advise on`, {
      hint: 'log the statements with their durations (log_min_duration_statement = 0, or a threshold that catches the workload), let the application run, then give that log',
    });
  }
  return { source: 'log', description, queries, skipped };
}
