import { parsePlPgSQLSync, parseSync } from 'libpg-query';
import { asNode, type Node, nodeKind, type RangeVar, stringValues, walk } from '../sql/ast.js';
import type { SqlStatement } from '../sql/parser.js';
import { changeKeepsData, type TypeRef, typeRef } from '../sql/types.js';

/**
 * The guard's plan: which data that exists before a migration its statements destroy, decided statement by
 * statement against the session as each statement will see it — the search_path as the statements before it set
 * it, the tables as the statements before it renamed, moved, dropped and created them — never from the end state.
 *
 * What cannot be decided statically (dynamic SQL, code that may write: volatile user functions, procedures, DO
 * blocks with EXECUTE of a computed string, triggers) is listed in `unresolved`: the guard then backs up every table
 * of the database (the code can reach any schema the role can), or refuses when that is too large.
 */
export interface GuardPlan {
  readonly items: readonly GuardItem[];
  readonly unresolved: readonly Unresolved[];
}

export interface GuardItem {
  readonly line: number;
  /** What the statement does, e.g. `DROP TABLE public.orders`. */
  readonly action: string;
  readonly targets: readonly GuardTarget[];
  /** Schemas dropped as a whole (they existed before the migration). */
  readonly schemas: readonly string[];
  /** Other objects dropped (types, domains, extensions, sequences, functions) whose dependents can hold data. */
  readonly objects: readonly { readonly type: string; readonly name: string }[];
}

/** A relation that existed before the migration, and how the statement destroys (some of) what it holds. */
export interface GuardTarget {
  /** The relation's oid (null when planned without a catalog: a preview). */
  readonly oid: number | null;
  /** Its name before the migration: `schema.name`. */
  readonly name: string;
  readonly mode: 'drop' | 'truncate' | 'delete' | 'update' | 'column' | 'rewrite';
  readonly cascade: boolean;
  /** For `column`: the column dropped. */
  readonly column?: string;
  /** TRUNCATE ONLY / DELETE FROM ONLY: the inheritance children are not reached. */
  readonly only?: boolean;
}

export interface Unresolved {
  readonly line: number;
  readonly reason: string;
  /** No backup of this database can cover it (DROP DATABASE): the guard refuses, whatever the size. */
  readonly refuse?: boolean;
}

/** What the plan reads of the target database: enough to resolve names as the server will. */
export interface GuardCatalog {
  /** `current_setting('search_path')` of the session the migration runs in. */
  readonly searchPath: string;
  readonly user: string;
  readonly schemas: readonly string[];
  readonly relations: readonly { oid: number; schema: string; name: string; kind: string }[];
  /** User functions and procedures (not pg_catalog's). */
  readonly functions: readonly CatalogFunction[];
  /** Relations with user triggers or rules whose code may write: oid → what runs (a rule, or a trigger's function). */
  readonly writers: Readonly<Record<string, readonly { what: string; code: CatalogFunction | null }[]>>;
  /** Enabled event triggers: code that runs on DDL. */
  readonly eventTriggers: readonly string[];
  /** Column types (as `format_type` prints them) of the tables whose columns the migration changes: `oid.column`. */
  readonly columnTypes: Readonly<Record<string, string>>;
}

/** A user function or procedure, with its definition when the migration names it (or a trigger runs it). */
export interface CatalogFunction {
  readonly schema: string;
  readonly name: string;
  readonly volatile: boolean;
  readonly procedure: boolean;
  readonly language: string;
  /** Part of an extension. */
  readonly extension: boolean;
  /** `pg_get_functiondef`, when read. */
  readonly definition: string | null;
}

// Volatile functions of common extensions that write nothing (random values).
const SAFE_EXTENSION_FUNCTIONS = new Set([
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'gen_random_bytes',
  'gen_random_uuid',
  'gen_salt',
]);

// Built-in functions that change data (other than through SQL the guard sees).
const WRITING_BUILTINS = new Set(['lo_unlink', 'lo_truncate', 'lo_truncate64', 'lo_put', 'lo_import']);

// Functions the preview (planning without a catalog) takes for built-in: anything else needs the catalog.
const KNOWN_BUILTINS = new Set([
  'now',
  'current_timestamp',
  'clock_timestamp',
  'statement_timestamp',
  'transaction_timestamp',
  'gen_random_uuid',
  'nextval',
  'currval',
  'setval',
  'lower',
  'upper',
  'coalesce',
  'count',
  'sum',
  'min',
  'max',
  'avg',
  'length',
  'substr',
  'substring',
  'trim',
  'btrim',
  'concat',
  'concat_ws',
  'replace',
  'to_char',
  'to_timestamp',
  'to_date',
  'to_jsonb',
  'to_json',
  'jsonb_build_object',
  'json_build_object',
  'jsonb_set',
  'array_agg',
  'string_agg',
  'date_trunc',
  'extract',
  'date_part',
  'md5',
  'random',
  'round',
  'abs',
  'greatest',
  'least',
  'format',
  'split_part',
  'regexp_replace',
  'left',
  'right',
  'unnest',
  'generate_series',
  'row_number',
  'set_config',
  'current_setting',
  'pg_advisory_xact_lock',
  'to_regclass',
  'format_type',
]);

interface Relation {
  /** Pre-existing: its oid (or null in a preview); created by the migration: undefined. */
  readonly oid: number | null | undefined;
  /** Pre-existing: its name before the migration. */
  readonly original: string | undefined;
  readonly kind: string;
  /** Columns the migration added (dropping one of them loses nothing that existed). */
  readonly added: Set<string>;
  /** Columns renamed by the migration: current name → name before it. */
  readonly renamed?: Map<string, string>;
}

const key = (schema: string, name: string) => `${schema}\u0000${name}`;
const unkey = (k: string) => k.split('\u0000') as [string, string];
const quoteName = (name: string) =>
  /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
const display = (schema: string, name: string) => `${schema}.${name}`;

/** A search_path value as the server splits it: comma-separated identifiers, double quotes keeping case and commas. */
export function splitSearchPath(value: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < value.length) {
    while (i < value.length && /\s/.test(value[i]!)) i++;
    if (i >= value.length) break;
    let name = '';
    if (value[i] === '"') {
      i++;
      while (i < value.length) {
        if (value[i] === '"') {
          if (value[i + 1] === '"') {
            name += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        name += value[i++];
      }
    } else {
      while (i < value.length && value[i] !== ',' && !/\s/.test(value[i]!)) name += value[i++];
      name = name.toLowerCase();
    }
    out.push(name);
    while (i < value.length && value[i] !== ',') i++;
    i++;
  }
  return out;
}

/** The session as the next statement sees it. */
class Session {
  readonly schemas: Map<string, string | undefined>; // current name → name before the migration (undefined: new)
  readonly relations = new Map<string, Relation>();
  path: string[];
  localPath: string[] | null = null;
  inBlock: boolean;
  user: string;
  readonly initialPath: string[];
  /** Names dropped or renamed away (a preview must not take them to exist again). */
  readonly gone = new Set<string>();
  /** Triggers and rules the migration created, on the relations they fire on. */
  readonly code = new Map<Relation, string>();
  /** Functions the migration created (they run code the guard does not analyse). */
  readonly createdFunctions = new Set<string>();

  constructor(
    readonly catalog: GuardCatalog | undefined,
    transactional: boolean,
  ) {
    this.initialPath = splitSearchPath(catalog?.searchPath ?? '"$user", public');
    this.path = this.initialPath;
    this.inBlock = transactional;
    this.user = catalog?.user ?? '';
    this.schemas = new Map((catalog?.schemas ?? ['public']).map((s) => [s, s]));
    for (const r of catalog?.relations ?? [])
      this.relations.set(key(r.schema, r.name), {
        oid: r.oid,
        original: display(r.schema, r.name),
        kind: r.kind,
        added: new Set(),
        renamed: new Map(),
      });
  }

  /** The schemas an unqualified name is looked up in, in order (pg_temp and pg_catalog first unless placed). */
  lookupPath(): string[] {
    const listed = this.listedPath();
    const out: string[] = [];
    if (!listed.includes('pg_temp')) out.push('pg_temp');
    if (!listed.includes('pg_catalog')) out.push('pg_catalog');
    return [...out, ...listed];
  }

  /** The schemas of the path that exist, `$user` expanded. */
  listedPath(): string[] {
    return (this.localPath ?? this.path)
      .map((s) => (s === '$user' ? this.user : s))
      .filter(
        (s) => s !== '' && (s === 'pg_temp' || s === 'pg_catalog' || this.schemas.has(s) || !this.catalog),
      );
  }

  creationSchema(temporary: boolean): string | undefined {
    if (temporary) return 'pg_temp';
    return this.listedPath().find((s) => s !== 'pg_temp' && s !== 'pg_catalog');
  }

  /** The relation a name means now: [its current key, the relation], or undefined when there is none. */
  resolve(schema: string | undefined, name: string): [string, Relation] | undefined {
    if (schema !== undefined) {
      const found = this.relations.get(key(schema, name));
      if (found) return [key(schema, name), found];
      if (this.catalog || this.gone.has(key(schema, name))) return undefined;
      // a preview: what the migration does not create is taken to exist
      const assumed: Relation = {
        oid: null,
        original: display(schema, name),
        kind: 'r',
        added: new Set(),
        renamed: new Map(),
      };
      this.relations.set(key(schema, name), assumed);
      return [key(schema, name), assumed];
    }
    for (const s of this.lookupPath()) {
      const found = this.relations.get(key(s, name));
      if (found) return [key(s, name), found];
    }
    if (this.catalog) return undefined;
    for (const s of this.lookupPath()) if (this.gone.has(key(s, name))) return undefined;
    const s = this.creationSchema(false) ?? 'public';
    return this.resolve(s, name);
  }

  remove(k: string): void {
    this.relations.delete(k);
    this.gone.add(k);
  }

  put(k: string, relation: Relation): void {
    this.relations.set(k, relation);
    this.gone.delete(k);
  }

  setPath(value: string[], local: boolean): void {
    if (local) {
      // SET LOCAL outside a transaction block does nothing (the server warns)
      if (this.inBlock) this.localPath = value;
      return;
    }
    this.path = value;
    this.localPath = null;
  }
}

function rangeVar(node: unknown): RangeVar | undefined {
  return (asNode<RangeVar>(node, 'RangeVar') ?? node) as RangeVar | undefined;
}

function nameList(node: unknown): string[] {
  return stringValues(asNode<{ items?: Node[] }>(node, 'List')?.items ?? (node as Node[] | undefined));
}

function constString(node: unknown): string | undefined {
  return asNode<{ sval?: { sval?: string } }>(node, 'A_Const')?.sval?.sval;
}

function constBool(node: unknown): boolean | undefined {
  const c = asNode<{ boolval?: { boolval?: boolean }; sval?: { sval?: string } }>(node, 'A_Const');
  if (!c) return undefined;
  if (c.boolval) return c.boolval.boolval === true;
  if (c.sval?.sval !== undefined) return ['true', 't', 'on', 'yes', '1'].includes(c.sval.sval.toLowerCase());
  return undefined;
}

/** The source line of a statement embedded in a DO block is the DO statement's own. */
interface Step {
  readonly ast: Node;
  readonly line: number;
  readonly text: string;
}

/**
 * Plans the guard for the statements a migration runs, in order. `catalog` is the target database's (read inside
 * the migration's transaction, before its first statement); without one, a preview: every name the migration does
 * not create is taken to exist where an unqualified name is created, and calls of functions the preview does not
 * know are not judged.
 */
export function planGuard(
  statements: readonly Pick<SqlStatement, 'ast' | 'start' | 'text' | 'kind'>[],
  catalog: GuardCatalog | undefined,
  options: { transactional: boolean },
): GuardPlan {
  const session = new Session(catalog, options.transactional);
  const items: GuardItem[] = [];
  const unresolved: Unresolved[] = [];
  for (const statement of statements) {
    const steps = expandDo(statement, unresolved);
    for (const step of steps) planStep(step, session, items, unresolved);
  }
  return { items, unresolved };
}

/** A DO block's statements, in order, when its code is static; the block itself is unresolved otherwise. */
function expandDo(
  statement: Pick<SqlStatement, 'ast' | 'start' | 'text' | 'kind'>,
  unresolved: Unresolved[],
): Step[] {
  const line = statement.start.line;
  if (statement.kind !== 'DoStmt') return [{ ast: statement.ast, line, text: statement.text }];
  const args = asNode<{ args?: Node[] }>(statement.ast, 'DoStmt')?.args ?? [];
  let language = 'plpgsql';
  for (const arg of args) {
    const def = asNode<{ defname?: string; arg?: Node }>(arg, 'DefElem');
    if (def?.defname === 'language')
      language = (asNode<{ sval?: string }>(def.arg, 'String')?.sval ?? '').toLowerCase();
  }
  if (language !== 'plpgsql') {
    unresolved.push({ line, reason: `a DO block in ${language}: its code is not analysed` });
    return [];
  }
  const { steps, problem } = plpgsqlSteps(statement.text, line, 'a DO block');
  if (problem) {
    unresolved.push({ line, reason: problem });
    return [];
  }
  return steps;
}

/** The SQL statements of PL/pgSQL code (a DO block or a CREATE FUNCTION), in order; or why they cannot be known. */
function plpgsqlSteps(text: string, line: number, what: string): { steps: Step[]; problem?: string } {
  let tree: unknown;
  try {
    tree = parsePlPgSQLSync(text);
  } catch {
    return { steps: [], problem: `${what} whose PL/pgSQL could not be analysed` };
  }
  const steps: Step[] = [];
  let problem: string | undefined;
  walk(tree, (kind, payload) => {
    if (problem) return false;
    if (
      kind === 'PLpgSQL_stmt_dynexecute' ||
      kind === 'PLpgSQL_stmt_dynfors' ||
      kind === 'PLpgSQL_stmt_open'
    ) {
      const query = asNode<{ query?: string }>(payload.query, 'PLpgSQL_expr')?.query;
      const literal = query === undefined ? undefined : stringLiteral(query);
      if (kind === 'PLpgSQL_stmt_open' && payload.dynquery === undefined) return undefined;
      if (literal === undefined) {
        problem = `${what} runs dynamic SQL (EXECUTE of a computed string)`;
        return false;
      }
      const parsed = tryParse(literal);
      if (!parsed) {
        problem = `${what} runs dynamic SQL the guard cannot parse`;
        return false;
      }
      for (const ast of parsed) steps.push({ ast, line, text: literal });
      return false;
    }
    if (kind === 'PLpgSQL_expr') {
      const query = payload.query as string | undefined;
      if (query === undefined) return false;
      const mode = (payload.parseMode as number | undefined) ?? 0;
      const parsed = mode === 0 ? tryParse(query) : expressionStatements(query);
      if (!parsed) {
        problem = `${what} has code the guard cannot parse: ${query.slice(0, 60)}`;
        return false;
      }
      for (const ast of parsed) steps.push({ ast, line, text: query });
      return false;
    }
    return undefined;
  });
  return problem ? { steps: [], problem } : { steps };
}

/**
 * Whether a function's code may change data, and how (null: it does not — only reads and assignments). PL/pgSQL
 * and SQL bodies are read statement by statement; code in other languages, or that runs dynamic SQL, may.
 */
export function functionWrites(fn: CatalogFunction, catalog: GuardCatalog | undefined): string | null {
  const label = `${fn.schema}.${fn.name}()`;
  if (fn.extension && SAFE_EXTENSION_FUNCTIONS.has(fn.name)) return null;
  if (!fn.definition)
    return `${label} is ${fn.procedure ? 'a procedure' : 'a volatile function'}: it may change any data`;
  let steps: Node[];
  if (fn.language === 'plpgsql') {
    const found = plpgsqlSteps(fn.definition, 0, label);
    if (found.problem) return found.problem;
    steps = found.steps.map((s) => s.ast);
  } else if (fn.language === 'sql') {
    const create = asNode<{ options?: Node[]; sql_body?: Node }>(
      tryParse(fn.definition)?.[0],
      'CreateFunctionStmt',
    );
    if (!create) return `${label}: its definition could not be analysed`;
    if (create.sql_body) steps = [create.sql_body];
    else {
      let body: string | undefined;
      for (const option of create.options ?? []) {
        const def = asNode<{ defname?: string; arg?: Node }>(option, 'DefElem');
        if (def?.defname === 'as') body = stringValues(asNode<{ items?: Node[] }>(def.arg, 'List')?.items)[0];
      }
      const parsed = body === undefined ? undefined : tryParse(body);
      if (!parsed) return `${label}: its body could not be analysed`;
      steps = parsed;
    }
  } else return `${label} is written in ${fn.language}: its code is not analysed`;
  let found: string | null = null;
  walk(steps, (kind, payload) => {
    if (found) return false;
    if (WRITE_KINDS.has(kind) || kind === 'CallStmt' || kind === 'DoStmt') {
      found = `${label} runs ${kind.replace('Stmt', '').toUpperCase()}: it may change any data`;
      return false;
    }
    if (kind.endsWith('Stmt') && !NOT_DDL.has(kind)) {
      found = `${label} runs ${kind.replace('Stmt', '')}: it may change any data`;
      return false;
    }
    if (kind === 'SelectStmt' && payload.intoClause) {
      found = `${label} runs SELECT INTO: it may change any data`;
      return false;
    }
    if (kind === 'FuncCall') {
      const names = stringValues(payload.funcname as Node[]);
      const name = names.at(-1)!;
      if (WRITING_BUILTINS.has(name)) found = `${label} calls ${name}()`;
      const nested = catalog?.functions.find(
        (f) =>
          f.name === name && (names.length < 2 || f.schema === names.at(-2)) && (f.volatile || f.procedure),
      );
      if (nested && !(nested.extension && SAFE_EXTENSION_FUNCTIONS.has(nested.name)))
        found = `${label} calls ${nested.schema}.${nested.name}(), which may change any data`;
    }
    return undefined;
  });
  return found;
}

const WRITE_KINDS = new Set([
  'InsertStmt',
  'UpdateStmt',
  'DeleteStmt',
  'MergeStmt',
  'TruncateStmt',
  'CopyStmt',
]);

function tryParse(sql: string): Node[] | undefined {
  try {
    return (parseSync(sql).stmts ?? []).map((s) => s.stmt as Node).filter(Boolean);
  } catch {
    return undefined;
  }
}

/** A PL/pgSQL expression or assignment (`x := f(y)`), as a SELECT of the expression. */
function expressionStatements(text: string): Node[] | undefined {
  const direct = tryParse(`SELECT ${text}`);
  if (direct) return direct;
  const assign = text.indexOf(':=');
  const at = assign >= 0 ? assign + 2 : text.indexOf('=') + 1;
  return at > 0 ? tryParse(`SELECT ${text.slice(at)}`) : undefined;
}

/** The value of a `'…'` literal (E'' and dollar quotes are not taken: their SQL is then unknown). */
function stringLiteral(expression: string): string | undefined {
  const t = expression.trim();
  if (t.length < 2 || t[0] !== "'" || t.at(-1) !== "'") return undefined;
  const inner = t.slice(1, -1);
  if (inner.replace(/''/g, '').includes("'")) return undefined;
  return inner.replace(/''/g, "'");
}

function planStep(step: Step, session: Session, items: GuardItem[], unresolved: Unresolved[]): void {
  const { ast, line } = step;
  const kind = nodeKind(ast) ?? '';
  const payload = asNode<Record<string, unknown>>(ast, kind) ?? {};
  const add = (
    action: string,
    targets: GuardTarget[],
    schemas: string[] = [],
    objects: GuardItem['objects'] = [],
  ) => {
    if (targets.length > 0 || schemas.length > 0 || objects.length > 0)
      items.push({ line, action, targets, schemas, objects });
  };
  const target = (
    rel: Relation,
    mode: GuardTarget['mode'],
    cascade: boolean,
    extra: Partial<GuardTarget> = {},
  ) => ({ oid: rel.oid ?? null, name: rel.original!, mode, cascade, ...extra }) as GuardTarget;

  // Calls of code the guard cannot see into, anywhere in the statement (before its own effect).
  if (session.catalog?.eventTriggers.length && !NOT_DDL.has(kind))
    unresolved.push({
      line,
      reason: `event trigger ${session.catalog.eventTriggers.join(', ')} runs on DDL`,
    });
  judgeCalls(ast, line, session, unresolved);
  // Writes anywhere in the statement, data-modifying CTEs included.
  judgeWrites(ast, line, session, items, unresolved);

  switch (kind) {
    case 'TransactionStmt': {
      const k = payload.kind as string;
      if (k === 'TRANS_STMT_BEGIN' || k === 'TRANS_STMT_START') session.inBlock = true;
      if (k === 'TRANS_STMT_COMMIT' || k === 'TRANS_STMT_ROLLBACK' || k === 'TRANS_STMT_PREPARE') {
        session.inBlock = false;
        session.localPath = null;
      }
      break;
    }
    case 'VariableSetStmt': {
      const name = payload.name as string | undefined;
      const local = payload.is_local === true;
      const k = payload.kind as string;
      if (k === 'VAR_RESET_ALL') session.setPath(session.initialPath, false);
      if (name === 'search_path') {
        if (k === 'VAR_SET_VALUE')
          session.setPath(
            ((payload.args as Node[]) ?? []).map((a) => constString(a) ?? stringValues([a])[0] ?? ''),
            local,
          );
        else if (k === 'VAR_RESET' || k === 'VAR_SET_DEFAULT') session.setPath(session.initialPath, local);
      }
      if (
        (name === 'role' || name === 'session_authorization') &&
        (k === 'VAR_RESET' || k === 'VAR_SET_DEFAULT')
      )
        session.user = session.catalog?.user ?? '';
      if ((name === 'role' || name === 'session_authorization') && k === 'VAR_SET_VALUE') {
        const value = constString((payload.args as Node[])?.[0]);
        if (value) session.user = value;
      }
      break;
    }
    case 'CreateSchemaStmt': {
      const name = (payload.schemaname as string | undefined) ?? session.user;
      if (!session.schemas.has(name)) session.schemas.set(name, undefined);
      break;
    }
    case 'CreateStmt':
    case 'CreateTableAsStmt':
    case 'ViewStmt':
    case 'CreateForeignTableStmt':
    case 'SelectStmt': {
      const rel =
        kind === 'CreateStmt'
          ? rangeVar(payload.relation)
          : kind === 'ViewStmt'
            ? rangeVar(payload.view)
            : kind === 'CreateForeignTableStmt'
              ? rangeVar(
                  asNode<{ relation?: RangeVar }>(payload.base, 'CreateStmt')?.relation ??
                    (payload.base as { relation?: RangeVar })?.relation,
                )
              : rangeVar(
                  asNode<{ rel?: RangeVar }>(payload.into, 'IntoClause')?.rel ??
                    (payload.into as { rel?: RangeVar } | undefined)?.rel,
                );
      if (!rel?.relname) break;
      const temporary = rel.relpersistence === 't';
      const schema = rel.schemaname ?? session.creationSchema(temporary);
      if (!schema) break;
      const k = key(schema, rel.relname);
      if (session.relations.has(k)) {
        // CREATE … IF NOT EXISTS of what is there is a no-op; CREATE OR REPLACE VIEW keeps the view
        break;
      }
      session.put(k, {
        oid: undefined,
        original: undefined,
        kind: kind === 'ViewStmt' ? 'v' : 'r',
        added: new Set(),
      });
      break;
    }
    case 'CreateFunctionStmt': {
      const names = stringValues(payload.funcname as Node[]);
      session.createdFunctions.add(names.at(-1)!);
      break;
    }
    case 'RenameStmt': {
      const type = payload.renameType as string;
      const newname = payload.newname as string;
      if (type === 'OBJECT_SCHEMA') {
        const old = payload.subname as string;
        if (!session.schemas.has(old)) break;
        session.schemas.set(newname, session.schemas.get(old));
        session.schemas.delete(old);
        for (const [k, rel] of [...session.relations]) {
          const [s, n] = unkey(k);
          if (s !== old) continue;
          session.remove(k);
          session.put(key(newname, n), rel);
        }
        break;
      }
      const relationTypes = [
        'OBJECT_TABLE',
        'OBJECT_VIEW',
        'OBJECT_MATVIEW',
        'OBJECT_FOREIGN_TABLE',
        'OBJECT_SEQUENCE',
        'OBJECT_INDEX',
      ];
      const rv = rangeVar(payload.relation);
      if (!rv?.relname) break;
      const found = session.resolve(rv.schemaname, rv.relname);
      if (!found) break;
      const [k, rel] = found;
      if (relationTypes.includes(type)) {
        const [schema] = unkey(k);
        session.remove(k);
        session.put(key(schema, newname), rel);
      } else if (type === 'OBJECT_COLUMN') {
        // the column keeps its data under its new name; a column added here stays "added"
        const old = payload.subname as string;
        if (rel.added.delete(old)) rel.added.add(newname);
        else if (rel.renamed) {
          rel.renamed.set(newname, rel.renamed.get(old) ?? old);
          rel.renamed.delete(old);
        }
      }
      break;
    }
    case 'AlterObjectSchemaStmt': {
      const type = payload.objectType as string;
      if (
        ![
          'OBJECT_TABLE',
          'OBJECT_VIEW',
          'OBJECT_MATVIEW',
          'OBJECT_FOREIGN_TABLE',
          'OBJECT_SEQUENCE',
        ].includes(type)
      )
        break;
      const rv = rangeVar(payload.relation);
      if (!rv?.relname) break;
      const found = session.resolve(rv.schemaname, rv.relname);
      if (!found) break;
      const [k, rel] = found;
      session.remove(k);
      session.put(key(payload.newschema as string, unkey(k)[1]), rel);
      break;
    }
    case 'DropStmt': {
      const type = payload.removeType as string;
      const cascade = payload.behavior === 'DROP_CASCADE';
      const objects = (payload.objects as Node[]) ?? [];
      if (type === 'OBJECT_SCHEMA') {
        const schemas: string[] = [];
        const targets: GuardTarget[] = [];
        for (const o of objects) {
          const name = asNode<{ sval?: string }>(o, 'String')?.sval;
          if (!name || (session.catalog && !session.schemas.has(name))) continue;
          const original = session.schemas.has(name) ? session.schemas.get(name) : name;
          if (original) schemas.push(original);
          for (const [k, rel] of [...session.relations]) {
            if (unkey(k)[0] !== name) continue;
            session.remove(k);
            if (rel.original) targets.push(target(rel, 'drop', true));
          }
          session.schemas.delete(name);
        }
        add(
          `DROP SCHEMA ${objects.map((o) => asNode<{ sval?: string }>(o, 'String')?.sval).join(', ')}${cascade ? ' CASCADE' : ''}`,
          targets,
          schemas,
        );
        break;
      }
      if (
        ['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE', 'OBJECT_SEQUENCE'].includes(
          type,
        )
      ) {
        const targets: GuardTarget[] = [];
        for (const o of objects) {
          const names = nameList(o);
          const found = session.resolve(names.length > 1 ? names.at(-2) : undefined, names.at(-1)!);
          if (!found) continue;
          session.remove(found[0]);
          if (found[1].original) targets.push(target(found[1], 'drop', cascade));
        }
        add(
          `DROP ${type.replace('OBJECT_', '').replace('_', ' ')} ${targets.map((t) => t.name).join(', ')}${cascade ? ' CASCADE' : ''}`,
          targets,
        );
        break;
      }
      if (
        ['OBJECT_TYPE', 'OBJECT_DOMAIN', 'OBJECT_EXTENSION'].includes(type) ||
        (cascade &&
          ['OBJECT_FUNCTION', 'OBJECT_PROCEDURE', 'OBJECT_ROUTINE', 'OBJECT_COLLATION'].includes(type))
      ) {
        const dropped = objects.map((o) => {
          const typeName = asNode<{ names?: Node[] }>(o, 'TypeName');
          const func = asNode<{ objname?: Node[] }>(o, 'ObjectWithArgs');
          const names = typeName
            ? stringValues(typeName.names)
            : func
              ? stringValues(func.objname)
              : asNode<{ sval?: string }>(o, 'String')?.sval
                ? [asNode<{ sval: string }>(o, 'String')!.sval]
                : nameList(o);
          return { type: type.replace('OBJECT_', '').toLowerCase(), name: names.join('.') };
        });
        // without CASCADE, a type or domain a column uses cannot be dropped: only CASCADE reaches data
        if (cascade || type === 'OBJECT_EXTENSION')
          add(
            `DROP ${type.replace('OBJECT_', '')} ${dropped.map((d) => d.name).join(', ')}${cascade ? ' CASCADE' : ''}`,
            [],
            [],
            dropped,
          );
      }
      break;
    }
    case 'CreateTrigStmt':
    case 'RuleStmt': {
      const rv = rangeVar(payload.relation);
      const found = rv?.relname ? session.resolve(rv.schemaname, rv.relname) : undefined;
      if (found) {
        const what = kind === 'RuleStmt' ? `rule ${payload.rulename}` : `trigger ${payload.trigname}`;
        session.code.set(
          found[1],
          [session.code.get(found[1]), `${what} (created by this migration)`].filter(Boolean).join(', '),
        );
      }
      break;
    }
    case 'DropdbStmt':
      unresolved.push({
        line,
        reason: `DROP DATABASE ${payload.dbname}: no backup of this database covers it`,
        refuse: true,
      });
      break;
    case 'DropOwnedStmt':
      unresolved.push({ line, reason: 'DROP OWNED drops every object of a role' });
      break;
    case 'TruncateStmt': {
      const cascade = payload.behavior === 'DROP_CASCADE';
      const targets: GuardTarget[] = [];
      for (const r of (payload.relations as Node[]) ?? []) {
        const rv = rangeVar(r);
        if (!rv?.relname) continue;
        const found = session.resolve(rv.schemaname, rv.relname);
        if (found) judgeCode(found[1], kind, line, session, unresolved);
        if (found?.[1].original)
          targets.push(target(found[1], 'truncate', cascade, { only: rv.inh !== true }));
      }
      add(`TRUNCATE ${targets.map((t) => t.name).join(', ')}${cascade ? ' CASCADE' : ''}`, targets);
      break;
    }
    case 'AlterTableStmt': {
      const rv = rangeVar(payload.relation);
      if (!rv?.relname) break;
      const found = session.resolve(rv.schemaname, rv.relname);
      if (!found) break;
      const [, rel] = found;
      for (const c of (payload.cmds as Node[]) ?? []) {
        const cmd = asNode<{ subtype?: string; name?: string; def?: Node; behavior?: string }>(
          c,
          'AlterTableCmd',
        );
        if (!cmd) continue;
        const column = cmd.name ?? '';
        // the column as the catalog knows it (before a rename earlier in the migration)
        const original = rel.renamed?.get(column) ?? column;
        if (cmd.subtype === 'AT_AddColumn') {
          const def = asNode<{ colname?: string }>(cmd.def, 'ColumnDef');
          if (def?.colname) rel.added.add(def.colname);
        } else if (cmd.subtype === 'AT_DropColumn') {
          if (rel.added.delete(column) || !rel.original) continue;
          add(`DROP COLUMN ${rel.original}.${column}`, [
            target(rel, 'column', cmd.behavior === 'DROP_CASCADE', { column: original }),
          ]);
        } else if (cmd.subtype === 'AT_AlterColumnType') {
          if (rel.added.has(column) || !rel.original) continue;
          const def = asNode<{ typeName?: Node; raw_default?: Node }>(cmd.def, 'ColumnDef');
          const to = typeRef(def?.typeName);
          const fromText =
            rel.oid != null ? session.catalog?.columnTypes[`${rel.oid}.${original}`] : undefined;
          const from = fromText ? parseType(fromText) : undefined;
          const keeps =
            to &&
            from &&
            !def?.raw_default &&
            (changeKeepsData(from, to) || WIDENING.has(`${from.name}>${to.name}`));
          if (!keeps)
            add(`ALTER COLUMN ${rel.original}.${column} TYPE ${to?.display ?? '?'}`, [
              target(rel, 'rewrite', false, { column: original }),
            ]);
        }
      }
      break;
    }
    default:
      break;
  }
  judgeSetConfig(ast, line, session, unresolved);
}

// Type changes that keep every value (widening): anything else may round, truncate or drop information.
const WIDENING = new Set([
  'int2>int4',
  'int2>int8',
  'int4>int8',
  'int2>numeric',
  'int4>numeric',
  'int8>numeric',
  'float4>float8',
  'varchar>text',
  'bpchar>text',
  'date>timestamp',
  'date>timestamptz',
  'timestamp>timestamptz',
  'json>jsonb',
]);

// Statements that fire no event trigger.
export const NOT_DDL: ReadonlySet<string> = new Set([
  'SelectStmt',
  'InsertStmt',
  'UpdateStmt',
  'DeleteStmt',
  'MergeStmt',
  'CopyStmt',
  'VariableSetStmt',
  'VariableShowStmt',
  'TransactionStmt',
  'DoStmt',
  'CallStmt',
  'ExplainStmt',
  'LockStmt',
  'NotifyStmt',
  'ListenStmt',
  'UnlistenStmt',
  'PrepareStmt',
  'ExecuteStmt',
  'DeallocateStmt',
  'VacuumStmt',
  'ClusterStmt',
  'ReindexStmt',
  'CheckPointStmt',
  'DiscardStmt',
  'CommentStmt',
  'RefreshMatViewStmt',
]);

/** A type as the catalog prints it (`numeric(10,2)`), read by the parser. */
function parseType(text: string): TypeRef | undefined {
  const parsed = tryParse(`SELECT NULL::${text}`);
  let found: TypeRef | undefined;
  walk(parsed, (kind, payload) => {
    if (kind === 'TypeCast' && !found) found = typeRef(payload.typeName);
  });
  return found;
}

/** A write on a relation whose triggers or rules run code (the catalog's, or ones this migration created). */
function judgeCode(
  rel: Relation,
  kind: string,
  line: number,
  session: Session,
  unresolved: Unresolved[],
): void {
  const fromCatalog = (rel.oid != null ? session.catalog?.writers[String(rel.oid)] : undefined) ?? [];
  const runs = [
    ...fromCatalog
      .filter((w) => !w.code || functionWrites(w.code, session.catalog) !== null)
      .map((w) => w.what),
    session.code.get(rel),
  ]
    .filter(Boolean)
    .join(', ');
  if (runs)
    unresolved.push({
      line,
      reason: `${kind.replace('Stmt', '').toUpperCase()} on ${rel.original ?? 'a table'} runs ${runs}`,
    });
}

/** DELETE, UPDATE and MERGE anywhere in a statement (data-modifying CTEs too), and triggers DML sets off. */
function judgeWrites(
  ast: Node,
  line: number,
  session: Session,
  items: GuardItem[],
  unresolved: Unresolved[],
): void {
  walk(ast, (kind, payload) => {
    if (kind === 'CreateFunctionStmt') return false;
    if (!['DeleteStmt', 'UpdateStmt', 'MergeStmt', 'InsertStmt', 'TruncateStmt', 'CopyStmt'].includes(kind))
      return undefined;
    const rv = rangeVar(payload.relation);
    if (!rv?.relname) return undefined;
    const found = session.resolve(rv.schemaname, rv.relname);
    if (!found) return undefined;
    const [, rel] = found;
    judgeCode(rel, kind, line, session, unresolved);
    if (rel.kind === 'v' && rel.original && kind !== 'TruncateStmt' && kind !== 'InsertStmt')
      unresolved.push({
        line,
        reason: `${kind.replace('Stmt', '').toUpperCase()} through the view ${rel.original}`,
      });
    if (!rel.original) return undefined;
    const only = rv.inh !== true;
    if (kind === 'DeleteStmt' && payload.whereClause === undefined)
      items.push({
        line,
        action: `DELETE ${rel.original} without WHERE`,
        targets: [{ oid: rel.oid ?? null, name: rel.original, mode: 'delete', cascade: false, only }],
        schemas: [],
        objects: [],
      });
    if (kind === 'UpdateStmt' && payload.whereClause === undefined)
      items.push({
        line,
        action: `UPDATE ${rel.original} without WHERE`,
        targets: [{ oid: rel.oid ?? null, name: rel.original, mode: 'update', cascade: false, only }],
        schemas: [],
        objects: [],
      });
    if (kind === 'MergeStmt') {
      const actions = ((payload.mergeWhenClauses as Node[]) ?? []).map(
        (c) => asNode<{ commandType?: string }>(c, 'MergeWhenClause')?.commandType,
      );
      if (actions.includes('CMD_DELETE') || actions.includes('CMD_UPDATE'))
        items.push({
          line,
          action: `MERGE into ${rel.original} (deletes or updates matched rows)`,
          targets: [
            {
              oid: rel.oid ?? null,
              name: rel.original,
              mode: actions.includes('CMD_DELETE') ? 'delete' : 'update',
              cascade: false,
              only,
            },
          ],
          schemas: [],
          objects: [],
        });
    }
    return undefined;
  });
}

/** Calls of code that may write: procedures, volatile user functions, functions the migration created. */
function judgeCalls(ast: Node, line: number, session: Session, unresolved: Unresolved[]): void {
  walk(ast, (kind, payload) => {
    if (kind === 'CreateFunctionStmt' || kind === 'CreateTrigStmt') return false;
    if (kind === 'CallStmt') {
      const names = stringValues(
        asNode<{ funcname?: Node[] }>(payload.funccall, 'FuncCall')?.funcname ??
          (payload.funccall as { funcname?: Node[] })?.funcname,
      );
      const name = names.at(-1)!;
      const path = names.length > 1 ? [names.at(-2)!] : session.lookupPath();
      const procedure = session.createdFunctions.has(name)
        ? undefined
        : session.catalog?.functions.find((f) => f.name === name && f.procedure && path.includes(f.schema));
      const writes = procedure
        ? functionWrites(procedure, session.catalog)
        : 'a procedure may change any data';
      if (writes) unresolved.push({ line, reason: `CALL ${names.join('.')}: ${writes}` });
      return false;
    }
    if (kind !== 'FuncCall') return undefined;
    const names = stringValues(payload.funcname as Node[]);
    const name = names.at(-1)!;
    const schema = names.length > 1 ? names.at(-2) : undefined;
    if (schema === 'pg_catalog' || (!schema && !session.catalog && KNOWN_BUILTINS.has(name))) {
      if (WRITING_BUILTINS.has(name)) unresolved.push({ line, reason: `${name}() changes large objects` });
      return undefined;
    }
    if (session.createdFunctions.has(name)) {
      unresolved.push({ line, reason: `${name}() is created by this migration and may change any data` });
      return undefined;
    }
    if (!session.catalog) return undefined;
    const path = schema ? [schema] : session.lookupPath();
    const candidates = session.catalog.functions.filter((f) => f.name === name && path.includes(f.schema));
    if (candidates.length === 0) {
      if (!schema && WRITING_BUILTINS.has(name))
        unresolved.push({ line, reason: `${name}() changes large objects` });
      return undefined; // a built-in (or a function that is not there: the statement fails)
    }
    for (const candidate of candidates.filter((f) => f.volatile || f.procedure)) {
      const writes = functionWrites(candidate, session.catalog);
      if (writes) {
        unresolved.push({ line, reason: writes });
        break;
      }
    }
    return undefined;
  });
}

/** `set_config('search_path', …)`: the path changes for the statements after this one. */
function judgeSetConfig(ast: Node, line: number, session: Session, unresolved: Unresolved[]): void {
  walk(ast, (kind, payload) => {
    if (kind !== 'FuncCall') return undefined;
    const names = stringValues(payload.funcname as Node[]);
    if (names.at(-1) !== 'set_config' || (names.length > 1 && names[0] !== 'pg_catalog')) return undefined;
    const args = (payload.args as Node[]) ?? [];
    const setting = constString(args[0]);
    if (setting === undefined) {
      unresolved.push({ line, reason: 'set_config() of a setting computed at run time' });
      return undefined;
    }
    const name = setting.toLowerCase();
    if (name !== 'search_path' && name !== 'role' && name !== 'session_authorization') return undefined;
    const value = constString(args[1]);
    const local = constBool(args[2]);
    if (value === undefined || local === undefined) {
      unresolved.push({ line, reason: `set_config('${name}', …) of a value computed at run time` });
      return undefined;
    }
    if (name === 'search_path') session.setPath(splitSearchPath(value), local);
    else if (!local || session.inBlock) session.user = value;
    return undefined;
  });
}

/** The relation names the plan needs the column types of (ALTER COLUMN … TYPE), for the catalog query. */
export function columnTypeTables(statements: readonly Pick<SqlStatement, 'ast'>[]): string[] {
  const names = new Set<string>();
  walk(
    statements.map((s) => s.ast),
    (kind, payload) => {
      if (kind !== 'AlterTableStmt') return undefined;
      const rv = rangeVar(payload.relation);
      if (rv?.relname) names.add(rv.relname);
      return false;
    },
  );
  return [...names];
}

export { quoteName };
