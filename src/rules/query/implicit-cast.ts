import type { ColumnInfo } from '../../catalog/model.js';
import { defineRule } from '../../core/rule.js';
import { castTypeOf, columnRef, constantOf, type TypeCastNode } from '../../query/expressions.js';
import { indexesLeadingWith } from '../../query/indexes.js';
import type { QueryModel, QueryStatement } from '../../query/model.js';
import { comparisons } from '../../query/rule-helpers.js';
import type { Edit } from '../../query/text.js';
import { asNode, type Node } from '../../sql/ast.js';

const INTEGERS = new Set(['int2', 'int4', 'int8']);
const FLOATS = new Set(['float4', 'float8']);

/**
 * Value types that make PostgreSQL convert the column rather than the value, per column type: there is no operator
 * for the pair in the column's index operator family, and the cast goes from the column's type to the value's.
 */
const COLUMN_CAST: Record<string, ReadonlySet<string>> = {
  int2: new Set(['numeric', 'float4', 'float8']),
  int4: new Set(['numeric', 'float4', 'float8']),
  int8: new Set(['numeric', 'float4', 'float8']),
  numeric: FLOATS,
  bpchar: new Set(['text', 'varchar']),
  citext: new Set(['text', 'varchar']),
};

const TYPE_NAMES: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bpchar: 'char',
  varchar: 'varchar',
};

export default defineRule<QueryModel>({
  id: 'query/implicit-cast',
  category: 'query',
  model: 'query',
  defaultSeverity: 'warning',
  summary: "Comparison that makes PostgreSQL cast the column to the value's type",
  reportsOn: 'file',
  docs: {
    why: "When a column and a value of different types meet, PostgreSQL converts one to the other. When the conversion goes the column's way — an integer column compared with a numeric constant (`id = 42.0`) or a `::numeric` / `::float8` parameter, a numeric column with a float, a `char(n)` or `citext` column with a `::text` value — every row's value is converted and the column's index cannot be used (the comparison is on `(id)::numeric`, not on `id`). Comparisons PostgreSQL handles across types (int4 with int8, date with timestamptz, varchar with text) are fine and not reported. The rule needs the column types (`--db`, `--schema` or `--migrations`); without a schema it stays silent. A column with an index is reported as a warning, one without as info.",
    howToFix:
      "Give the value the column's type: write the integer (`id = 42`), cast the parameter to the column's type (`$1::bigint`, not `$1::numeric`), or let the driver send it untyped. A non-integral value compared with an integer column (`id = 1.5`) is a bug to look at: it matches nothing.",
    examples: {
      bad: 'SELECT * FROM orders WHERE id = $1::numeric;',
      good: 'SELECT * FROM orders WHERE id = $1::bigint;',
    },
  },
  check({ model, report }) {
    const schema = model.schema;
    if (!schema) return;
    for (const { statement, scope, comparison } of comparisons(model)) {
      // LIKE has no index use to lose here; ANY/ALL compare with an array's elements
      if (!['AEXPR_OP', 'AEXPR_IN', 'AEXPR_BETWEEN', 'AEXPR_NOT_BETWEEN'].includes(comparison.kind)) continue;
      for (const side of comparison.sides) {
        const ref = columnRef(side.node);
        const binding = ref ? statement.names.column(ref) : undefined;
        const info = binding?.info;
        const table = binding?.relation.table;
        if (!ref || !info || !table || info.isArray || binding.scope !== scope) continue;
        const casts = COLUMN_CAST[info.typeName];
        if (!casts) continue;
        for (const value of side.others) {
          const type = valueType(value);
          if (!type || !casts.has(type)) continue;
          const indexed = indexesLeadingWith(schema, table, info.name).length > 0;
          const column = statement.sql.textOf(side.node) ?? info.name;
          const written = statement.sql.textOf(value) ?? 'the value';
          report({
            message: `${column} (${info.type}) compared with ${written} (${TYPE_NAMES[type] ?? type}): PostgreSQL casts the column to ${TYPE_NAMES[type] ?? type} for every row${indexed ? ', so its index cannot be used' : ''}`,
            location: statement.locate(ref.location),
            severity: indexed ? undefined : 'info',
            fix: retyped(statement, value, info),
          });
        }
      }
    }
  },
});

/** The type of a constant or of an explicitly cast value; undefined when PostgreSQL infers it from the column. */
function valueType(node: Node): string | undefined {
  const constant = constantOf(node);
  if (constant) return constant.type === 'numeric' ? 'numeric' : undefined;
  const cast = asNode<TypeCastNode>(node, 'TypeCast');
  if (cast) return castTypeOf(cast);
  return undefined;
}

/** The value written in the column's type: `42.0` → `42`, `$1::numeric` → `$1::bigint`; null when that would change its meaning. */
function retyped(statement: QueryStatement, value: Node, column: ColumnInfo): string | null {
  const span = statement.sql.span(value);
  if (!span) return null;
  const constant = constantOf(value);
  let text: string | undefined;
  if (constant?.type === 'numeric') {
    if (!INTEGERS.has(column.typeName) || !Number.isInteger(constant.value)) return null;
    text = String(constant.value);
  } else {
    const cast = asNode<TypeCastNode>(value, 'TypeCast');
    const inner = cast?.arg ? statement.sql.textOf(cast.arg) : undefined;
    if (!inner) return null;
    const argConstant = constantOf(cast!.arg);
    if (
      argConstant?.type === 'numeric' &&
      INTEGERS.has(column.typeName) &&
      !Number.isInteger(argConstant.value)
    )
      return null;
    text = `${inner}::${column.type}`;
  }
  const edit: Edit = { span, text };
  return `${statement.sql.apply([edit])};`;
}
