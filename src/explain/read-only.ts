/**
 * What a statement may do beyond reading, decided on the real parser's AST (never on the text) and then on the
 * catalog of the database it runs on: functions that write or act outside the transaction (dblink, large objects,
 * server files, signals to other backends, settings, sequences, notifications, advisory locks …), SELECT … INTO,
 * row locks, writing CTEs, and user functions that are VOLATILE or SECURITY DEFINER. A READ ONLY transaction stops
 * writes to tables; it does not stop these, which is why they are refused before the statement runs.
 */
import { PgwardenError } from '../core/errors.js';
import type { Connection } from '../db/connection.js';
import { walk } from '../sql/ast.js';
import { parsePlpgsqlSync, parseSqlSync } from '../sql/parser.js';

/** Functions refused by name, in any schema: they write, act outside the transaction or read the server's files. */
const REFUSED_FUNCTIONS = new Set([
  'pg_terminate_backend',
  'pg_cancel_backend',
  'pg_reload_conf',
  'pg_rotate_logfile',
  'pg_rotate_logfile_old',
  'pg_read_file',
  'pg_read_file_old',
  'pg_read_binary_file',
  'pg_stat_file',
  'pg_file_write',
  'pg_file_rename',
  'pg_file_unlink',
  'pg_file_sync',
  'pg_logdir_ls',
  'set_config',
  'setseed',
  'nextval',
  'setval',
  'pg_notify',
  'pg_import_system_collations',
  'txid_current',
  'pg_current_xact_id',
  'pg_switch_wal',
  'pg_create_restore_point',
  'pg_promote',
  'pg_wal_replay_pause',
  'pg_wal_replay_resume',
  'pg_backup_start',
  'pg_backup_stop',
  'pg_start_backup',
  'pg_stop_backup',
  'pg_export_snapshot',
  'pg_drop_replication_slot',
  'pg_replication_slot_advance',
  'pg_logical_emit_message',
  'pg_logical_slot_get_changes',
  'pg_logical_slot_get_binary_changes',
  'pg_log_backend_memory_contexts',
  'pg_stat_clear_snapshot',
  'pg_stat_force_next_flush',
  'pg_show_all_file_settings',
  'pg_hba_file_rules',
  'pg_ident_file_mappings',
  'pg_nextoid',
  'pg_stop_making_pinned_objects',
  'pg_extension_config_dump',
  'query_to_xml',
  'query_to_xmlschema',
  'query_to_xml_and_xmlschema',
  'cursor_to_xml',
  'cursor_to_xmlschema',
  'database_to_xml',
  'database_to_xmlschema',
  'database_to_xml_and_xmlschema',
  'ts_stat',
  'ts_rewrite',
  'brin_summarize_range',
  'brin_summarize_new_values',
  'brin_desummarize_range',
  'gin_clean_pending_list',
  'pg_prewarm',
  'lowrite',
  'loread',
  'pg_sequence_parameters',
]);

/** Families refused by prefix: every function of dblink, large objects, directories, resets, locks, slots, origins. */
const REFUSED_PREFIXES = [
  'dblink',
  'lo_',
  'pg_ls_',
  'pg_stat_reset',
  'pg_stat_statements_reset',
  'pg_advisory_',
  'pg_try_advisory_',
  'pg_create_',
  'pg_copy_',
  'pg_replication_origin_',
  'binary_upgrade_',
  'pg_read_',
  'pg_file_',
];

/** Relations whose reading is harmful though not a write: password hashes, user mappings, the server's files. */
const REFUSED_RELATIONS = new Set([
  'pg_authid',
  'pg_shadow',
  'pg_user_mapping',
  'pg_user_mappings',
  'pg_file_settings',
  'pg_hba_file_rules',
  'pg_ident_file_mappings',
  'pg_largeobject',
  'pg_largeobject_metadata',
]);

/**
 * VOLATILE functions of pg_catalog that only read: the clock, randomness, sizes, the WAL position, sleeping (the
 * statement_timeout bounds it), lock and replication status. Any other VOLATILE function is refused.
 */
const HARMLESS_VOLATILE = new Set([
  'bernoulli',
  'system',
  'clock_timestamp',
  'timeofday',
  'random',
  'random_normal',
  'gen_random_uuid',
  'uuidv4',
  'uuidv7',
  'currval',
  'lastval',
  'pg_sleep',
  'pg_sleep_for',
  'pg_sleep_until',
  'pg_blocking_pids',
  'pg_safe_snapshot_blocking_pids',
  'pg_current_wal_lsn',
  'pg_current_wal_flush_lsn',
  'pg_current_wal_insert_lsn',
  'pg_database_size',
  'pg_indexes_size',
  'pg_relation_size',
  'pg_table_size',
  'pg_tablespace_size',
  'pg_total_relation_size',
  'pg_is_in_recovery',
  'pg_is_wal_replay_paused',
  'pg_get_wal_replay_pause_state',
  'pg_jit_available',
  'pg_last_committed_xact',
  'pg_last_wal_receive_lsn',
  'pg_last_wal_replay_lsn',
  'pg_last_xact_replay_timestamp',
  'pg_lock_status',
  'pg_notification_queue_usage',
  'pg_partition_ancestors',
  'pg_partition_tree',
  'pg_sequence_last_value',
  'pg_stat_have_stats',
  'pg_xact_commit_timestamp',
  'pg_xact_status',
  'txid_status',
  'pg_collation_actual_version',
  'pg_database_collation_actual_version',
  'current_query',
  'pg_prepared_xact',
  'pg_get_backend_memory_contexts',
  'pg_get_shmem_allocations',
  'pg_get_multixact_members',
  'pg_get_wal_resource_managers',
  'pg_current_logfile',
  'pg_control_checkpoint',
  'pg_control_init',
  'pg_control_recovery',
  'pg_control_system',
  'pg_stat_get_recovery_prefetch',
]);

const STATEMENT_REFUSALS: Record<string, string> = {
  TransactionStmt: 'transaction control (BEGIN, COMMIT, ROLLBACK, END, SAVEPOINT)',
  VariableSetStmt: 'SET / RESET (settings, roles)',
  VariableShowStmt: 'SHOW',
  DoStmt: 'DO blocks',
  CallStmt: 'CALL',
  PrepareStmt: 'PREPARE',
  ExecuteStmt: 'EXECUTE',
  DeallocateStmt: 'DEALLOCATE',
  ListenStmt: 'LISTEN',
  NotifyStmt: 'NOTIFY',
  UnlistenStmt: 'UNLISTEN',
  VacuumStmt: 'VACUUM / ANALYZE',
  CopyStmt: 'COPY',
  CreateStmt: 'CREATE TABLE',
  CreateTableAsStmt: 'CREATE TABLE AS / SELECT INTO',
  DeclareCursorStmt: 'DECLARE CURSOR',
  LockStmt: 'LOCK',
  DiscardStmt: 'DISCARD',
  LoadStmt: 'LOAD',
  CheckPointStmt: 'CHECKPOINT',
};

const WRITES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

export interface ReadOnlyUse {
  /** Functions called (lowercase, `schema.name` when qualified). */
  readonly functions: ReadonlySet<string>;
  /** Operators used (their names). */
  readonly operators: ReadonlySet<string>;
  /** Relations named (as written: `schema.name` or `name`). */
  readonly relations: ReadonlySet<string>;
  /** Column names, which may call a function on a row (`t.f` is `f(t)`). */
  readonly attributes: ReadonlySet<string>;
}

function names(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list
    .map((n) => (n as { String?: { sval?: string } }).String?.sval)
    .filter((s): s is string => typeof s === 'string');
}

function refusedFunction(name: string): boolean {
  const bare = name.toLowerCase();
  return REFUSED_FUNCTIONS.has(bare) || REFUSED_PREFIXES.some((p) => bare.startsWith(p));
}

function refuse(reason: string): never {
  throw new PgwardenError('permission', `refused: ${reason}`, {
    hint: "pgwarden explains reads only here: one SELECT (or VALUES) without side effects. Functions that write, signal other sessions, change settings, draw from sequences, take advisory locks or read the server's files are refused, as are user functions that are VOLATILE or SECURITY DEFINER",
  });
}

/**
 * Checks one parsed statement (`kind`, `ast`) for side effects, throwing a `refused` error for the first it finds.
 * `allowWrites`: plain DML (INSERT/UPDATE/DELETE/MERGE, writing CTEs) is let through (the caller rolls it back);
 * function calls with side effects are refused either way. Returns what the catalog check needs.
 */
export function checkReadOnlyAst(kind: string, ast: unknown, options: { allowWrites: boolean }): ReadOnlyUse {
  const statementRefusal = STATEMENT_REFUSALS[kind];
  if (statementRefusal) refuse(`${statementRefusal} cannot be explained here`);
  if (kind !== 'SelectStmt' && !(options.allowWrites && WRITES.has(kind))) {
    if (WRITES.has(kind))
      refuse(
        `${kind.replace(/Stmt$/, '').toUpperCase()}: this session is read-only, and EXPLAIN ANALYZE would run the write`,
      );
    refuse(`${kind.replace(/Stmt$/, '')} statements cannot be explained here`);
  }
  const functions = new Set<string>();
  const operators = new Set<string>();
  const relations = new Set<string>();
  const attributes = new Set<string>();
  walk(ast, (nodeKindName, payload) => {
    switch (nodeKindName) {
      case 'IntoClause':
        refuse('SELECT … INTO creates a table');
        break;
      case 'LockingClause':
        refuse('FOR UPDATE / FOR SHARE takes row locks');
        break;
      case 'InsertStmt':
      case 'UpdateStmt':
      case 'DeleteStmt':
      case 'MergeStmt':
        if (!options.allowWrites)
          refuse('a data-modifying statement (in a WITH clause): this session is read-only');
        break;
      case 'FuncCall': {
        const parts = names(payload.funcname);
        const name = parts.at(-1);
        if (name === undefined) break;
        if (refusedFunction(name))
          refuse(`${parts.join('.')}() writes, acts outside the transaction or reads server files`);
        functions.add(parts.map((p) => p.toLowerCase()).join('.'));
        break;
      }
      case 'ColumnRef': {
        const last = names(payload.fields).at(-1);
        if (last !== undefined) attributes.add(last);
        break;
      }
      case 'A_Expr': {
        const parts = names(payload.name);
        if (parts.length > 0) operators.add(parts.at(-1)!);
        break;
      }
      case 'RangeVar': {
        const rel = String(payload.relname ?? '');
        if (REFUSED_RELATIONS.has(rel.toLowerCase()))
          refuse(`reading ${rel} (passwords, mappings or server files)`);
        relations.add(payload.schemaname ? `${String(payload.schemaname)}.${rel}` : rel);
        break;
      }
      default:
        break;
    }
  });
  return { functions, operators, relations, attributes };
}

interface ProcRow {
  name: string;
  schema: string;
  volatile: string;
  secdef: boolean;
  language?: string;
  source?: string | null;
  extension?: boolean;
  /** PL/pgSQL only: pg_get_functiondef, what its parser reads. */
  definition?: string | null;
  /** The function's own settings (`SET name = value`), as name=value. */
  config?: string[] | null;
}

/** Languages whose bodies pgwarden checks (sql, plpgsql) or trusts as the catalog marks them (built-in C code). */
const CHECKED_LANGUAGES = new Set(['sql', 'plpgsql', 'c', 'internal']);

/**
 * The PL/pgSQL statements a checked body may hold: control flow, assignments, static queries, RAISE, cursors over
 * static queries. Every expression and query in them is checked as SQL. Anything else — EXECUTE, FOR … EXECUTE,
 * RETURN QUERY EXECUTE, OPEN … FOR EXECUTE, CALL, COMMIT, ROLLBACK — is refused: what it runs cannot be seen.
 */
const PLPGSQL_STATEMENTS = new Set([
  'PLpgSQL_stmt_block',
  'PLpgSQL_stmt_assign',
  'PLpgSQL_stmt_if',
  'PLpgSQL_stmt_case',
  'PLpgSQL_stmt_loop',
  'PLpgSQL_stmt_while',
  'PLpgSQL_stmt_fori',
  'PLpgSQL_stmt_fors',
  'PLpgSQL_stmt_forc',
  'PLpgSQL_stmt_foreach_a',
  'PLpgSQL_stmt_exit',
  'PLpgSQL_stmt_return',
  'PLpgSQL_stmt_return_next',
  'PLpgSQL_stmt_return_query',
  'PLpgSQL_stmt_raise',
  'PLpgSQL_stmt_assert',
  'PLpgSQL_stmt_execsql',
  'PLpgSQL_stmt_perform',
  'PLpgSQL_stmt_getdiag',
  'PLpgSQL_stmt_open',
  'PLpgSQL_stmt_fetch',
  'PLpgSQL_stmt_close',
]);

/**
 * A PL/pgSQL expression as a query that can be checked: a whole statement as it is; an expression as
 * `SELECT expr`; an assignment `target := expr` as `SELECT target, expr`, so that what its target's subscripts
 * call is checked too. Null for what is none of these.
 */
function plpgsqlQuery(expr: { query?: unknown; parseMode?: unknown }): string | null {
  const query = typeof expr.query === 'string' ? expr.query : null;
  if (query === null) return null;
  const mode = typeof expr.parseMode === 'number' ? expr.parseMode : 0;
  if (mode === 0) return query;
  if (mode === 2) return `SELECT ${query}`;
  if (mode >= 3 && mode <= 5) {
    const at = query.includes(':=') ? query.indexOf(':=') : query.indexOf('=');
    if (at < 0) return null;
    return `SELECT ${query.slice(0, at)}, ${query.slice(at + (query.startsWith(':=', at) ? 2 : 1))}`;
  }
  return null;
}

async function checkPlpgsqlBody(
  connection: Connection,
  row: ProcRow,
  options: { allowWrites: boolean },
  depth: number,
): Promise<void> {
  const fn = `${row.schema}.${row.name}()`;
  if (depth >= 4) refuse(`${fn} nests too deep to check`);
  const settings = (row.config ?? []).filter((c) => !/^search_path=/i.test(c));
  if (settings.length > 0) refuse(`${fn} changes settings while it runs (${settings.join(', ')})`);
  if (!row.definition) refuse(`${fn}: its PL/pgSQL body cannot be read`);
  let tree: unknown;
  try {
    tree = parsePlpgsqlSync(row.definition);
  } catch {
    refuse(`${fn}: its PL/pgSQL body does not parse`);
  }
  const queries: string[] = [];
  walk(tree, (kind, payload) => {
    if (kind.startsWith('PLpgSQL_stmt_')) {
      if (!PLPGSQL_STATEMENTS.has(kind) || payload.dynquery !== undefined)
        refuse(
          `${fn} runs ${kind.replace('PLpgSQL_stmt_', '').toUpperCase()}${payload.dynquery !== undefined ? ' with a dynamic query' : ''}: pgwarden cannot check what it does`,
        );
    } else if (kind === 'PLpgSQL_expr') {
      const query = plpgsqlQuery(payload);
      if (query === null) refuse(`${fn}: an expression of its body cannot be checked`);
      queries.push(query);
    }
  });
  for (const query of queries) {
    const parsed = parseSqlSync(query, { file: row.name });
    if (parsed.syntaxErrors.length > 0) refuse(`${fn}: "${query.slice(0, 80)}" cannot be checked`);
    for (const statement of parsed.statements)
      await checkNested(connection, statement, fn, { allowWrites: false }, options, depth);
  }
}

async function checkSqlBody(
  connection: Connection,
  row: ProcRow,
  options: { allowWrites: boolean },
  depth: number,
): Promise<void> {
  if (!row.source?.trim())
    refuse(`${row.schema}.${row.name}() has a BEGIN ATOMIC body pgwarden does not check`);
  if (depth >= 4) refuse(`${row.schema}.${row.name}() nests too deep to check`);
  const parsed = parseSqlSync(row.source, { file: row.name });
  for (const statement of parsed.statements)
    await checkNested(
      connection,
      statement,
      `${row.schema}.${row.name}()`,
      { allowWrites: false },
      options,
      depth,
    );
}

/**
 * Checks a statement found inside `what` (a function's body, a view's definition) as the statement given was, and
 * the catalog of what it calls one level deeper; a refusal names `what`.
 */
async function checkNested(
  connection: Connection,
  statement: { readonly kind: string; readonly ast: unknown },
  what: string,
  astOptions: { allowWrites: boolean },
  options: { allowWrites: boolean },
  depth: number,
): Promise<void> {
  let inner: ReadOnlyUse;
  try {
    inner = checkReadOnlyAst(statement.kind, statement.ast, astOptions);
  } catch (error) {
    if (error instanceof PgwardenError) refuse(`${what}: ${error.message.replace(/^refused: /, '')}`);
    throw error;
  }
  await checkReadOnlyCatalog(connection, inner, options, depth + 1);
}

/**
 * Checks on the database what the AST cannot show: each called function (every overload of its name) must be
 * IMMUTABLE or STABLE, or a harmless VOLATILE one of pg_catalog, and never SECURITY DEFINER; operators outside
 * pg_catalog likewise; views outside the system schemas are checked as their definition, to `depth`.
 */
export async function checkReadOnlyCatalog(
  connection: Connection,
  use: ReadOnlyUse,
  options: { allowWrites: boolean },
  depth = 0,
): Promise<void> {
  const bare = [...use.functions].map((f) => f.split('.').at(-1)!);
  if (use.attributes.size > 0) {
    // `t.f` calls f(t) when a function f takes t's row type: such functions are checked like any call
    const { rows } = await connection.query<{ name: string }>(
      `SELECT DISTINCT p.proname AS name FROM pg_proc p JOIN pg_type t ON t.oid = p.proargtypes[0]
        WHERE p.proname = ANY($1::text[]) AND p.pronargs = 1 AND t.typtype = 'c'
          AND p.pronamespace <> 'pg_catalog'::regnamespace`,
      [[...use.attributes]],
    );
    for (const row of rows) if (!bare.includes(row.name)) bare.push(row.name);
  }
  if (bare.length > 0) {
    const { rows } = await connection.query<ProcRow>(
      `SELECT p.proname AS name, n.nspname AS schema, p.provolatile AS volatile, p.prosecdef AS secdef,
              l.lanname AS language, p.prosrc AS source, p.proconfig AS config,
              CASE WHEN l.lanname = 'plpgsql' AND p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) END AS definition,
              EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                         AND d.deptype = 'e') AS extension
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
        WHERE p.proname = ANY($1::text[])`,
      [bare],
    );
    for (const row of rows) {
      if (row.secdef)
        refuse(`${row.schema}.${row.name}() is SECURITY DEFINER: it runs with its owner's rights`);
      if (row.volatile === 'v' && !(row.schema === 'pg_catalog' && HARMLESS_VOLATILE.has(row.name)))
        refuse(`${row.schema}.${row.name}() is VOLATILE: it may write or act outside the transaction`);
      if (row.schema === 'pg_catalog' || row.extension) continue;
      // a user function may say IMMUTABLE and still write: its body is checked (SQL) or it is refused
      if (!CHECKED_LANGUAGES.has(row.language ?? ''))
        refuse(
          `${row.schema}.${row.name}() is written in ${row.language}: pgwarden cannot check what its body does`,
        );
      if (row.language === 'sql') await checkSqlBody(connection, row, options, depth);
      if (row.language === 'plpgsql') await checkPlpgsqlBody(connection, row, options, depth);
    }
  }
  if (use.operators.size > 0) {
    const { rows } = await connection.query<ProcRow & { op: string }>(
      `SELECT o.oprname AS op, p.proname AS name, n.nspname AS schema, p.provolatile AS volatile, p.prosecdef AS secdef
         FROM pg_operator o JOIN pg_proc p ON p.oid = o.oprcode JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE o.oprname = ANY($1::text[]) AND o.oprnamespace <> 'pg_catalog'::regnamespace`,
      [[...use.operators]],
    );
    for (const row of rows) {
      if (row.secdef || row.volatile === 'v')
        refuse(
          `the operator ${row.op} calls ${row.schema}.${row.name}(), which is VOLATILE or SECURITY DEFINER`,
        );
    }
  }
  if (use.relations.size > 0) {
    const { rows } = await connection.query<{ name: string; definition: string | null }>(
      `SELECT c.oid::regclass::text AS name, pg_get_viewdef(c.oid) AS definition
         FROM unnest($1::text[]) AS r(name)
         JOIN pg_class c ON c.oid = to_regclass(r.name)
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'v' AND n.nspname NOT IN ('pg_catalog', 'information_schema')`,
      [[...use.relations].map((r) => r)],
    );
    for (const row of rows) {
      if (!row.definition) continue;
      if (depth >= 4) refuse(`the view ${row.name} is nested too deep to check`);
      const parsed = parseSqlSync(row.definition, { file: row.name });
      for (const statement of parsed.statements)
        await checkNested(connection, statement, `the view ${row.name}`, options, options, depth);
    }
  }
}

/** What the connected role could do beyond reading, whatever pgwarden refuses: said so the operator can fix it. */
export async function roleWarnings(connection: Connection): Promise<string[]> {
  const { rows } = await connection.query<{
    role: string;
    superuser: boolean;
    createrole: boolean;
    bypassrls: boolean;
    granted: string[] | null;
  }>(
    `SELECT r.rolname AS role, r.rolsuper AS superuser, r.rolcreaterole AS createrole, r.rolbypassrls AS bypassrls,
            ARRAY(SELECT g.rolname::text FROM pg_roles g
                   WHERE g.rolname IN ('pg_write_server_files', 'pg_execute_server_program', 'pg_read_server_files',
                                       'pg_signal_backend', 'pg_write_all_data')
                     AND pg_has_role(r.oid, g.oid, 'MEMBER')) AS granted
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  const row = rows[0];
  if (!row) return [];
  const powers = [
    ...(row.superuser ? ['SUPERUSER'] : []),
    ...(row.createrole ? ['CREATEROLE'] : []),
    ...(row.bypassrls ? ['BYPASSRLS'] : []),
    ...(row.granted ?? []),
  ];
  if (powers.length === 0) return [];
  return [
    `the role ${row.role} could escape a read-only session (${powers.join(', ')}): pgwarden refuses what it can see, but connect as a role with only pg_read_all_data and pg_monitor (e.g. CREATE ROLE pgwarden_ro LOGIN IN ROLE pg_read_all_data, pg_monitor) so the server itself forbids the rest`,
  ];
}
