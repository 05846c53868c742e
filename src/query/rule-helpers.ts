import type { TableInfo } from '../catalog/model.js';
import type { FileLocation } from '../core/finding.js';
import { formatCount } from '../core/format.js';
import { type Node, stringValues } from '../sql/ast.js';
import { quoteIdent } from '../sql/quote.js';
import { type Comparison, comparisonsIn } from './comparisons.js';
import { type ColumnRefNode, columnRefsIn } from './expressions.js';
import type { QueryModel, QueryStatement } from './model.js';
import type { QuerySchema } from './schema.js';
import type { ColumnBinding, RelationRef, Scope } from './scope.js';
import type { Edit } from './text.js';

/** Every scope (the statement, its subqueries, CTEs and set-operation branches) of every statement, in order. */
export function* scopes(
  model: QueryModel,
): Generator<{ readonly statement: QueryStatement; readonly scope: Scope }> {
  for (const statement of model.statements) {
    for (const scope of statement.names.scopes) yield { statement, scope };
  }
}

/** Every comparison (`=`, IN, BETWEEN, LIKE…) in the predicates (WHERE, ON, HAVING) of every scope. */
export function* comparisons(model: QueryModel): Generator<{
  readonly statement: QueryStatement;
  readonly scope: Scope;
  readonly comparison: Comparison;
}> {
  for (const { statement, scope } of scopes(model)) {
    for (const predicate of scope.predicates) {
      for (const comparison of comparisonsIn(predicate)) yield { statement, scope, comparison };
    }
  }
}

/** Every side of every comparison: the compared expression, and what it is compared with from that side. */
export function* comparisonSides(model: QueryModel): Generator<{
  readonly statement: QueryStatement;
  readonly scope: Scope;
  readonly comparison: Comparison;
  readonly side: Comparison['sides'][number];
}> {
  for (const { statement, scope, comparison } of comparisons(model)) {
    for (const side of comparison.sides) yield { statement, scope, comparison, side };
  }
}

/** A relation for messages: `public.users`, else its name as written. */
export function relationLabel(relation: RelationRef): string {
  if (relation.table) return relation.table.qualifiedName;
  if (relation.written) {
    return relation.written.schema
      ? `${relation.written.schema}.${relation.written.name}`
      : relation.written.name;
  }
  return relation.name;
}

/** ` (~12,000 rows)` when the schema knows the table's size; empty otherwise. */
export function rowsNote(schema: QuerySchema | null, table: TableInfo | undefined): string {
  if (!schema || !table) return '';
  const rows = schema.rows(table);
  return rows === null ? '' : ` (~${formatCount(rows)} rows)`;
}

/** The columns of this level an expression reads (bindings to relations of `scope` itself). */
export function ownColumns(statement: QueryStatement, node: unknown, scope: Scope): ColumnBinding[] {
  const found: ColumnBinding[] = [];
  for (const ref of columnRefsIn(node)) {
    const binding = statement.names.column(ref);
    if (binding && binding.scope === scope) found.push(binding);
  }
  return found;
}

/** Every binding of the column references below a node (subqueries not entered). */
export function bindingsIn(statement: QueryStatement, node: unknown): (ColumnBinding | undefined)[] {
  return columnRefsIn(node).map((ref: ColumnRefNode) => statement.names.column(ref));
}

/** True when `scope` is `ancestor` or lies inside it. */
export function within(scope: Scope | null, ancestor: Scope): boolean {
  for (let s = scope; s; s = s.parent) if (s === ancestor) return true;
  return false;
}

/** Same relation and column. */
export function sameColumn(a: ColumnBinding, b: ColumnBinding): boolean {
  return a.relation === b.relation && a.column === b.column;
}

/** A condition's text ready to be ANDed with another: an OR is parenthesized. */
export function andOperand(text: string, node: Node | undefined): string {
  const bool = node ? (node as { BoolExpr?: { boolop?: string } }).BoolExpr : undefined;
  return bool?.boolop === 'OR_EXPR' && !/^\(.*\)$/s.test(text) ? `(${text})` : text;
}

/** Where a node starts in the file: the start of its span (an operator's own location is its operator). */
export function startOf(statement: QueryStatement, node: unknown): FileLocation {
  const span = statement.sql.span(node);
  return span ? statement.locateOffset(span.start) : statement.location;
}

/** A fix that rewrites the statement, with a comment line that says what to do with it. */
export function rewrittenStatement(note: string, sql: string): string {
  return `-- ${note}\n${sql.trim()};`;
}

/** An expression's text with its column references unqualified (`lower(u.email)` → `lower(email)`), for an index. */
export function bareExpression(statement: QueryStatement, node: unknown): string | undefined {
  const span = statement.sql.span(node);
  if (!span) return undefined;
  const edits: Edit[] = [];
  for (const ref of columnRefsIn(node)) {
    const names = stringValues(ref.fields);
    const refSpan = statement.sql.span({ ColumnRef: ref });
    if (refSpan && names.length > 1 && names.length === (ref.fields?.length ?? 0)) {
      edits.push({ span: refSpan, text: quoteIdent(names.at(-1)!) });
    }
  }
  return statement.sql.sliceWith(span, edits);
}
