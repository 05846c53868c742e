import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import {
  type A_ExprNode,
  columnRef,
  conjuncts,
  constantOf,
  type FuncCallNode,
  functionNameOf,
  hasAggregate,
  operatorOf,
  type SelectNode,
  type SubLinkNode,
  walkExpression,
} from '../../query/expressions.js';
import { indexesLeadingWith } from '../../query/indexes.js';
import type { QueryModel, QueryStatement } from '../../query/model.js';
import { ownColumns, relationLabel, scopes, within } from '../../query/rule-helpers.js';
import type { ColumnBinding, Scope } from '../../query/scope.js';
import type { Edit } from '../../query/text.js';
import { asNode, findAll, type Node } from '../../sql/ast.js';
import { quoteIdent } from '../../sql/quote.js';

const PER_ROW = new Set(['EXPR_SUBLINK', 'ARRAY_SUBLINK', 'EXISTS_SUBLINK']);

export default defineRule<QueryModel, { smallLimit: number }>({
  id: 'query/correlated-subquery-in-select',
  category: 'query',
  model: 'query',
  defaultSeverity: 'warning',
  summary: 'Subquery in the select list that refers to the outer row, so it runs once per row',
  reportsOn: 'file',
  docs: {
    why: '`SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) FROM users u` runs the subquery once for every user: PostgreSQL does not turn a correlated subquery in the select list into a join, so 100,000 users make 100,000 executions — each a scan of orders when nothing indexes `orders.user_id`. A subquery that does not refer to the outer row runs once and is not reported. With a schema, a subquery whose correlation column is indexed (each execution is an index lookup) is info; so is a query whose constant LIMIT is at most `smallLimit` rows.',
    howToFix:
      'Compute the values for all rows at once and join them: `LEFT JOIN (SELECT user_id, count(*) AS order_count FROM orders GROUP BY user_id) oc ON oc.user_id = u.id` and select `coalesce(oc.order_count, 0)` — one pass over orders. A subquery that fetches one column of one row (`(SELECT name FROM teams WHERE id = u.team_id)`) is a LEFT JOIN. The fix is that rewrite when the subquery reads one table and is tied to the outer row by one equality; otherwise index the correlation column.',
    examples: {
      bad: 'SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u;',
      good: 'SELECT u.id, coalesce(order_count.order_count, 0) AS order_count FROM users u\n  LEFT JOIN (SELECT o.user_id, count(*) AS order_count FROM orders o GROUP BY o.user_id) AS order_count ON order_count.user_id = u.id;',
    },
  },
  options: z.object({
    smallLimit: z
      .number()
      .int()
      .min(0)
      .default(100)
      .describe('A query with a constant LIMIT up to this runs the subquery at most that often: info'),
  }),
  check({ model, options, report }) {
    for (const { statement, scope } of scopes(model)) {
      if (scope.kind !== 'SelectStmt' || !scope.relations.some((r) => r.kind === 'table')) continue;
      const select = scope.node as SelectNode;
      const limit = constantOf(select.limitCount);
      const small = limit?.type === 'integer' && limit.value <= options.smallLimit;
      walkExpression(select.targetList, (kind, payload) => {
        if (kind !== 'SubLink') return;
        const sublink = payload as SubLinkNode;
        if (!PER_ROW.has(sublink.subLinkType ?? '')) return;
        const inner = statement.names.scopeOf(asNode(sublink.subselect, 'SelectStmt') ?? {});
        if (!inner) return;
        const outer = correlations(statement, inner);
        if (outer.length === 0) return;
        const key = correlationKey(statement, inner, scope);
        const indexed =
          model.schema && key?.inner.relation.table
            ? indexesLeadingWith(model.schema, key.inner.relation.table, key.inner.column).length > 0
            : false;
        const names = [...new Set(outer.map((b) => `${b.relation.name}.${b.column}`))];
        report({
          message: `this subquery refers to ${names.join(', ')} of the outer row, so it runs once per row of ${scope.relations
            .filter((r) => r.kind === 'table')
            .map(relationLabel)
            .join(
              ', ',
            )}${key && model.schema ? (indexed ? ` (an index lookup on ${key.inner.column} each time)` : ` (and nothing indexes ${relationLabel(key.inner.relation)}.${key.inner.column})`) : ''}: join the values instead`,
          location: statement.locate(sublink.location),
          severity: indexed || small ? 'info' : undefined,
          fix: key ? joinRewrite(statement, scope, sublink, key) : null,
        });
        return false;
      });
    }
  },
});

/** The outer columns a subquery (and the subqueries in it) reads. */
function correlations(statement: QueryStatement, inner: Scope, node: unknown = inner.node): ColumnBinding[] {
  const found: ColumnBinding[] = [];
  for (const ref of findAll<{ fields?: Node[] }>(node, 'ColumnRef')) {
    const binding = statement.names.column(ref);
    if (binding && !within(binding.scope, inner)) found.push(binding);
  }
  return found;
}

interface Key {
  /** `inner.k = outer.c`: the term, and both sides. */
  readonly term: Node;
  readonly inner: ColumnBinding;
  readonly outer: ColumnBinding;
  /** The other WHERE terms, on the subquery's own table only. */
  readonly rest: readonly Node[];
}

/** The one equality that ties a one-table subquery to its outer row, with nothing else reading the outer row. */
function correlationKey(statement: QueryStatement, inner: Scope, outer: Scope): Key | undefined {
  const select = inner.node as SelectNode;
  if (inner.relations.length !== 1 || inner.relations[0]!.kind !== 'table') return undefined;
  let key: Key | undefined;
  const rest: Node[] = [];
  for (const term of conjuncts(select.whereClause)) {
    const expr = asNode<A_ExprNode>(term, 'A_Expr');
    const sides = expr?.kind === 'AEXPR_OP' && operatorOf(expr.name) === '=' ? [expr.lexpr, expr.rexpr] : [];
    const bindings = sides.map((s) => {
      const ref = columnRef(s);
      return ref ? statement.names.column(ref) : undefined;
    });
    const innerSide = bindings.findIndex((b) => b?.scope === inner);
    const outerSide = bindings.findIndex((b) => b?.scope === outer);
    if (innerSide >= 0 && outerSide >= 0 && !key) {
      key = { term, inner: bindings[innerSide]!, outer: bindings[outerSide]!, rest };
      continue;
    }
    if (correlations(statement, inner, term).length > 0) return undefined;
    rest.push(term);
  }
  if (!key) return undefined;
  // the select list may not read the outer row either
  const others = ownColumns(statement, select.targetList, outer);
  return others.length === 0 ? key : undefined;
}

/**
 * `(SELECT count(*) FROM o WHERE o.k = u.c AND …)` → `LEFT JOIN (SELECT o.k, count(*) AS name FROM o WHERE … GROUP
 * BY o.k) AS name ON name.k = u.c`; `(SELECT o.x FROM o WHERE o.k = u.c AND …)` → `LEFT JOIN o ON o.k = u.c AND …`.
 */
function joinRewrite(statement: QueryStatement, scope: Scope, sublink: SubLinkNode, key: Key): string | null {
  const sql = statement.sql;
  const select = asNode<SelectNode>(sublink.subselect, 'SelectStmt')!;
  const outerSelect = scope.node as SelectNode;
  if (sublink.subLinkType !== 'EXPR_SUBLINK' || scope.role !== 'statement' || scope.relations.length === 0)
    return null;
  if (
    select.groupClause ||
    select.havingClause ||
    select.sortClause ||
    select.limitCount ||
    select.distinctClause ||
    select.windowClause ||
    (select.targetList?.length ?? 0) !== 1 ||
    outerSelect.groupClause ||
    (outerSelect.op !== undefined && outerSelect.op !== 'SETOP_NONE')
  )
    return null;
  const targetNode = asNode<{ val?: Node }>(select.targetList![0], 'ResTarget')?.val;
  const target = sql.textOf(targetNode);
  const subquery = sql.span({ SubLink: sublink });
  const table = key.inner.relation;
  const written = table.written!;
  const tableText = `${written.schema ? `${written.schema}.` : ''}${written.name}${table.name !== written.name ? ` ${table.name}` : ''}`;
  const innerKey = sql.textOf(columnRefOf(key.term, key.inner, statement));
  const outerKey = sql.textOf(columnRefOf(key.term, key.outer, statement));
  const rest = key.rest.map((t) => sql.textOf(t));
  if (!target || !subquery || !innerKey || !outerKey || rest.some((r) => r === undefined)) return null;
  const taken = new Set(scope.relations.map((r) => r.name));
  const aggregate = hasAggregate(targetNode);
  const base = outputName(sublink, scope, targetNode);
  let name = aggregate ? base : table.name;
  if (aggregate) for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  else if (taken.has(name)) return null;
  const alias = quoteIdent(name);
  const where = rest.length > 0 ? ` WHERE ${rest.join(' AND ')}` : '';
  let join: string;
  let value: string;
  if (aggregate) {
    const column = quoteIdent(key.inner.column);
    join = `LEFT JOIN (SELECT ${innerKey}, ${target} AS ${alias} FROM ${tableText}${where} GROUP BY ${innerKey}) AS ${alias} ON ${alias}.${column} = ${outerKey}`;
    const isCount = functionNameOf(asNode<FuncCallNode>(targetNode, 'FuncCall') ?? {}) === 'count';
    value = isCount ? `coalesce(${alias}.${alias}, 0)` : `${alias}.${alias}`;
  } else {
    join = `LEFT JOIN ${tableText} ON ${innerKey} = ${outerKey}${rest.length > 0 ? ` AND ${rest.join(' AND ')}` : ''}`;
    value = target;
  }
  // the join goes after the last FROM item: before the first clause that follows FROM
  const lastFrom = sql.span(outerSelect.fromClause?.at(-1));
  if (!lastFrom) return null;
  const next = sql.keywordAfter(lastFrom.start, [
    'WHERE',
    'GROUP',
    'HAVING',
    'WINDOW',
    'ORDER',
    'LIMIT',
    'OFFSET',
    'FETCH',
    'FOR',
  ]);
  const edits: Edit[] = [
    { span: subquery, text: value },
    next
      ? { span: { start: next.start, end: next.start }, text: `${join} ` }
      : { span: { start: sql.text.length, end: sql.text.length }, text: ` ${join}` },
  ];
  return `${sql.apply(edits)};`;
}

function columnRefOf(term: Node, binding: ColumnBinding, statement: QueryStatement): Node | undefined {
  const expr = asNode<A_ExprNode>(term, 'A_Expr')!;
  return [expr.lexpr, expr.rexpr].find((side) => {
    const ref = columnRef(side);
    return ref !== undefined && statement.names.column(ref) === binding;
  });
}

/** The select-list name of the subquery's value (`AS order_count`), else one made from the aggregate. */
function outputName(sublink: SubLinkNode, scope: Scope, target: Node | undefined): string {
  for (const item of (scope.node as SelectNode).targetList ?? []) {
    const res = asNode<{ val?: Node; name?: string }>(item, 'ResTarget');
    if (res?.name && asNode(res.val, 'SubLink') === sublink) return res.name;
  }
  const call = asNode<FuncCallNode>(target, 'FuncCall');
  return call ? `${functionNameOf(call)}_value` : 'value';
}
