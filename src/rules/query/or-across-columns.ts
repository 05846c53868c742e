import { defineRule } from '../../core/rule.js';
import { conjuncts, hasAggregate, type SelectNode, walkExpression } from '../../query/expressions.js';
import { createIndexFix, indexesLeadingWith } from '../../query/indexes.js';
import type { QueryModel, QueryStatement } from '../../query/model.js';
import { ownColumns, relationLabel, sameColumn, scopes, startOf } from '../../query/rule-helpers.js';
import type { ColumnBinding, Scope } from '../../query/scope.js';
import { asNode, type Node } from '../../sql/ast.js';
import { quoteIdent } from '../../sql/quote.js';

export default defineRule<QueryModel>({
  id: 'query/or-across-columns',
  category: 'query',
  model: 'query',
  defaultSeverity: 'warning',
  summary: 'OR between conditions on different columns, which no single index serves',
  reportsOn: 'file',
  docs: {
    why: 'An index on `email` finds `email = $1`, an index on `phone` finds `phone = $2`, but `email = $1 OR phone = $2` needs both: PostgreSQL can combine two indexes (a BitmapOr), but only when every branch of the OR has an index of its own — one branch without one, or branches on two different tables of a join, and the whole table is read. With a schema the rule reports only that case (a branch whose columns no index leads with, or an OR across joined tables) as a warning; without a schema it cannot know and reports every OR across columns as info. An OR whose branches share a column (`status = 1 OR status = 2`, better written IN) and the optional-filter idiom (`$1 IS NULL OR col = $1`) are not reported.',
    howToFix:
      'Give every branch an index (the fix, with a schema: `CREATE INDEX CONCURRENTLY` for the columns that lack one), so PostgreSQL can combine them; or split the query into one SELECT per branch joined by UNION (which also removes duplicate rows, as OR does; the fix when no schema is known and the query is a plain SELECT).',
    examples: {
      bad: 'SELECT id FROM users WHERE email = $1 OR phone = $2;',
      good: 'SELECT id FROM users WHERE email = $1\nUNION\nSELECT id FROM users WHERE phone = $2;',
    },
  },
  check({ model, report }) {
    const schema = model.schema;
    for (const { statement, scope } of scopes(model)) {
      for (const predicate of scope.predicates) {
        walkExpression(predicate, (kind, payload) => {
          if (kind !== 'BoolExpr' || payload.boolop !== 'OR_EXPR') return undefined;
          const arms = (payload.args as Node[] | undefined) ?? [];
          const columns = arms.map((arm) => distinct(ownColumns(statement, arm, scope)));
          // an arm on no column of this level is an optional filter (`$1 IS NULL OR …`)
          if (columns.some((c) => c.length === 0)) return false;
          if (columns[0]!.some((c) => columns.every((arm) => arm.some((o) => sameColumn(o, c)))))
            return false;
          const all = distinct(columns.flat());
          const relations = new Set(all.map((c) => c.relation));
          const names = all.map((c) => (relations.size > 1 ? `${c.relation.name}.${c.column}` : c.column));
          const node = { BoolExpr: payload } as unknown as Node;
          const location = startOf(statement, node);
          const table = [...relations][0]!.table;
          if (relations.size === 1 && schema && table) {
            const unindexed = columns.filter(
              (arm) => !arm.some((c) => indexesLeadingWith(schema, table, c.column).length > 0),
            );
            if (unindexed.length === 0) return false;
            const missing = distinct(unindexed.map((arm) => arm[0]!));
            report({
              message: `OR across ${names.join(', ')} of ${table.qualifiedName}: ${missing.map((c) => c.column).join(', ')} ${missing.length === 1 ? 'has' : 'have'} no index, so no index can serve the OR and every row is read`,
              location,
              fix: missing
                .map((c) => createIndexFix(schema, table, quoteIdent(c.column), [c.column]))
                .join('\n'),
            });
            return false;
          }
          const across = relations.size > 1 ? ` of ${[...relations].map(relationLabel).join(' and ')}` : '';
          report({
            message:
              relations.size > 1
                ? `OR across columns of different tables (${names.join(', ')})${across}: no index can serve it, the join is computed for every row before the OR filters it`
                : `OR across ${names.join(', ')}: unless each of them has an index, no index can serve the OR and every row is read (pass --db or --schema to know)`,
            location,
            severity: relations.size > 1 || schema ? undefined : 'info',
            fix: unionRewrite(statement, scope, node, arms),
          });
          return false;
        });
      }
    }
  },
});

function distinct(bindings: readonly ColumnBinding[]): ColumnBinding[] {
  const out: ColumnBinding[] = [];
  for (const b of bindings) if (!out.some((o) => sameColumn(o, b))) out.push(b);
  return out;
}

/** One SELECT per branch, joined by UNION: for a plain top-level SELECT whose WHERE has the OR as one of its terms. */
function unionRewrite(
  statement: QueryStatement,
  scope: Scope,
  or: Node,
  arms: readonly Node[],
): string | null {
  const select = scope.node as SelectNode;
  if (
    scope.role !== 'statement' ||
    scope.kind !== 'SelectStmt' ||
    !conjuncts(select.whereClause).some((term) => asNode(term, 'BoolExpr') === asNode(or, 'BoolExpr')) ||
    select.sortClause ||
    select.limitCount ||
    select.limitOffset ||
    select.groupClause ||
    select.havingClause ||
    select.distinctClause ||
    select.windowClause ||
    select.lockingClause ||
    (select.targetList ?? []).some((t) => hasAggregate(t))
  )
    return null;
  const span = statement.sql.span(or);
  if (!span) return null;
  const branches = arms.map((arm) => {
    const text = statement.sql.textOf(arm);
    // a branch of an OR is never an OR itself: it takes the OR's place as it is
    return text === undefined ? undefined : statement.sql.apply([{ span, text }]);
  });
  if (branches.some((b) => b === undefined)) return null;
  return `${branches.join('\nUNION\n')};`;
}
