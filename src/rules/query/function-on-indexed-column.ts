import { defineRule } from '../../core/rule.js';
import type { Comparison } from '../../query/comparisons.js';
import {
  castTypeOf,
  columnRefsIn,
  constantOf,
  type FuncCallNode,
  functionNameOf,
  hasAggregate,
  parameterOf,
  type TypeCastNode,
  unwrap,
} from '../../query/expressions.js';
import { createIndexFix, expressionIndexed, indexesLeadingWith } from '../../query/indexes.js';
import type { QueryModel, QueryStatement } from '../../query/model.js';
import { bareExpression, comparisonSides, ownColumns } from '../../query/rule-helpers.js';
import type { QuerySchema } from '../../query/schema.js';
import type { ColumnBinding } from '../../query/scope.js';
import type { Edit } from '../../query/text.js';
import { asNode, type Node, walk } from '../../sql/ast.js';

const TIME_TYPES = new Set(['timestamp', 'timestamptz']);

export default defineRule<QueryModel>({
  id: 'query/function-on-indexed-column',
  category: 'query',
  model: 'query',
  defaultSeverity: 'warning',
  summary: 'Function or cast on an indexed column in WHERE or JOIN … ON, with no index on the expression',
  reportsOn: 'file',
  docs: {
    why: 'A B-tree index on `email` orders the values of `email`, not of `lower(email)`, `email::text` or `created_at::date`: once the column is wrapped in a function or a cast, PostgreSQL can no longer search the index and reads every row to compute the expression. The rule needs the schema (`--db`, `--schema` or `--migrations`): it reports only when an index on the bare column exists (so an index was meant to serve the filter) and no index on that very expression does (`CREATE INDEX … (lower(email))` makes `WHERE lower(email) = …` fast, and is then not reported). Without a schema it stays silent.',
    howToFix:
      'Either compare the bare column with a transformed value — a date range instead of a cast to date (`created_at >= $1::date AND created_at < $1::date + 1`), which keeps the existing index — or build an index on the expression itself, without blocking writes (`CREATE INDEX CONCURRENTLY … (lower(email))`). The fix is the range rewrite for casts to date and `date_trunc`, else the expression index. Functions of `timestamptz` (casts to date or text, `date_trunc`, `age`) depend on the session time zone and cannot be indexed: rewrite those as ranges.',
    examples: {
      bad: "SELECT id FROM users WHERE lower(email) = lower($1);\nSELECT id FROM orders WHERE created_at::date = '2024-05-01';",
      good: "CREATE INDEX CONCURRENTLY idx_users_lower_email ON public.users (lower(email));\nSELECT id FROM orders WHERE created_at >= '2024-05-01'::date AND created_at < '2024-05-01'::date + 1;",
    },
  },
  check({ model, report }) {
    const schema = model.schema;
    if (!schema) return;
    for (const { statement, scope, comparison, side } of comparisonSides(model)) {
      const kind = unwrap(side.node)?.kind;
      if ((kind !== 'FuncCall' && kind !== 'TypeCast') || hasAggregate(side.node)) continue;
      const columns = ownColumns(statement, side.node, scope);
      const column = columns[0];
      if (!column?.info || !column.relation.table) continue;
      if (columns.some((c) => c.relation !== column.relation || c.column !== column.column)) continue;
      // a comparison of two columns of the same row is not a search
      if (
        side.others.some((o) => ownColumns(statement, o, scope).some((c) => c.relation === column.relation))
      )
        continue;
      const table = column.relation.table;
      const indexes = indexesLeadingWith(schema, table, column.column);
      if (indexes.length === 0 || expressionIndexed(schema, table, side.node)) continue;
      const text = statement.sql.textOf(side.node) ?? 'the expression';
      report({
        message: `${text} hides ${table.qualifiedName}.${column.column} from its index ${indexes[0]!.info.name}: the expression is computed for every row, no index is on it`,
        location: statement.locate(locationOf(side.node)),
        fix:
          rangeRewrite(statement, comparison, side, column) ??
          expressionIndex(schema, statement, side.node, column),
      });
    }
  },
});

function locationOf(node: Node): number | undefined {
  const payload = unwrap(node)?.payload as { location?: number; arg?: Node } | undefined;
  // a cast's own location is its `::`; the expression starts with its argument
  if (unwrap(node)?.kind === 'TypeCast') return Math.min(...collect(node));
  return payload?.location;
}

function collect(node: Node): number[] {
  const out: number[] = [];
  walk(node, (_kind, payload) => {
    if (typeof payload.location === 'number' && payload.location >= 0) out.push(payload.location);
  });
  return out.length > 0 ? out : [0];
}

/** The unit of a truncation to a date or a time unit: `x::date`, `date(x)` → day; `date_trunc('hour', x)` → hour. */
function truncation(node: Node): string | undefined {
  const cast = asNode<TypeCastNode>(node, 'TypeCast');
  if (cast) return castTypeOf(cast) === 'date' && asNode(cast.arg, 'ColumnRef') ? 'day' : undefined;
  const call = asNode<FuncCallNode>(node, 'FuncCall');
  if (!call) return undefined;
  const name = functionNameOf(call);
  if (name === 'date' && call.args?.length === 1 && asNode(call.args[0], 'ColumnRef')) return 'day';
  if (name === 'date_trunc' && call.args?.length === 2 && asNode(call.args[1], 'ColumnRef')) {
    const unit = constantOf(call.args[0]);
    return unit?.type === 'string' && /^(?:second|minute|hour|day|week|month|year)$/i.test(unit.value)
      ? unit.value.toLowerCase()
      : undefined;
  }
  return undefined;
}

/**
 * A truncated time column compared with a value becomes a range on the column itself:
 * `created_at::date = v` → `created_at >= v::date AND created_at < v::date + 1`.
 */
function rangeRewrite(
  statement: QueryStatement,
  comparison: Comparison,
  side: Comparison['sides'][number],
  column: ColumnBinding,
): string | null {
  if (comparison.kind !== 'AEXPR_OP' || !TIME_TYPES.has(column.info?.typeName ?? '')) return null;
  const unit = truncation(side.node);
  const value = side.others[0];
  if (!unit || !value) return null;
  const columnText = statement.sql.textOf(columnRefsIn(side.node)[0]);
  const valueText = statement.sql.textOf(value);
  const span = statement.sql.span({ A_Expr: comparison.expr });
  if (!columnText || !valueText || !span) return null;
  const trunc = functionNameOf(asNode<FuncCallNode>(side.node, 'FuncCall') ?? {}) === 'date_trunc';
  const wrapped = /^[\w$'.:-]+$/.test(valueText) ? valueText : `(${valueText})`;
  // a truncation to a day compares dates; date_trunc keeps the column's type
  const low = trunc ? `${wrapped}::${column.info!.typeName}` : isDate(value) ? wrapped : `${wrapped}::date`;
  const high = trunc ? `${low} + interval '1 ${unit}'` : `${low} + 1`;
  const bounds: Record<string, string> = {
    '=': `${columnText} >= ${low} AND ${columnText} < ${high}`,
    '>=': `${columnText} >= ${low}`,
    '<': `${columnText} < ${low}`,
    '>': `${columnText} >= ${high}`,
    '<=': `${columnText} < ${high}`,
  };
  const replacement = bounds[side.operator];
  if (!replacement) return null;
  const edit: Edit = { span, text: replacement };
  return `${statement.sql.apply([edit])};`;
}

function isDate(node: Node): boolean {
  const cast = asNode<TypeCastNode>(node, 'TypeCast');
  return cast !== undefined && castTypeOf(cast) === 'date';
}

/** CREATE INDEX CONCURRENTLY on the expression, column qualifiers dropped; null when it cannot be indexed. */
function expressionIndex(
  schema: QuerySchema,
  statement: QueryStatement,
  node: Node,
  column: ColumnBinding,
): string | null {
  let parameter = false;
  walk(node, (kind) => {
    if (kind === 'ParamRef' || kind === 'SubLink') parameter = true;
  });
  // values only known at run time cannot be in an index; functions of timestamptz depend on the time zone
  if (parameter || parameterOf(node) !== undefined) return null;
  if (column.info?.typeName === 'timestamptz') return null;
  const text = bareExpression(statement, node);
  if (text === undefined) return null;
  const keys = unwrap(node)?.kind === 'FuncCall' ? text : `(${text})`;
  const call = asNode<FuncCallNode>(node, 'FuncCall');
  const name = call ? functionNameOf(call) : castTypeOf(asNode<TypeCastNode>(node, 'TypeCast') ?? {});
  return createIndexFix(schema, column.relation.table!, keys, [name, column.column]);
}
