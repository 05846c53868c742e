import { defineRule } from '../../core/rule.js';
import { columnRef, type SelectNode } from '../../query/expressions.js';
import type { QueryModel, QueryStatement } from '../../query/model.js';
import { relationLabel, scopes } from '../../query/rule-helpers.js';
import type { RelationRef, Scope } from '../../query/scope.js';
import { asNode, type Node, stringValues } from '../../sql/ast.js';
import { quoteIdent } from '../../sql/quote.js';

export default defineRule<QueryModel>({
  id: 'query/select-star',
  category: 'query',
  model: 'query',
  defaultSeverity: 'warning',
  summary: 'SELECT * (or t.*) over a table',
  reportsOn: 'file',
  docs: {
    why: 'A star reads every column the table has today and will have tomorrow: wide and TOASTed columns (jsonb, text, bytea) are fetched, decompressed and sent even when the code reads two fields, an index-only scan becomes impossible, and a column added, dropped or reordered by a migration silently changes what the application receives (an INSERT … SELECT * breaks outright). `SELECT *` inside EXISTS, over a CTE or subquery that already names its columns, and RETURNING * are not reported.',
    howToFix:
      'Name the columns the code reads. With `--db`, `--schema` or `--migrations` the fix is the query with the star replaced by the table’s current column list (qualified when several tables are joined); trim it to what the code uses.',
    examples: {
      bad: 'SELECT * FROM users WHERE id = $1;',
      good: 'SELECT id, email, display_name FROM users WHERE id = $1;',
    },
  },
  check({ model, report }) {
    for (const { statement, scope } of scopes(model)) {
      if (scope.kind !== 'SelectStmt' || scope.sublink?.subLinkType === 'EXISTS_SUBLINK') continue;
      for (const target of (scope.node as SelectNode).targetList ?? []) {
        const ref = columnRef(asNode<{ val?: Node }>(target, 'ResTarget')?.val);
        const fields = ref?.fields ?? [];
        if (!ref || asNode(fields.at(-1), 'A_Star') === undefined) continue;
        const qualifier = stringValues(fields).at(-1);
        const expanded =
          qualifier === undefined ? scope.relations : scope.relations.filter((r) => r.name === qualifier);
        const tables = expanded.filter((r) => r.kind === 'table');
        if (tables.length === 0) continue;
        const written = qualifier === undefined ? '*' : `${qualifier}.*`;
        const known = tables.filter((t) => t.table);
        const columns = known.reduce((n, t) => n + t.table!.columns.length, 0);
        report({
          message: `${written} reads every column of ${tables.map(relationLabel).join(', ')}${known.length === tables.length && known.length > 0 ? ` (${columns} columns today)` : ''}: name the columns the code reads`,
          location: statement.locate(ref.location),
          fix: explicitColumns(statement, scope, ref.location, expanded, qualifier !== undefined),
        });
      }
    }
  },
});

/** The statement with the star replaced by the column list, when every expanded relation's columns are known. */
function explicitColumns(
  statement: QueryStatement,
  scope: Scope,
  location: number | undefined,
  expanded: readonly RelationRef[],
  qualified: boolean,
): string | null {
  if (!columnsKnown(expanded)) return null;
  // JOIN … USING and NATURAL JOIN merge columns in a star: the list would not be the same
  if (hasMergingJoin((scope.node as SelectNode).fromClause)) return null;
  const start = statement.sql.offsetOf(location);
  if (start === undefined) return null;
  const star = statement.sql.tokens.find((t) => t.start >= start && t.text === '*');
  if (!star) return null;
  const qualify = qualified || scope.relations.length > 1;
  const list = expanded.flatMap((relation) => {
    const names = relation.table ? relation.table.columns.map((c) => c.name) : (relation.columns ?? []);
    return names.map((name) => `${qualify ? `${quoteIdent(relation.name)}.` : ''}${quoteIdent(name)}`);
  });
  return `${statement.sql.apply([{ span: { start, end: star.end }, text: list.join(', ') }])};`;
}

/** Every relation's columns are known: tables from the schema, CTEs and subqueries that name theirs. */
function columnsKnown(relations: readonly RelationRef[]): boolean {
  return (
    relations.some((r) => r.table) &&
    relations.every((r) => r.table !== undefined || (r.kind !== 'table' && (r.columns?.length ?? 0) > 0))
  );
}

function hasMergingJoin(from: readonly Node[] | undefined): boolean {
  let merging = false;
  const visit = (node: unknown) => {
    const join = asNode<{ usingClause?: unknown[]; isNatural?: boolean; larg?: Node; rarg?: Node }>(
      node,
      'JoinExpr',
    );
    if (!join) return;
    if (join.isNatural || (join.usingClause?.length ?? 0) > 0) merging = true;
    visit(join.larg);
    visit(join.rarg);
  };
  for (const item of from ?? []) visit(item);
  return merging;
}
