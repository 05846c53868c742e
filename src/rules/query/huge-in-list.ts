import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import { type A_ExprNode, columnRef, constantOf, operatorOf } from '../../query/expressions.js';
import type { QueryModel, QueryStatement } from '../../query/model.js';
import { startOf } from '../../query/rule-helpers.js';
import { asNode, type Node, walk } from '../../sql/ast.js';

export default defineRule<QueryModel, { maxItems: number }>({
  id: 'query/huge-in-list',
  category: 'query',
  model: 'query',
  defaultSeverity: 'warning',
  summary: 'IN list (or ARRAY[…] for ANY) with a huge number of values',
  reportsOn: 'file',
  docs: {
    why: 'A query written with thousands of values inline is a different query text for every list length: each is parsed and planned from scratch (no prepared-statement reuse), bloats the statement and pg_stat_statements (before PostgreSQL 18, which folds such lists), and the planner estimates a long OR of equalities. It usually means the code builds the list from an array it already has. The rule reports lists of at least `maxItems` values in `IN (…)`, `NOT IN (…)` and `= ANY (ARRAY[…])`.',
    howToFix:
      'Send the values as one array parameter: `WHERE id = ANY($1)` (`<> ALL($1)` for NOT IN), with `$1` bound to the array (node-postgres, postgres.js and most drivers send a JavaScript array as a PostgreSQL array); one query text for any number of values. For tens of thousands of values, load them into a temporary table (COPY) and join. The fix is the ANY rewrite, with the array type of the column or of the constants.',
    examples: {
      bad: 'SELECT * FROM products WHERE id IN (1, 2, 3, /* … 500 values … */ 500);',
      good: 'SELECT * FROM products WHERE id = ANY($1::bigint[]);',
    },
  },
  options: z.object({
    maxItems: z
      .number()
      .int()
      .min(2)
      .default(100)
      .describe('Lists with at least this many values are reported'),
  }),
  check({ model, options, report }) {
    for (const statement of model.statements) {
      walk(statement.ast, (kind, payload) => {
        if (kind !== 'A_Expr') return;
        const expr = payload as A_ExprNode;
        const items =
          expr.kind === 'AEXPR_IN'
            ? asNode<{ items?: Node[] }>(expr.rexpr, 'List')?.items
            : expr.kind === 'AEXPR_OP_ANY' || expr.kind === 'AEXPR_OP_ALL'
              ? asNode<{ elements?: Node[] }>(expr.rexpr, 'A_ArrayExpr')?.elements
              : undefined;
        if (!items || items.length < options.maxItems) return;
        const negated =
          expr.kind === 'AEXPR_IN' ? operatorOf(expr.name) === '<>' : expr.kind === 'AEXPR_OP_ALL';
        report({
          message: `${negated ? 'NOT IN' : 'IN'} list of ${items.length} values: a new query text (and plan) for every list length; pass one array parameter`,
          location: startOf(statement, expr.lexpr),
          fix: anyRewrite(model, statement, expr, items, negated),
        });
      });
    }
  },
});

/** `x IN (1, 2, …)` → `x = ANY($n::bigint[])`, the type from the column when known, else from the constants. */
function anyRewrite(
  model: QueryModel,
  statement: QueryStatement,
  expr: A_ExprNode,
  items: readonly Node[],
  negated: boolean,
): string | null {
  const sql = statement.sql;
  const subject = sql.span(expr.lexpr);
  // IN (…) ends at its list's parenthesis; ANY (ARRAY[…]) at the parenthesis that follows ANY
  const operatorAt = sql.offsetOf(expr.location);
  const list =
    expr.kind === 'AEXPR_IN'
      ? sql.span({ rexpr: expr.rexpr, end: { location: expr.rexpr_list_end } })
      : operatorAt === undefined
        ? undefined
        : sql.bracketSpan(operatorAt);
  if (!subject || !list) return null;
  const type = arrayType(model, statement, expr.lexpr, items);
  const parameter = `$${sql.maxParameter + 1}${type ? `::${type}[]` : ''}`;
  const operator = expr.kind === 'AEXPR_IN' ? (negated ? '<>' : '=') : operatorOf(expr.name);
  const text = `${sql.slice(subject)} ${operator} ${negated ? 'ALL' : 'ANY'}(${parameter})`;
  return `${sql.apply([{ span: { start: subject.start, end: list.end }, text }])};`;
}

function arrayType(
  model: QueryModel,
  statement: QueryStatement,
  subject: Node | undefined,
  items: readonly Node[],
): string | null {
  const ref = columnRef(subject);
  const info = ref ? statement.names.column(ref)?.info : undefined;
  if (info && !info.isArray && model.schema) return info.type;
  const types = new Set(items.map((item) => constantOf(item)?.type));
  if (types.size !== 1) return null;
  const [only] = types;
  return only === 'integer' ? 'bigint' : only === 'string' ? 'text' : only === 'numeric' ? 'numeric' : null;
}
