/**
 * A workload written as a SQL file: one query per statement, each counting `weight` times when a
 * `-- weight: N` comment stands on the lines just before it (default 1).
 */
import { PgwardenError } from '../core/errors.js';
import { findAll } from '../sql/ast.js';
import { parseSqlSync } from '../sql/parser.js';
import type { Workload, WorkloadQuery, WorkloadStatementKind } from './model.js';

const KINDS: Record<string, WorkloadStatementKind> = {
  SelectStmt: 'select',
  UpdateStmt: 'update',
  DeleteStmt: 'delete',
  InsertStmt: 'insert',
};

const WEIGHT = /^--\s*weight\s*:\s*([0-9]+(?:\.[0-9]+)?)\s*$/i;

/** The highest `$n` in a statement's AST: how many values it needs. */
export function parameterCount(ast: unknown): number {
  let highest = 0;
  for (const param of findAll<{ number?: number }>(ast, 'ParamRef')) {
    highest = Math.max(highest, param.number ?? 0);
  }
  return highest;
}

/** Reads a workload file's text (the SQL parser must be loaded). */
export function workloadFromSql(text: string, file: string): Workload {
  const parsed = parseSqlSync(text, { file });
  if (parsed.syntaxErrors.length > 0) {
    const error = parsed.syntaxErrors[0]!;
    throw new PgwardenError(
      'input',
      `${file}:${error.position.line}:${error.position.column}: ${error.message}`,
      { hint: 'the workload file must hold valid SQL statements, one query per statement' },
    );
  }
  const queries: WorkloadQuery[] = [];
  const skipped: { origin: string; reason: string }[] = [];
  let previousEnd = 0;
  for (const statement of parsed.statements) {
    const origin = `${file}:${statement.start.line}`;
    // the comments between the previous statement and this one; the last weight among them counts
    let weight = 1;
    for (const comment of parsed.comments) {
      if (comment.start.offset < previousEnd || comment.end.offset > statement.start.offset) continue;
      const match = WEIGHT.exec(comment.text.trim());
      if (match) weight = Number(match[1]);
    }
    previousEnd = statement.end.offset;
    const kind = KINDS[statement.kind];
    if (!kind) {
      skipped.push({ origin, reason: `${statement.kind} is not a query` });
      continue;
    }
    if (!(weight > 0)) {
      skipped.push({ origin, reason: 'weight 0' });
      continue;
    }
    queries.push({
      id: `q${queries.length + 1}`,
      sql: statement.text,
      kind,
      weight,
      parameters: parameterCount(statement.ast),
      origin,
      meanMs: null,
      rowsPerCall: null,
    });
  }
  if (queries.length === 0) {
    throw new PgwardenError('input', `${file}: no SELECT, UPDATE, DELETE or INSERT statement to advise on`, {
      hint: 'a workload file holds the queries the application runs, each optionally preceded by -- weight: N',
    });
  }
  return { source: 'file', description: file, queries, skipped };
}
