import { z } from 'zod';
import type { TableInfo } from '../../catalog/model.js';
import { defineRule } from '../../core/rule.js';
import { describeChoice, followsCase, isToolTable, type NameCase, toCase } from '../../schema/conventions.js';
import { qualifiedIdent, quoteIdent } from '../../sql/quote.js';
import type { SchemaModel } from '../models.js';

interface Options {
  groupAbove: number;
}

interface Rename {
  readonly column: string;
  readonly target: string | null;
  readonly problem: string | null;
}

/** Each column of `table` that breaks the convention, with its name in the convention (or why there is none). */
function renames(table: TableInfo, convention: NameCase): Rename[] {
  const names = new Set(table.columns.map((c) => c.name));
  const promised = new Set<string>();
  const out: Rename[] = [];
  for (const column of table.columns) {
    if (followsCase(column.name, convention)) continue;
    const target = toCase(column.name, convention);
    if (target === null) {
      out.push({
        column: column.name,
        target,
        problem: `choose a ${convention} name (none can be derived from it)`,
      });
    } else if (convention === 'snake_case' && quoteIdent(target) !== target) {
      out.push({
        column: column.name,
        target,
        problem: `${target} would be a keyword that needs quotes: choose another name`,
      });
    } else if (names.has(target) || promised.has(target)) {
      out.push({
        column: column.name,
        target,
        problem: `${target}, but the table already has a column of that name`,
      });
    } else {
      promised.add(target);
      out.push({ column: column.name, target, problem: null });
    }
  }
  return out;
}

export default defineRule<SchemaModel, Options>({
  id: 'schema/column-naming',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: "Column name that breaks the project's convention (snake_case, camelCase or PascalCase)",
  reportsOn: ['column', 'table', 'schema'],
  options: z.object({
    groupAbove: z
      .number()
      .int()
      .min(0)
      .default(3)
      .describe(
        'a table with more columns than this breaking the convention gets one finding listing them, not one per column',
      ),
  }),
  docs: {
    why: 'Column names are written in every query and mapped by every ORM. One convention across the schema lets people and tools guess a name instead of looking it up; a schema where `customer_id` sits next to `orderId` makes every query a lookup, and a mixed-case name (`"customerId"`) written without its quotes silently means another, lower-case name (`customerid`: "column does not exist"). Which convention is the project\'s choice: snake_case is PostgreSQL\'s own (no quotes), camelCase is what Prisma and many ORMs generate from their models. pgwarden reads the convention from the schema (the majority of the names that tell the cases apart: a single lower-case word such as `email` fits snake_case and camelCase alike and does not vote) and reports the columns that break it, not the convention itself.',
    howToFix:
      'Rename the column to the project\'s spelling: `ALTER TABLE orders RENAME COLUMN "customerId" TO customer_id` in a snake_case schema, `ALTER TABLE "Invoice" RENAME COLUMN due_date TO "dueDate"` in a camelCase one (instant, a short ACCESS EXCLUSIVE lock; indexes, constraints and views follow, but application queries, function bodies and ORM mappings must change in the same release — with Prisma, rename the field or its @map). The convention is detected per review: the case that at least `schema.naming.majority` (75%) of the telling column names follow; `schema.naming.columns` in the config forces one (`snake_case`, `camelCase`, `PascalCase`). When no case holds that majority, one finding says so instead of one per column. A table with more than `groupAbove` columns breaking the convention (a table mapped by hand, a legacy import) gets one finding that lists them, with every rename in its fix. Tables that migration tools own (`_prisma_migrations`, `schema_migrations`, `flyway_schema_history`…) are not checked. A name that is snake_case but a reserved word (`"order"`, `"user"`) is reported by schema/quoted-identifier, not here. Columns of views follow their query and are not checked.',
    examples: {
      bad: 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, "placedAt" timestamptz, "Total Amount" numeric);',
      good: 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, placed_at timestamptz, total_amount numeric);',
    },
  },
  check({ model, options, report }) {
    const naming = model.conventions.naming;
    const convention = naming.columns.convention;
    const tables = model.tables.filter((t) => !isToolTable(t.name));
    if (convention === null) {
      if (tables.length > 0)
        report({
          message: `the column names mix cases (${describeChoice(naming.columns)}): no case holds ${Math.round(naming.majority * 100)}% of them; choose one and set it in the config (schema.naming.columns)`,
          location: { object: tables[0]!.schema, kind: 'schema' },
          fix: null,
        });
      return;
    }
    for (const table of tables) {
      const found = renames(table, convention);
      if (found.length === 0) continue;
      const sqlTable = qualifiedIdent(table.schema, table.name);
      const rename = (r: Rename) =>
        `ALTER TABLE ${sqlTable} RENAME COLUMN ${quoteIdent(r.column)} TO ${quoteIdent(r.target!)};`;
      if (found.length > options.groupAbove) {
        const fixable = found.filter((r) => r.problem === null);
        const listed = found.map((r) =>
          r.problem === null ? `${r.column} → ${r.target}` : `${r.column} (${r.problem})`,
        );
        report({
          message: `${found.length} columns of ${table.qualifiedName} are not ${convention}: ${listed.join(', ')}`,
          location: { object: table.qualifiedName, kind: 'table' },
          fix: fixable.length > 0 ? fixable.map(rename).join('\n') : null,
        });
        continue;
      }
      for (const r of found) {
        const object = `${table.qualifiedName}.${r.column}`;
        const base = `column ${object} is not ${convention}`;
        report({
          message: r.problem === null ? `${base}: ${r.target}` : `${base}; ${r.problem}`,
          location: { object, kind: 'column' },
          fix: r.problem === null ? rename(r) : null,
        });
      }
    }
  },
});
