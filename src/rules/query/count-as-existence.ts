import { defineRule } from '../../core/rule.js';
import { type Comparison, comparisonOf } from '../../query/comparisons.js';
import {
  type A_ExprNode,
  constantOf,
  type FuncCallNode,
  functionNameOf,
  type SelectNode,
  type SubLinkNode,
  walkExpression,
} from '../../query/expressions.js';
import type { QueryModel, QueryStatement } from '../../query/model.js';
import { scopes, startOf } from '../../query/rule-helpers.js';
import type { Scope } from '../../query/scope.js';
import { asNode, type Node } from '../../sql/ast.js';
import { quoteIdent } from '../../sql/quote.js';

/** From the count's side: which comparisons with which constant ask "is there a row" (true) or "is there none" (false). */
const TESTS: Record<string, Record<number, boolean>> = {
  '>': { 0: true },
  '>=': { 1: true },
  '<>': { 0: true },
  '!=': { 0: true },
  '=': { 0: false },
  '<': { 1: false },
  '<=': { 0: false },
};

export default defineRule<QueryModel>({
  id: 'query/count-as-existence',
  category: 'query',
  model: 'query',
  defaultSeverity: 'warning',
  summary: 'count(*) compared with 0 to test whether a row exists',
  reportsOn: 'file',
  docs: {
    why: '`(SELECT count(*) FROM orders WHERE user_id = $1) > 0` counts every matching row — all of them read, however many there are — to learn whether there is one. EXISTS stops at the first row. The rule reports a count(*) (or count of a constant) compared with 0 or 1 in a way that only asks "any?" or "none?" (`> 0`, `>= 1`, `<> 0`, `= 0`, `< 1`), as a scalar subquery anywhere in a statement, or as the only column of an ungrouped SELECT (`SELECT count(*) > 0 FROM …`). A count compared with another number (`> 5`, `= 1`) is a real count and is not reported.',
    howToFix:
      'Ask the question directly: `EXISTS (SELECT 1 FROM orders WHERE user_id = $1)` (or NOT EXISTS), and `SELECT EXISTS (SELECT 1 FROM … )` for a query whose answer is the test. The fix is that rewrite.',
    examples: {
      bad: 'SELECT (SELECT count(*) FROM orders o WHERE o.user_id = u.id) > 0 AS has_orders FROM users u;',
      good: 'SELECT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id) AS has_orders FROM users u;',
    },
  },
  check({ model, report }) {
    for (const { statement, scope } of scopes(model)) {
      walkExpression(Object.values(scope.node), (kind, payload) => {
        if (kind !== 'A_Expr') return;
        const comparison = comparisonOf(payload as A_ExprNode);
        if (comparison?.kind !== 'AEXPR_OP') return;
        for (const side of comparison.sides) {
          const exists = existenceTest(side);
          if (exists === undefined) continue;
          const sublink = asNode<SubLinkNode>(side.node, 'SubLink');
          if (sublink?.subLinkType === 'EXPR_SUBLINK' && countQuery(sublink.subselect)) {
            report({
              message: `${statement.sql.textOf({ A_Expr: payload }) ?? 'count(*) compared with 0'} counts every matching row to learn whether there is one: use ${exists ? '' : 'NOT '}EXISTS`,
              location: startOf(statement, { A_Expr: payload }),
              fix: existsSubquery(statement, comparison, sublink, exists),
            });
          } else if (isCount(side.node)) {
            const fix = existsStatement(statement, scope, payload, exists);
            if (fix === undefined) continue;
            report({
              message: `${statement.sql.textOf({ A_Expr: payload }) ?? 'count(*) compared with 0'} counts every row to learn whether there is one: use SELECT ${exists ? '' : 'NOT '}EXISTS (…)`,
              location: startOf(statement, { A_Expr: payload }),
              fix,
            });
          }
        }
      });
    }
  },
});

/** true: `count > 0` asks whether a row exists; false: `count = 0` whether none does; undefined: a real count. */
function existenceTest(side: Comparison['sides'][number]): boolean | undefined {
  const constant = constantOf(side.others[0]);
  if (constant?.type !== 'integer') return undefined;
  return TESTS[side.operator]?.[constant.value];
}

function isCount(node: Node | undefined): boolean {
  const call = asNode<FuncCallNode>(node, 'FuncCall');
  if (!call || call.over || functionNameOf(call) !== 'count' || call.agg_distinct) return false;
  return call.agg_star === true || (call.args?.length === 1 && constantOf(call.args[0]) !== undefined);
}

/** A `SELECT count(*) FROM … [WHERE …]` with nothing that makes it more than a count of rows. */
function countQuery(node: Node | undefined): SelectNode | undefined {
  const select = asNode<SelectNode>(node, 'SelectStmt');
  if (!select || (select.op !== undefined && select.op !== 'SETOP_NONE')) return undefined;
  if (select.groupClause || select.havingClause || select.limitCount || select.limitOffset) return undefined;
  if ((select.targetList?.length ?? 0) !== 1) return undefined;
  const target = asNode<{ val?: Node }>(select.targetList![0], 'ResTarget')?.val;
  return isCount(target) ? select : undefined;
}

/** `(SELECT count(*) FROM t WHERE c) > 0` → `EXISTS (SELECT 1 FROM t WHERE c)`. */
function existsSubquery(
  statement: QueryStatement,
  comparison: Comparison,
  sublink: SubLinkNode,
  exists: boolean,
): string | null {
  const sql = statement.sql;
  const select = countQuery(sublink.subselect)!;
  const count = sql.span(asNode<{ val?: Node }>(select.targetList![0], 'ResTarget')?.val);
  const at = sql.offsetOf(sublink.location);
  const brackets = at === undefined ? undefined : sql.bracketSpan(at);
  const whole = sql.span({ A_Expr: comparison.expr });
  if (!count || !brackets || !whole) return null;
  const subquery = sql.sliceWith(brackets, [{ span: count, text: '1' }]);
  return `${sql.apply([{ span: whole, text: `${exists ? '' : 'NOT '}EXISTS ${subquery}` }])};`;
}

/**
 * `SELECT count(*) > 0 [AS x] FROM t WHERE c` → `SELECT EXISTS (SELECT 1 FROM t WHERE c) [AS x]`: only for the
 * statement's only column, ungrouped; undefined when the comparison is not that.
 */
function existsStatement(
  statement: QueryStatement,
  scope: Scope,
  comparison: Record<string, unknown>,
  exists: boolean,
): string | null | undefined {
  const select = scope.node as SelectNode;
  if (scope.kind !== 'SelectStmt' || select.groupClause || select.havingClause || select.windowClause)
    return undefined;
  const targets = select.targetList ?? [];
  const target = asNode<{ val?: Node; name?: string }>(targets[0], 'ResTarget');
  if (targets.length !== 1 || asNode(target?.val, 'A_Expr') !== comparison) return undefined;
  if (scope.role !== 'statement') return null;
  const sql = statement.sql;
  const value = sql.span(target!.val);
  const from = value && sql.keywordAfter(value.end, ['FROM']);
  if (!value || !from) return null;
  const inner = sql.apply([{ span: { start: value.start, end: from.start }, text: '1 ' }]);
  return `SELECT ${exists ? '' : 'NOT '}EXISTS (${inner})${target!.name ? ` AS ${quoteIdent(target!.name)}` : ''};`;
}
