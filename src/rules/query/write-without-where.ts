import { defineRule } from '../../core/rule.js';
import { type A_ExprNode, constantOf, operatorOf } from '../../query/expressions.js';
import type { QueryModel, QueryStatement } from '../../query/model.js';
import { relationLabel, rowsNote, scopes } from '../../query/rule-helpers.js';
import type { RelationRef, Scope } from '../../query/scope.js';
import { asNode, type Node } from '../../sql/ast.js';
import { quoteIdent } from '../../sql/quote.js';

export default defineRule<QueryModel>({
  id: 'query/write-without-where',
  category: 'query',
  model: 'query',
  defaultSeverity: 'error',
  summary: 'UPDATE or DELETE without a WHERE clause (or with one that is always true)',
  reportsOn: 'file',
  docs: {
    why: 'An UPDATE or DELETE without WHERE changes every row of the table: one forgotten line in application code wipes or overwrites the data of every customer, in one transaction that locks every row and leaves as many dead rows for VACUUM. `WHERE true` and `WHERE 1 = 1` (left by query builders) count as no WHERE. Statements inside CTEs are checked too. With a live database the message gives the table’s size.',
    howToFix:
      "Add the condition the code means — the fix, with a schema, restricts the statement to one row by primary key (`WHERE id = $n`). A deliberate whole-table change belongs in a migration or a maintenance script, in batches; emptying a table is TRUNCATE's job.",
    examples: {
      bad: 'DELETE FROM sessions;',
      good: 'DELETE FROM sessions WHERE id = $1;',
    },
  },
  check({ model, report }) {
    for (const { statement, scope } of scopes(model)) {
      if (scope.kind !== 'UpdateStmt' && scope.kind !== 'DeleteStmt') continue;
      const where = scope.node.whereClause as Node | undefined;
      if (where && !alwaysTrue(where)) continue;
      const target = scope.relations[0];
      if (!target) continue;
      const verb = scope.kind === 'UpdateStmt' ? 'UPDATE' : 'DELETE';
      const location = (target.node as { location?: number }).location;
      const at = statement.sql.offsetOf(location);
      const keyword = at === undefined ? undefined : statement.sql.keywordBefore(at, verb);
      report({
        message: `${verb} ${where ? 'with a WHERE that is always true' : 'without WHERE'} changes every row of ${relationLabel(target)}${rowsNote(model.schema, target.table)}`,
        location: keyword ? statement.locateOffset(keyword.start) : statement.locate(location),
        fix: byPrimaryKey(statement, scope, target, where),
      });
    }
  },
});

/** `true`, or a comparison of two equal constants (`1 = 1`). */
function alwaysTrue(node: Node): boolean {
  const constant = constantOf(node);
  if (constant) return constant.type === 'boolean' && constant.value;
  const cast = asNode<{ arg?: Node }>(node, 'TypeCast');
  if (cast) return alwaysTrue(cast.arg!);
  const expr = asNode<A_ExprNode>(node, 'A_Expr');
  if (expr?.kind !== 'AEXPR_OP' || operatorOf(expr.name) !== '=') return false;
  const left = constantOf(expr.lexpr);
  const right = constantOf(expr.rexpr);
  return (
    left !== undefined &&
    right !== undefined &&
    'value' in left &&
    'value' in right &&
    left.value === right.value
  );
}

/** The statement restricted to one row by its table's primary key; null without a schema or a key. */
function byPrimaryKey(
  statement: QueryStatement,
  scope: Scope,
  target: RelationRef,
  where: Node | undefined,
): string | null {
  const primary = target.table?.indexes.find((i) => i.primary && i.valid);
  if (!primary || primary.columns.includes(null) || scope.role !== 'statement') return null;
  const sql = statement.sql;
  let next = sql.maxParameter + 1;
  const qualify = scope.relations.length > 1;
  const condition = primary.columns
    .map((c) => `${qualify ? `${quoteIdent(target.name)}.` : ''}${quoteIdent(c!)} = $${next++}`)
    .join(' AND ');
  if (where) {
    const span = sql.span(where);
    return span ? `${sql.apply([{ span, text: condition }])};` : null;
  }
  // before RETURNING (the only clause that may follow WHERE), else at the end
  const relationAt = sql.offsetOf((target.node as { location?: number }).location) ?? 0;
  const returning = sql.keywordAfter(relationAt, ['RETURNING']);
  if (!returning) return `${sql.text} WHERE ${condition};`;
  return `${sql.apply([{ span: { start: returning.start, end: returning.start }, text: `WHERE ${condition} ` }])};`;
}
