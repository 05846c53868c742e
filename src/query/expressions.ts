import { asNode, type Node, nodeKind, stringValues, walk } from '../sql/ast.js';

/** Statement kinds: an expression walk stops at them (a subquery is a level of its own). */
const STATEMENT_KINDS = new Set(['SelectStmt', 'UpdateStmt', 'DeleteStmt', 'InsertStmt', 'MergeStmt']);

/**
 * Visits the nodes of an expression, parents first, without entering subqueries (their SubLink is visited, its
 * test expression too). Returning false skips a node's children.
 */
export function walkExpression(
  expression: unknown,
  visit: (kind: string, payload: Record<string, unknown>) => unknown,
): void {
  walk(expression, (kind, payload) => {
    if (STATEMENT_KINDS.has(kind)) return false;
    if (kind === 'SubLink') {
      if (visit(kind, payload) === false) return false;
      walkExpression(payload.testexpr, visit);
      return false;
    }
    return visit(kind, payload);
  });
}

export interface ColumnRefNode {
  readonly fields?: Node[];
  readonly location?: number;
}

export interface A_ExprNode {
  readonly kind?: string;
  readonly name?: Node[];
  readonly lexpr?: Node;
  readonly rexpr?: Node;
  readonly rexpr_list_start?: number;
  readonly rexpr_list_end?: number;
  readonly location?: number;
}

export interface FuncCallNode {
  readonly funcname?: Node[];
  readonly args?: Node[];
  readonly agg_star?: boolean;
  readonly agg_distinct?: boolean;
  readonly over?: unknown;
  readonly location?: number;
}

export interface TypeCastNode {
  readonly arg?: Node;
  readonly typeName?: { names?: Node[]; typmods?: Node[]; arrayBounds?: Node[] };
  readonly location?: number;
}

export interface SubLinkNode {
  readonly subLinkType?: string;
  readonly testexpr?: Node;
  readonly operName?: Node[];
  readonly subselect?: Node;
  readonly location?: number;
}

export interface SelectNode {
  readonly targetList?: Node[];
  readonly fromClause?: Node[];
  readonly whereClause?: Node;
  readonly groupClause?: Node[];
  readonly havingClause?: Node;
  readonly sortClause?: Node[];
  readonly distinctClause?: Node[];
  readonly windowClause?: Node[];
  readonly limitCount?: Node;
  readonly limitOffset?: Node;
  readonly limitOption?: string;
  readonly lockingClause?: Node[];
  readonly withClause?: unknown;
  readonly valuesLists?: Node[];
  readonly op?: string;
}

export function columnRef(node: unknown): ColumnRefNode | undefined {
  return asNode<ColumnRefNode>(node, 'ColumnRef');
}

/** The operator of an A_Expr or SubLink (`=`, `<>`, `~~`). */
export function operatorOf(names: readonly Node[] | undefined): string {
  return stringValues(names).at(-1) ?? '';
}

/** Last part of a function's name, lower case (`pg_catalog.lower` → `lower`). */
export function functionNameOf(call: FuncCallNode): string {
  return (stringValues(call.funcname).at(-1) ?? '').toLowerCase();
}

/** A constant's value: `A_Const` (with a sign folded in) or `NULL`. */
export type Constant =
  | { readonly type: 'integer'; readonly value: number; readonly text: string }
  | { readonly type: 'numeric'; readonly value: number; readonly text: string }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'null' };

export function constantOf(node: unknown): Constant | undefined {
  const constant = asNode<{
    ival?: { ival?: number };
    fval?: { fval?: string };
    sval?: { sval?: string };
    boolval?: { boolval?: boolean };
    isnull?: boolean;
  }>(node, 'A_Const');
  if (!constant) {
    // -1 is written as an operator applied to a constant
    const expr = asNode<A_ExprNode>(node, 'A_Expr');
    if (expr?.kind === 'AEXPR_OP' && !expr.lexpr && operatorOf(expr.name) === '-') {
      const inner = constantOf(expr.rexpr);
      if (inner?.type === 'integer' || inner?.type === 'numeric') {
        return { ...inner, value: -inner.value, text: `-${inner.text}` };
      }
    }
    return undefined;
  }
  if (constant.isnull) return { type: 'null' };
  if (constant.ival !== undefined) {
    const value = constant.ival.ival ?? 0;
    return { type: 'integer', value, text: String(value) };
  }
  if (constant.fval !== undefined) {
    const text = constant.fval.fval ?? '0';
    // the parser keeps integers too large for int4 as fval
    return /^\d+$/.test(text)
      ? { type: 'integer', value: Number(text), text }
      : { type: 'numeric', value: Number(text), text };
  }
  if (constant.sval !== undefined) return { type: 'string', value: constant.sval.sval ?? '' };
  if (constant.boolval !== undefined) return { type: 'boolean', value: constant.boolval.boolval === true };
  return undefined;
}

/** The `$n` of a parameter, possibly under a cast. */
export function parameterOf(node: unknown): number | undefined {
  const param = asNode<{ number?: number }>(node, 'ParamRef');
  if (param) return param.number ?? 0;
  const cast = asNode<TypeCastNode>(node, 'TypeCast');
  return cast ? parameterOf(cast.arg) : undefined;
}

/** The terms of a condition joined by AND (the condition itself when it is not an AND). */
export function conjuncts(condition: Node | undefined): Node[] {
  if (!condition) return [];
  const bool = asNode<{ boolop?: string; args?: Node[] }>(condition, 'BoolExpr');
  if (bool?.boolop === 'AND_EXPR') return (bool.args ?? []).flatMap((arg) => conjuncts(arg));
  return [condition];
}

/** Every ColumnRef below a node (subqueries not entered). */
export function columnRefsIn(node: unknown): ColumnRefNode[] {
  const found: ColumnRefNode[] = [];
  walkExpression(node, (kind, payload) => {
    if (kind === 'ColumnRef') found.push(payload as ColumnRefNode);
  });
  return found;
}

/** True when a node is a constant, a parameter, or built only of them (a value known before the rows are read). */
export function isValue(node: unknown): boolean {
  let value = true;
  walk(node, (kind) => {
    if (kind === 'ColumnRef' || kind === 'SubLink' || STATEMENT_KINDS.has(kind)) value = false;
    if (kind === 'FuncCall') value = false;
  });
  return value && nodeKind(node as Node) !== undefined;
}

/** The type a TypeCast names, as PostgreSQL's internal name (`integer` → `int4`). */
export function castTypeOf(cast: TypeCastNode): string {
  const names = stringValues(cast.typeName?.names);
  return canonicalType(names.at(-1) ?? '');
}

const TYPE_ALIASES: Record<string, string> = {
  int: 'int4',
  integer: 'int4',
  smallint: 'int2',
  bigint: 'int8',
  real: 'float4',
  float: 'float8',
  'double precision': 'float8',
  decimal: 'numeric',
  varchar: 'varchar',
  'character varying': 'varchar',
  char: 'bpchar',
  character: 'bpchar',
  bool: 'bool',
  boolean: 'bool',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  date: 'date',
  text: 'text',
  uuid: 'uuid',
};

export function canonicalType(name: string): string {
  const lower = name.toLowerCase();
  return TYPE_ALIASES[lower] ?? lower;
}

/** Is an aggregate call: count, sum, avg, min, max… (a FuncCall with `*`, DISTINCT, or a known aggregate name). */
const AGGREGATES = new Set([
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'array_agg',
  'string_agg',
  'json_agg',
  'jsonb_agg',
  'json_object_agg',
  'jsonb_object_agg',
  'bool_and',
  'bool_or',
  'every',
  'bit_and',
  'bit_or',
  'stddev',
  'variance',
  'percentile_cont',
  'percentile_disc',
  'mode',
]);

export function isAggregateCall(node: unknown): boolean {
  const call = asNode<FuncCallNode>(node, 'FuncCall');
  if (!call || call.over) return false;
  return call.agg_star === true || AGGREGATES.has(functionNameOf(call));
}

/** True when an expression contains an aggregate call of its own level. */
export function hasAggregate(node: unknown): boolean {
  let found = false;
  walkExpression(node, (kind, payload) => {
    if (kind === 'FuncCall' && isAggregateCall({ FuncCall: payload })) found = true;
  });
  return found;
}

/** A node's kind and payload. */
export function unwrap(node: unknown): { kind: string; payload: Record<string, unknown> } | undefined {
  const kind = nodeKind(node as Node);
  if (!kind) return undefined;
  const payload = (node as Record<string, unknown>)[kind];
  return payload && typeof payload === 'object'
    ? { kind, payload: payload as Record<string, unknown> }
    : undefined;
}

/** A node from its kind and payload. */
export function wrap(kind: string, payload: unknown): Node {
  return { [kind]: payload } as unknown as Node;
}
