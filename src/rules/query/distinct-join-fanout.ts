import { defineRule } from '../../core/rule.js';
import {
  type A_ExprNode,
  columnRef,
  columnRefsIn,
  conjuncts,
  operatorOf,
  type SelectNode,
} from '../../query/expressions.js';
import { relationSql } from '../../query/indexes.js';
import type { QueryModel, QueryStatement } from '../../query/model.js';
import { ownColumns, relationLabel, scopes } from '../../query/rule-helpers.js';
import type { RelationRef, Scope } from '../../query/scope.js';
import { asNode, type Node, stringValues } from '../../sql/ast.js';
import { quoteIdent } from '../../sql/quote.js';

export default defineRule<QueryModel>({
  id: 'query/distinct-join-fanout',
  category: 'query',
  model: 'query',
  defaultSeverity: 'warning',
  summary: 'SELECT DISTINCT that removes the duplicates a join to a filtering table creates',
  reportsOn: 'file',
  docs: {
    why: '`SELECT DISTINCT u.* FROM users u JOIN orders o ON o.user_id = u.id WHERE o.total > 100` joins each user to all of their orders — a user with 500 orders becomes 500 rows — only for DISTINCT to sort or hash them back into one. The join is there to filter, not to fetch: the work grows with the orders, and DISTINCT hides it. The rule reports a plain DISTINCT (not DISTINCT ON) whose select list reads none of a joined table’s columns. With a schema, a join that matches at most one row (on the joined table’s primary key or a unique index) makes no duplicates and is not reported.',
    howToFix:
      'Filter with a semi-join: `SELECT u.* FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 100)`. PostgreSQL stops at the first matching order, and DISTINCT is no longer needed when the select list holds a key of the remaining table (kept otherwise). The fix is that rewrite for a two-table query; the conditions on the joined table move into EXISTS.',
    examples: {
      bad: 'SELECT DISTINCT u.id, u.email FROM users u JOIN orders o ON o.user_id = u.id WHERE o.total > 100;',
      good: 'SELECT u.id, u.email FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 100);',
    },
  },
  check({ model, report }) {
    for (const { statement, scope } of scopes(model)) {
      if (scope.kind !== 'SelectStmt') continue;
      const select = scope.node as SelectNode;
      const distinct = select.distinctClause;
      // DISTINCT ON (…) lists expressions; plain DISTINCT is a list of one empty node
      if (!distinct || distinct.some((d) => Object.keys(d).length > 0)) continue;
      if (scope.relations.length < 2) continue;
      const read = readRelations(statement, scope, select);
      if (read === 'all') continue;
      const filtering = scope.relations.filter((r) => !read.has(r) && fansOut(model, statement, scope, r));
      if (filtering.length === 0) continue;
      const at = statement.sql.keywordAfter(0, ['DISTINCT']);
      report({
        message: `DISTINCT removes the duplicates the join to ${filtering.map(relationLabel).join(', ')} creates (one row per matching row there), though no column of it is selected: filter with EXISTS instead`,
        location: at && scope.role === 'statement' ? statement.locateOffset(at.start) : statement.location,
        fix: semiJoin(statement, scope, select, filtering),
      });
    }
  },
});

/** The relations the select list (and ORDER BY) reads; `all` for a bare `*`. */
function readRelations(
  statement: QueryStatement,
  scope: Scope,
  select: SelectNode,
): Set<RelationRef> | 'all' {
  const read = new Set<RelationRef>();
  for (const ref of columnRefsIn([select.targetList, select.sortClause])) {
    const names = stringValues(ref.fields);
    if (names.length !== (ref.fields?.length ?? 0)) {
      if (names.length === 0) return 'all';
      const relation = scope.relations.find((r) => r.name === names.at(-1));
      if (relation) read.add(relation);
      continue;
    }
    const binding = statement.names.column(ref);
    if (!binding) return 'all'; // unknown: do not guess
    if (binding.scope === scope) read.add(binding.relation);
  }
  return read;
}

/** Whether joining the relation can multiply rows: unknown without a schema; no when a unique key is matched. */
function fansOut(model: QueryModel, statement: QueryStatement, scope: Scope, relation: RelationRef): boolean {
  const table = relation.table;
  if (!model.schema || !table) return true;
  const matched = new Set<string>();
  for (const predicate of scope.predicates) {
    for (const term of conjuncts(predicate)) {
      const expr = asNode<A_ExprNode>(term, 'A_Expr');
      if (expr?.kind !== 'AEXPR_OP' || operatorOf(expr.name) !== '=') continue;
      for (const [side, other] of [
        [expr.lexpr, expr.rexpr],
        [expr.rexpr, expr.lexpr],
      ] as const) {
        const ref = columnRef(side);
        const binding = ref ? statement.names.column(ref) : undefined;
        if (binding?.relation !== relation) continue;
        if (ownColumns(statement, other, scope).some((c) => c.relation === relation)) continue;
        matched.add(binding.column);
      }
    }
  }
  return !table.indexes.some(
    (i) =>
      i.unique && i.valid && i.predicate === null && i.columns.every((c) => c !== null && matched.has(c)),
  );
}

/**
 * Two tables: `SELECT DISTINCT cols FROM p JOIN c ON q WHERE w` → `SELECT cols FROM p WHERE w_p AND EXISTS (SELECT 1
 * FROM c WHERE q AND w_c)`, the terms on c moved into EXISTS; DISTINCT kept unless the select list holds p's key.
 */
function semiJoin(
  statement: QueryStatement,
  scope: Scope,
  select: SelectNode,
  filtering: readonly RelationRef[],
): string | null {
  const sql = statement.sql;
  const from = select.fromClause ?? [];
  if (scope.role !== 'statement' || scope.relations.length !== 2 || filtering.length !== 1) return null;
  if (select.groupClause || select.havingClause || select.windowClause || select.withClause) return null;
  const child = filtering[0]!;
  const parent = scope.relations.find((r) => r !== child)!;
  if (child.kind !== 'table' || parent.kind !== 'table' || child.nullable) return null;
  const terms: Node[] = [];
  if (from.length === 1) {
    const join = asNode<{ jointype?: string; quals?: Node; usingClause?: unknown; isNatural?: boolean }>(
      from[0],
      'JoinExpr',
    );
    if (join?.jointype !== 'JOIN_INNER' || join.usingClause || join.isNatural || !join.quals) return null;
    terms.push(...conjuncts(join.quals));
  } else if (from.length !== 2) return null;
  terms.push(...conjuncts(select.whereClause));
  const inner: string[] = [];
  const outer: string[] = [];
  for (const term of terms) {
    const text = sql.textOf(term);
    if (text === undefined) return null;
    const reads = ownColumns(statement, term, scope).map((c) => c.relation);
    (reads.includes(child) ? inner : outer).push(
      reads.length > 0 && /\bOR\b/i.test(text) ? `(${text})` : text,
    );
  }
  const distinctAt = sql.keywordAfter(0, ['DISTINCT']);
  const fromAt = distinctAt && sql.keywordAfter(distinctAt.end, ['FROM']);
  if (!distinctAt || !fromAt) return null;
  const list = sql.text.slice(distinctAt.end, fromAt.start).trim();
  const tail = sql.keywordAfter(fromAt.end, ['ORDER', 'LIMIT', 'OFFSET', 'FETCH', 'FOR']);
  const keyed =
    /(^|,)\s*(\*|\w+\.\*)\s*(,|$)/.test(list) ||
    (parent.table?.indexes.find((i) => i.primary)?.columns ?? [null]).every(
      (c) => c !== null && new RegExp(`(^|[\\s,.])${c}(\\s|,|$)`).test(list),
    );
  const exists = `EXISTS (SELECT 1 FROM ${relationText(child)}${inner.length > 0 ? ` WHERE ${inner.join(' AND ')}` : ''})`;
  const head = sql.text.slice(0, distinctAt.start);
  return `${head}${keyed ? '' : 'DISTINCT '}${list} FROM ${relationText(parent)} WHERE ${[...outer, exists].join(' AND ')}${tail ? ` ${sql.text.slice(tail.start)}` : ''};`;
}

/** A FROM item as SQL: the name as written, with its alias. */
function relationText(relation: RelationRef): string {
  const written = relation.written!;
  const name = relationSql({ ...relation, table: undefined });
  return relation.name !== written.name ? `${name} ${quoteIdent(relation.name)}` : name;
}
