/**
 * The conditions EXPLAIN prints (Filter, Index Cond, Join Filter…), read with PostgreSQL's own parser: split into
 * the conjuncts of their top-level AND, each classified (equality, range, IN, LIKE, IS NULL) with the one column
 * it tests against a constant, and whether that column is wrapped in a function or a cast.
 */
import { parseSync } from 'libpg-query';
import { asNode, type Node, nodeKind, stringValues, walk } from '../sql/ast.js';

export type ConjunctKind = 'eq' | 'range' | 'in' | 'like' | 'null' | 'ne' | 'other';

/** One column reference: its name, and the relation alias it was qualified with (null when unqualified). */
export interface ColumnUse {
  readonly name: string;
  readonly qualifier: string | null;
}

export interface Conjunct {
  /** As printed, without its outer parentheses: `lower(email) = 'x'::text`. */
  readonly text: string;
  readonly kind: ConjunctKind;
  /** The operator as printed (`=`, `<`, `~~`), when the conjunct is one. */
  readonly operator: string | null;
  /**
   * The one column of the scanned relation that the conjunct compares with a constant, a parameter or a column of
   * another relation (a join key of a parameterized scan); null when the conjunct is not that simple.
   */
  readonly column: string | null;
  /** How that column is wrapped: not at all, in a function call, a cast, or another expression. */
  readonly wrap: 'function' | 'cast' | 'expression' | null;
  /** The wrapped side as printed, qualifiers removed (`lower(email)`, `(created_at)::date`); null when bare. */
  readonly expression: string | null;
  /** Functions called on the column side. */
  readonly functions: readonly string[];
  /** The outermost cast's type on the column side (`date`, `text`). */
  readonly castTo: string | null;
  /** The other side, as printed. */
  readonly value: string | null;
  /** The other side references a column of another relation (a join condition). */
  readonly joinsTo: ColumnUse | null;
  /** Every column referenced. */
  readonly columns: readonly ColumnUse[];
}

export interface Condition {
  readonly text: string;
  readonly conjuncts: readonly Conjunct[];
  /** False when PostgreSQL's parser could not read the text (conjuncts then hold one `other` each). */
  readonly parsed: boolean;
}

// InitPlan/SubPlan references are not SQL; they become parameters of the same length, so offsets still match.
const PLAN_REFERENCE = /\((?:hashed )?(?:InitPlan|SubPlan) \d+\)(?:\.col\d+)?|\b(?:hashed )?SubPlan \d+\b/g;

function neutralize(text: string): string {
  return text.replace(PLAN_REFERENCE, (match) => `$1${' '.repeat(match.length - 2)}`);
}

/** `(x)` → `x` when the parentheses enclose the whole text. */
export function stripOuterParens(text: string): string {
  let t = text.trim();
  while (t.startsWith('(') && t.endsWith(')') && closingParen(t, 0) === t.length - 1)
    t = t.slice(1, -1).trim();
  return t;
}

/** The index of the parenthesis closing the one at `open`, skipping quoted text; -1 when unbalanced. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      i = endOfQuoted(text, i);
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return -1;
}

function endOfQuoted(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) i++;
      else return i;
    }
  }
  return text.length;
}

/** The top-level ` AND `-separated parts of a condition, each without its outer parentheses. */
export function splitConjuncts(text: string): string[] {
  const inner = stripOuterParens(text);
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i];
    if (ch === "'" || ch === '"') {
      i = endOfQuoted(inner, i);
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && inner.startsWith(' AND ', i)) {
      parts.push(inner.slice(start, i));
      start = i + 5;
      i += 4;
    }
  }
  parts.push(inner.slice(start));
  return parts.map(stripOuterParens).filter((p) => p !== '');
}

interface ColumnRefNode {
  readonly fields?: Node[];
}

function columnUse(ref: ColumnRefNode): ColumnUse | null {
  const names = stringValues(ref.fields);
  if (names.length === 0) return null;
  return { name: names.at(-1)!, qualifier: names.length > 1 ? names.at(-2)! : null };
}

function columnsIn(node: unknown): ColumnUse[] {
  const found: ColumnUse[] = [];
  walk(node, (kind, payload) => {
    if (kind === 'ColumnRef') {
      const use = columnUse(payload as ColumnRefNode);
      if (use) found.push(use);
    }
  });
  return found;
}

const RANGE = new Set(['<', '<=', '>', '>=']);
const LIKE = new Set(['~~', '~~*', '!~~', '!~~*']);
const NOT_EQUAL = new Set(['<>', '!=']);

/** Removes `alias.` qualifiers of the given aliases from an expression printed by EXPLAIN. */
export function unqualify(text: string, qualifiers: readonly string[]): string {
  let out = text;
  for (const q of qualifiers) {
    const escaped = q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(^|[^A-Za-z0-9_$."])${escaped}\\.`, 'g'), '$1');
  }
  return out;
}

interface SideShape {
  readonly wrap: Conjunct['wrap'];
  readonly functions: string[];
  readonly castTo: string | null;
}

function shapeOf(node: Node): SideShape {
  const kind = nodeKind(node);
  const functions: string[] = [];
  walk(node, (k, payload) => {
    if (k === 'FuncCall') {
      const names = stringValues((payload as { funcname?: Node[] }).funcname);
      if (names.length > 0) functions.push(names.at(-1)!);
    }
  });
  if (kind === 'ColumnRef') return { wrap: null, functions, castTo: null };
  if (kind === 'TypeCast') {
    const cast = asNode<{ arg?: Node; typeName?: { names?: Node[] } }>(node, 'TypeCast')!;
    const castTo = stringValues(cast.typeName?.names).at(-1) ?? null;
    return { wrap: functions.length > 0 ? 'function' : 'cast', functions, castTo };
  }
  if (kind === 'FuncCall') return { wrap: 'function', functions, castTo: null };
  return { wrap: 'expression', functions, castTo: null };
}

function classify(operator: string, any: boolean): ConjunctKind {
  if (any) return operator === '=' ? 'in' : 'other';
  if (operator === '=') return 'eq';
  if (RANGE.has(operator)) return 'range';
  if (LIKE.has(operator)) return 'like';
  if (NOT_EQUAL.has(operator)) return 'ne';
  return 'other';
}

const PREFIX = 'SELECT ';

function other(text: string, columns: ColumnUse[] = []): Conjunct {
  return {
    text,
    kind: 'other',
    operator: null,
    column: null,
    wrap: null,
    expression: null,
    functions: [],
    castTo: null,
    value: null,
    joinsTo: null,
    columns,
  };
}

/**
 * Reads one conjunct. `local`: the names a column of the scanned relation may be qualified with (its alias and
 * name); a column qualified with another name belongs to another relation. Null `local`: every column is local.
 */
function readConjunct(printed: string, local: readonly string[] | null): Conjunct | null {
  const text = neutralize(printed);
  let root: Node | undefined;
  try {
    const parsed = parseSync(PREFIX + text) as {
      stmts?: { stmt?: { SelectStmt?: { targetList?: { ResTarget?: { val?: Node } }[] } } }[];
    };
    const targets = parsed.stmts?.[0]?.stmt?.SelectStmt?.targetList;
    if (targets?.length !== 1) return null;
    root = targets[0]!.ResTarget?.val;
  } catch {
    return null;
  }
  if (!root) return null;
  const columns = columnsIn(root);
  const isLocal = (use: ColumnUse) =>
    local === null || use.qualifier === null || local.includes(use.qualifier);
  const localOnly = (node: unknown) => {
    const used = columnsIn(node);
    return used.length > 0 && used.every(isLocal) && new Set(used.map((u) => u.name)).size === 1;
  };
  const constantOrOuter = (node: unknown) => columnsIn(node).every((u) => !isLocal(u));

  const nullTest = asNode<{ arg?: Node; nulltesttype?: string }>(root, 'NullTest');
  if (nullTest?.arg && localOnly(nullTest.arg)) {
    const shape = shapeOf(nullTest.arg);
    const column = columnsIn(nullTest.arg)[0]!.name;
    return {
      ...other(printed, columns),
      kind: nullTest.nulltesttype === 'IS_NULL' ? 'null' : 'other',
      column,
      ...shape,
      expression: shape.wrap
        ? unqualify(stripOuterParens(sideText(text, 0, byteIndex(text, 'IS'))), local ?? [])
        : null,
    };
  }

  const expr = asNode<{ kind?: string; name?: Node[]; lexpr?: Node; rexpr?: Node; location?: number }>(
    root,
    'A_Expr',
  );
  if (!expr?.lexpr || !expr.rexpr || expr.location === undefined) return other(printed, columns);
  const operator = stringValues(expr.name).at(-1) ?? '';
  const any = expr.kind === 'AEXPR_OP_ANY';
  if (expr.kind !== 'AEXPR_OP' && !any) return other(printed, columns);
  const opAt = expr.location - PREFIX.length;
  const left = sideText(text, 0, opAt);
  const right = sideText(text, opAt + Buffer.byteLength(operator), Buffer.byteLength(text));
  let columnSide: Node;
  let valueSide: Node;
  let columnText: string;
  let valueText: string;
  if (localOnly(expr.lexpr) && constantOrOuter(expr.rexpr)) {
    [columnSide, valueSide, columnText, valueText] = [expr.lexpr, expr.rexpr, left, right];
  } else if (!any && localOnly(expr.rexpr) && constantOrOuter(expr.lexpr)) {
    [columnSide, valueSide, columnText, valueText] = [expr.rexpr, expr.lexpr, right, left];
  } else {
    return { ...other(printed, columns), operator };
  }
  const shape = shapeOf(columnSide);
  const outer = columnsIn(valueSide)[0] ?? null;
  return {
    text: printed,
    kind: classify(operator, any),
    operator,
    column: columnsIn(columnSide)[0]!.name,
    ...shape,
    expression: shape.wrap ? unqualify(stripOuterParens(columnText), local ?? []) : null,
    value: stripOuterParens(valueText),
    joinsTo: outer,
    columns,
  };
}

/** The text between two byte offsets of `text`, trimmed. */
function sideText(text: string, fromByte: number, toByte: number): string {
  return Buffer.from(text, 'utf8')
    .subarray(Math.max(0, fromByte), Math.max(0, toByte))
    .toString('utf8')
    .trim();
}

function byteIndex(text: string, word: string): number {
  const at = text.lastIndexOf(` ${word} `);
  return at < 0 ? Buffer.byteLength(text) : Buffer.byteLength(text.slice(0, at));
}

/**
 * Reads a condition as EXPLAIN prints it. The parser must be loaded (`loadParser()` from src/sql/parser.ts).
 * `local`: the alias and name of the scanned relation (see readConjunct); null when every column is local.
 */
export function parseCondition(text: string, local: readonly string[] | null = null): Condition {
  const parts = splitConjuncts(text);
  let parsed = true;
  const conjuncts = parts.map((part) => {
    const conjunct = readConjunct(part, local);
    if (conjunct) return conjunct;
    parsed = false;
    return other(part);
  });
  return { text, conjuncts, parsed };
}
