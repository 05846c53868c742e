import { asNode, nodeKind } from '../sql/ast.js';
import { fingerprint, normalize, parseSqlSync } from '../sql/parser.js';
import { detach } from './text.js';

/** What pgwarden knows of one normalized query, worked out once per fingerprint. */
export interface QueryShape {
  readonly fingerprint: string;
  /** The query with its constants as $n (the first text seen of it, normalized by the real parser). */
  readonly normalized: string;
  /** select, insert, update, delete, copy, ddl, transaction, other; unparsed when the parser refused it. */
  readonly kind: QueryKind;
  /**
   * A SELECT that fetches rows by key (`WHERE col = $n`): the shape of an N+1 lookup. One candidate per equality
   * on a parameter (a loop varies one of them), each with the query that fetches the rows of many keys at once
   * (`col = ANY($n)`, the key column added to the select list) when a plain rewrite exists. Empty otherwise.
   */
  readonly lookups: readonly Lookup[];
}

export interface Lookup {
  readonly column: string;
  readonly param: number;
  readonly rewrite: string | null;
}

export type QueryKind =
  | 'select'
  | 'insert'
  | 'update'
  | 'delete'
  | 'copy'
  | 'ddl'
  | 'transaction'
  | 'other'
  | 'unparsed';

const MAX_TEXT = 8000;

/**
 * Constants blanked so that texts differing only in them share one cache entry: strings and numbers become `?`,
 * quoted identifiers are kept (their digits are names), `IN (?, ?, …)` becomes `IN (?)` — the fingerprint ignores
 * constants and collapses IN lists, so texts with one key have one fingerprint.
 */
/** A string constant, a quoted identifier (kept by callers) or a number. */
export const CONSTANT_PATTERN = String.raw`'(?:[^']|'')*'|"(?:[^"]|"")*"|(?<![\w$])\d+(?:\.\d+)?(?:e[+-]?\d+)?(?!\w)`;
const CONSTANT = new RegExp(CONSTANT_PATTERN, 'gi');
const IN_LIST = /\bin\s*\(\s*\?(?:\s*,\s*\?)*\s*\)/gi;

export function cacheKey(text: string): string {
  return text.replace(CONSTANT, (m) => (m.charCodeAt(0) === 34 ? m : '?')).replace(IN_LIST, 'in (?)');
}

function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

const KINDS: Readonly<Record<string, QueryKind>> = {
  SelectStmt: 'select',
  InsertStmt: 'insert',
  UpdateStmt: 'update',
  DeleteStmt: 'delete',
  MergeStmt: 'update',
  CopyStmt: 'copy',
  TransactionStmt: 'transaction',
};

function kindOf(stmt: string | undefined): QueryKind {
  if (!stmt) return 'other';
  if (KINDS[stmt]) return KINDS[stmt]!;
  if (/^(Create|Alter|Drop|Rename|Index|Comment|Grant|Truncate)/.test(stmt)) return 'ddl';
  return 'other';
}

type Json = Record<string, unknown>;

function columnName(node: unknown): string | null {
  const ref = asNode<{ fields?: unknown[] }>(node, 'ColumnRef');
  if (!ref?.fields) return null;
  const parts = ref.fields.map((f) => asNode<{ sval?: string }>(f, 'String')?.sval);
  if (parts.some((p) => p === undefined)) return null;
  return (parts as string[])
    .map((p) => (/^[a-z_][a-z0-9_]*$/.test(p) ? p : `"${p.replace(/"/g, '""')}"`))
    .join('.');
}

/** The AND-ed conditions of a WHERE clause. */
function conjuncts(node: unknown): unknown[] {
  const bool = asNode<{ boolop?: string; args?: unknown[] }>(node, 'BoolExpr');
  if (bool?.boolop === 'AND_EXPR') return (bool.args ?? []).flatMap(conjuncts);
  return [node];
}

/** `… WHERE col = $n …` on a plain SELECT: its key candidates, each with its many-keys rewrite when one is plain. */
function lookupsOf(normalized: string): Lookup[] {
  const parsed = parseSqlSync(normalized);
  if (parsed.statements.length !== 1 || parsed.syntaxErrors.length > 0) return [];
  const statement = parsed.statements[0]!;
  const select = asNode<Json>(statement.ast, 'SelectStmt');
  if (!select || (select.op !== 'SETOP_NONE' && select.op !== undefined)) return [];
  const keys: { column: string; param: number; from: number; to: number }[] = [];
  for (const condition of conjuncts(select.whereClause)) {
    const expr = asNode<{
      kind?: string;
      name?: unknown[];
      lexpr?: unknown;
      rexpr?: unknown;
      location?: number;
    }>(condition, 'A_Expr');
    if (expr?.kind !== 'AEXPR_OP') continue;
    const op = expr.name?.map((n) => asNode<{ sval?: string }>(n, 'String')?.sval).join('.');
    if (op !== '=') continue;
    const column = columnName(expr.lexpr);
    const param = asNode<{ number?: number; location?: number }>(expr.rexpr, 'ParamRef');
    if (!column || !param?.number || expr.location === undefined || param.location === undefined) continue;
    keys.push({
      column,
      param: param.number,
      from: expr.location,
      to: param.location + `$${param.number}`.length,
    });
  }
  const targets = (select.targetList as unknown[] | undefined) ?? [];
  const plain =
    !select.groupClause &&
    !select.havingClause &&
    !select.limitCount &&
    !select.limitOffset &&
    !select.distinctClause &&
    !select.windowClause &&
    !JSON.stringify(targets).includes('"FuncCall"');
  return keys.map((key) => ({
    column: key.column,
    param: key.param,
    rewrite: plain ? rewriteFor(normalized, statement.astOffset, key, targets) : null,
  }));
}

function rewriteFor(
  normalized: string,
  base: number,
  key: { column: string; param: number; from: number; to: number },
  targets: readonly unknown[],
): string {
  const bytes = Buffer.from(normalized, 'utf8');
  let text = Buffer.concat([
    bytes.subarray(0, base + key.from),
    Buffer.from(`= ANY($${key.param})`),
    bytes.subarray(base + key.to),
  ]).toString('utf8');
  const first = asNode<{ location?: number; val?: unknown }>(targets[0], 'ResTarget');
  const selectsKey = targets.some((t) => {
    const val = asNode<{ val?: unknown }>(t, 'ResTarget')?.val;
    const ref = asNode<{ fields?: unknown[] }>(val, 'ColumnRef');
    return ref?.fields?.some((f) => nodeKind(f as never) === 'A_Star') || columnName(val) === key.column;
  });
  if (!selectsKey && first?.location !== undefined) {
    // the key column before the ResTarget: bytes before the edit above are unchanged
    const at = base + first.location;
    const head = Buffer.from(text, 'utf8');
    text = Buffer.concat([head.subarray(0, at), Buffer.from(`${key.column}, `), head.subarray(at)]).toString(
      'utf8',
    );
  }
  return text;
}

function fingerprintOf(text: string): string | null {
  try {
    return fingerprint(text);
  } catch {
    return null;
  }
}

function describe(text: string, id: string | null): QueryShape {
  if (id === null) {
    const key = cacheKey(text);
    return {
      fingerprint: `x${hash(key)}`,
      normalized: key.slice(0, MAX_TEXT),
      kind: 'unparsed',
      lookups: [],
    };
  }
  let normalized = text;
  try {
    normalized = normalize(text);
  } catch {
    // the fingerprint parsed it; normalizing is a nicety
  }
  let kind: QueryKind = 'other';
  let lookups: Lookup[] = [];
  try {
    const parsed = parseSqlSync(normalized);
    kind = kindOf(parsed.statements[0]?.kind);
    if (kind === 'select') lookups = lookupsOf(normalized);
  } catch {
    kind = 'other';
  }
  return { fingerprint: id, normalized: detach(normalized.slice(0, MAX_TEXT)), kind, lookups };
}

/**
 * Query shapes by text, with a bounded cache in two generations: the parser is the cost of reading a log, and a
 * workload repeats a few hundred query texts once constants are blanked. Shapes are also kept by fingerprint, so
 * the work of a new text whose fingerprint is known is the fingerprint alone.
 */
export class QueryShapes {
  private current = new Map<string, QueryShape>();
  private previous = new Map<string, QueryShape>();
  private readonly byFingerprint = new Map<string, QueryShape>();
  parsed = 0;

  constructor(private readonly capacity = 20_000) {}

  of(text: string): QueryShape {
    const key = cacheKey(text);
    let shape = this.current.get(key);
    if (shape) return shape;
    shape = this.previous.get(key);
    if (!shape) {
      this.parsed++;
      const id = fingerprintOf(text);
      shape = (id === null ? undefined : this.byFingerprint.get(id)) ?? describe(text, id);
      this.byFingerprint.set(shape.fingerprint, shape);
    }
    if (this.current.size >= this.capacity) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(detach(key), shape);
    return shape;
  }

  /** The shape of a fingerprint already seen. */
  known(fingerprintId: string): QueryShape | undefined {
    return this.byFingerprint.get(fingerprintId);
  }
}
