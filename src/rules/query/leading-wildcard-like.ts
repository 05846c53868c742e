import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import { DEFAULT_THRESHOLDS } from '../../lint/thresholds.js';
import { type A_ExprNode, constantOf, operatorOf, unwrap } from '../../query/expressions.js';
import { createIndexFix, createIndexSql, relationSql, trigramIndexed } from '../../query/indexes.js';
import type { QueryModel, QueryStatement } from '../../query/model.js';
import {
  bareExpression,
  comparisons,
  ownColumns,
  relationLabel,
  rowsNote,
  startOf,
} from '../../query/rule-helpers.js';
import type { ColumnBinding } from '../../query/scope.js';
import { asNode, type Node } from '../../sql/ast.js';

const LIKE_KINDS = new Set(['AEXPR_LIKE', 'AEXPR_ILIKE']);

export default defineRule<QueryModel, { smallTableRows: number }>({
  id: 'query/leading-wildcard-like',
  category: 'query',
  model: 'query',
  defaultSeverity: 'warning',
  summary: 'LIKE or ILIKE pattern that starts with a wildcard',
  reportsOn: 'file',
  docs: {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the text quotes application code that interpolates into SQL
    why: "A B-tree index can serve `LIKE 'abc%'` (a prefix is a range), never `LIKE '%abc'` or `'%abc%'`: with the wildcard first, every row is read and matched. ILIKE cannot use a B-tree at all. The pattern is found in a constant (`'%term%'`), a concatenation that starts with one (`'%' || $1 || '%'`), and template interpolations inside a string (`'%${q}%'`). With a schema, a column that already has a trigram index (gin_trgm_ops or gist_trgm_ops) is not reported, and on a live database a table under `smallTableRows` rows is reported as info.",
    howToFix:
      'Build a trigram index — it serves LIKE and ILIKE with wildcards anywhere (patterns of three characters or more): `CREATE EXTENSION IF NOT EXISTS pg_trgm;` then `CREATE INDEX CONCURRENTLY … USING gin (column gin_trgm_ops)`. For word search, full-text search (tsvector with a GIN index) is usually the better tool.',
    examples: {
      bad: "SELECT id FROM products WHERE name ILIKE '%' || $1 || '%';",
      good: 'CREATE EXTENSION IF NOT EXISTS pg_trgm;\nCREATE INDEX CONCURRENTLY idx_products_name_trgm ON public.products USING gin (name gin_trgm_ops);',
    },
  },
  options: z.object({
    smallTableRows: z
      .number()
      .int()
      .min(0)
      .default(DEFAULT_THRESHOLDS.smallTableRows)
      .describe(
        'On a live database, a table with fewer rows gets an info finding; default: the config’s thresholds.smallTableRows',
      ),
  }),
  check({ model, options, report }) {
    const schema = model.schema;
    for (const { statement, scope, comparison } of comparisons(model)) {
      if (!LIKE_KINDS.has(comparison.kind)) continue;
      const pattern = leadingPattern(comparison.expr.rexpr);
      if (pattern === undefined) continue;
      const target = comparison.expr.lexpr!;
      const column = ownColumns(statement, target, scope)[0];
      const table = column?.relation.table;
      if (schema && table && trigramIndexed(schema, table, target)) continue;
      const rows = schema && table ? schema.rows(table) : null;
      const operator = operatorOf(comparison.expr.name).includes('*') ? 'ILIKE' : 'LIKE';
      const text = statement.sql.textOf(target) ?? 'the column';
      report({
        message: `${text} ${operator} '${pattern}' starts with a wildcard: no B-tree index can serve it, every row${column ? ` of ${relationLabel(column.relation)}` : ''}${rowsNote(schema, table)} is read and matched`,
        location: startOf(statement, target),
        severity: rows !== null && rows < options.smallTableRows ? 'info' : undefined,
        fix: column ? trigramFix(model, statement, target, column) : null,
      });
    }
  },
});

/** The pattern's start when it begins with `%` or `_`: a constant, or the first constant of a `||` chain. */
function leadingPattern(node: Node | undefined): string | undefined {
  const constant = constantOf(node);
  if (constant?.type === 'string') {
    if (!/^[%_]/.test(constant.value)) return undefined;
    return constant.value.length > 24 ? `${constant.value.slice(0, 23)}…` : constant.value;
  }
  const concat = asNode<A_ExprNode>(node, 'A_Expr');
  if (concat?.kind === 'AEXPR_OP' && operatorOf(concat.name) === '||') {
    const start = leadingPattern(concat.lexpr);
    return start === undefined ? undefined : `${start.replace(/…$/, '')}…`;
  }
  const cast = asNode<{ arg?: Node }>(node, 'TypeCast');
  return cast ? leadingPattern(cast.arg) : undefined;
}

function trigramFix(
  model: QueryModel,
  statement: QueryStatement,
  target: Node,
  column: ColumnBinding,
): string {
  const bare = unwrap(target)?.kind === 'ColumnRef';
  const expression = bare ? column.column : `(${bareExpression(statement, target) ?? column.column})`;
  const keys = `${expression} gin_trgm_ops`;
  const parts = [column.column, 'trgm'];
  const index =
    model.schema && column.relation.table
      ? createIndexFix(model.schema, column.relation.table, keys, parts, 'gin')
      : createIndexSql(relationSql(column.relation), keys, parts, 'gin');
  return `CREATE EXTENSION IF NOT EXISTS pg_trgm;\n${index}`;
}
