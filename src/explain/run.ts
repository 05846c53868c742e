import { PgwardenError } from '../core/errors.js';
import type { Connection } from '../db/connection.js';
import { queryError } from '../db/errors.js';
import { serverVersion } from '../db/server-info.js';
import { findAll, nodeKind } from '../sql/ast.js';
import { loadParser, parseSqlSync } from '../sql/parser.js';
import { quoteLiteral } from '../sql/quote.js';
import { checkReadOnlyAst, checkReadOnlyCatalog, roleWarnings } from './read-only.js';

/** How a statement may be explained: reads in a READ ONLY transaction, writes in one that is rolled back. */
export type StatementClass = 'read' | 'write';

export interface ExplainRequest {
  readonly sql: string;
  /** Run the query (EXPLAIN ANALYZE); false: plan only. Default true. */
  readonly analyze?: boolean;
  /** Values for $1, $2 … (as text; the server casts them to the parameters' types). */
  readonly params?: readonly (string | null)[];
  /** statement_timeout for the explained statement (ms). Default 60 s, at most `maxTimeoutMs`. */
  readonly timeoutMs?: number;
  /** lock_timeout for the explained statement (ms). Default 2 s, at most `maxTimeoutMs`. */
  readonly lockTimeoutMs?: number;
  /** The operator's limit on both timeouts (ms). Default PostgreSQL's largest, 2,147,483,647 (the MCP server: 10 minutes). */
  readonly maxTimeoutMs?: number;
  /** A read-only session (the MCP server without --allow-writes): DML is refused, not rolled back. */
  readonly readOnly?: boolean;
  /** Told what the connected role could do beyond reading (superuser, server-file roles …). */
  readonly warn?: (message: string) => void;
}

export const DEFAULT_MAX_TIMEOUT_MS = 2_147_483_647;

/** A timeout given by the caller, within 1 ms … `max`: else a usage error that says the range. */
export function checkTimeout(name: string, value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return Math.min(fallback, max);
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new PgwardenError('usage', `${name} ${value}: out of range (1 … ${max} ms)`, {
      hint: `give ${name} between 1 and ${max} ms (the operator's limit)`,
    });
  return value;
}

export interface ExplainRun {
  /** EXPLAIN's JSON output as PostgreSQL returned it. */
  readonly json: unknown;
  readonly statementClass: StatementClass;
  readonly analyzed: boolean;
  /** True when the plan is a generic one (parameters without values, PostgreSQL 16+). */
  readonly generic: boolean;
  /** The EXPLAIN options used, e.g. `ANALYZE, BUFFERS, SETTINGS, WAL, FORMAT JSON`. */
  readonly options: string;
  readonly serverVersion: string;
  /** A write was executed and rolled back: its row changes are undone, not the sequences it drew from. */
  readonly rolledBack: boolean;
}

const WRITES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);
const EXPLAINABLE = new Set([
  'SelectStmt',
  'InsertStmt',
  'UpdateStmt',
  'DeleteStmt',
  'MergeStmt',
  'CreateTableAsStmt',
  'ExecuteStmt',
  'DeclareCursorStmt',
]);

/** The one statement of `sql`, classified. Several statements, or one EXPLAIN cannot run, are input errors. */
export async function classifyStatement(
  sql: string,
  options: { readOnly?: boolean } = {},
): Promise<{
  kind: string;
  statementClass: StatementClass;
  parameters: number;
  use: ReturnType<typeof checkReadOnlyAst>;
}> {
  await loadParser();
  const parsed = parseSqlSync(sql, { file: 'query' });
  const [error] = parsed.syntaxErrors;
  if (error) {
    throw new PgwardenError(
      'input',
      `line ${error.position.line}:${error.position.column}: ${error.message}`,
      {
        hint: 'pass one valid SQL statement',
      },
    );
  }
  if (parsed.statements.length !== 1) {
    throw new PgwardenError(
      'input',
      parsed.statements.length === 0
        ? 'no SQL statement to explain'
        : `${parsed.statements.length} statements: explain one at a time`,
    );
  }
  const statement = parsed.statements[0]!;
  let kind = statement.kind;
  if (kind === 'ExplainStmt') {
    throw new PgwardenError(
      'input',
      'pass the query itself, without EXPLAIN: pgwarden adds the options it needs',
    );
  }
  if (!EXPLAINABLE.has(kind)) {
    throw new PgwardenError('input', `${kind.replace(/Stmt$/, '')} statements cannot be explained`, {
      hint: 'EXPLAIN takes SELECT, INSERT, UPDATE, DELETE, MERGE, CREATE TABLE AS, EXECUTE and DECLARE',
    });
  }
  // side effects beyond a write the transaction rolls back (functions, SELECT … INTO, …) are refused here
  const use = checkReadOnlyAst(statement.kind, statement.ast, { allowWrites: options.readOnly !== true });
  // A SELECT whose CTE writes, or SELECT … INTO, changes data too.
  const writes =
    WRITES.has(kind) ||
    kind === 'CreateTableAsStmt' ||
    kind === 'ExecuteStmt' ||
    findAll(statement.ast, 'CommonTableExpr').some((cte) =>
      WRITES.has(nodeKind((cte as { ctequery?: never }).ctequery) ?? ''),
    ) ||
    findAll(statement.ast, 'IntoClause').length > 0;
  if (kind === 'SelectStmt' && writes) kind = 'SelectStmt (writes)';
  const parameters = Math.max(
    0,
    ...findAll<{ number?: number }>(statement.ast, 'ParamRef').map((p) => p.number ?? 0),
  );
  return { kind, statementClass: writes ? 'write' : 'read', parameters, use };
}

/**
 * Runs EXPLAIN safely on `connection`: a read in a READ ONLY transaction, a write (INSERT/UPDATE/DELETE/MERGE,
 * a writing CTE, CREATE TABLE AS) in a transaction that is always rolled back, both with a statement_timeout
 * and a short lock_timeout. With `$n` parameters and no values, PostgreSQL 16+ gives a generic plan (no ANALYZE).
 */
export async function runExplain(connection: Connection, request: ExplainRequest): Promise<ExplainRun> {
  // read-only: DML is refused when it would run (ANALYZE); its plan alone runs nothing
  const readOnly = request.readOnly === true && request.analyze !== false;
  const { statementClass, parameters, use } = await classifyStatement(request.sql, { readOnly });
  const maxTimeoutMs = request.maxTimeoutMs ?? DEFAULT_MAX_TIMEOUT_MS;
  const timeouts = {
    statementTimeoutMs: checkTimeout('timeout_ms', request.timeoutMs, 60_000, maxTimeoutMs),
    lockTimeoutMs: checkTimeout('lock_timeout_ms', request.lockTimeoutMs, 2_000, maxTimeoutMs),
  };
  const version = await serverVersion(connection);
  const params = request.params ?? [];
  let analyze = request.analyze !== false;
  let generic = false;
  if (parameters > 0 && params.length === 0) {
    if (version.major < 16) {
      throw new PgwardenError(
        'input',
        `the query has ${parameters} parameter(s) ($1${parameters > 1 ? ` … $${parameters}` : ''}) and no values for them`,
        {
          hint: `give their values (pgwarden explain --params, or the params of the MCP tool explain_query): a generic plan without values needs PostgreSQL 16+, and this server is ${version.major}`,
        },
      );
    }
    generic = true;
    analyze = false;
  } else if (parameters !== params.length) {
    throw new PgwardenError(
      'input',
      `the query has ${parameters} parameter(s) but ${params.length} value(s) were given`,
    );
  }
  const options = [
    ...(analyze ? ['ANALYZE', 'BUFFERS'] : []),
    ...(generic ? ['GENERIC_PLAN'] : []),
    'VERBOSE',
    'SETTINGS',
    ...(analyze && statementClass === 'write' ? ['WAL'] : []),
    'FORMAT JSON',
  ].join(', ');
  const sql = request.sql.trim().replace(/;\s*$/, '');
  // the extended protocol: the server itself refuses a second statement in the text
  // (a generic plan keeps its $n unbound, which the extended protocol refuses: it goes as a simple query, the
  // parser having already found exactly one statement)
  const extended = (c: Connection, text: string) =>
    generic ? c.query<{ 'QUERY PLAN': unknown }>(text) : c.queryOneStatement<{ 'QUERY PLAN': unknown }>(text);
  const work = async (c: Connection) => {
    // what the AST cannot show (volatile or SECURITY DEFINER functions, views), in the transaction that runs it
    await checkReadOnlyCatalog(c, use, { allowWrites: !readOnly });
    if (request.warn) for (const warning of await roleWarnings(c)) request.warn(warning);
    let text = `EXPLAIN (${options}) ${sql}`;
    if (params.length > 0) {
      await extended(c, `PREPARE pgwarden_explained AS ${sql}`);
      text = `EXPLAIN (${options}) EXECUTE pgwarden_explained(${params.map(quoteLiteral).join(', ')})`;
    }
    try {
      if (analyze) {
        // planned once (not run) before the measured run: a new session's first planning reads the system catalogs
        // into its caches (tens of buffers, milliseconds under load), which later executions never pay; so the
        // planning time reported is the one every run pays, and a planning-time finding does not come and go
        await extended(c, `EXPLAIN (FORMAT JSON) ${text.slice(`EXPLAIN (${options}) `.length)}`);
      }
      const { rows } = await extended(c, text);
      return rows[0]!['QUERY PLAN'];
    } catch (error) {
      const failure = queryError(
        error,
        analyze ? 'running the query under EXPLAIN ANALYZE' : 'planning the query',
      );
      throw failure;
    }
  };
  let json: unknown;
  try {
    json =
      statementClass === 'read'
        ? await connection.readOnly(work, { ...timeouts, consistentSnapshot: false })
        : await connection.transaction(work, { ...timeouts, rollback: true });
  } finally {
    // a prepared statement outlives the transaction
    if (params.length > 0) await connection.query('DEALLOCATE pgwarden_explained').catch(() => {});
  }
  return {
    json,
    statementClass,
    analyzed: analyze,
    generic,
    options,
    serverVersion: version.text,
    rolledBack: statementClass === 'write' && analyze,
  };
}
