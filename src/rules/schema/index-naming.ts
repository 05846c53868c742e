import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import { mixedCaseConvention } from '../../schema/conventions.js';
import {
  byteLength,
  detectedTemplateOption,
  indexKey,
  NAME_MAX_BYTES,
  nameClaims,
  projectTemplate,
  singularName,
  spelledExpansion,
  templateName,
} from '../../schema/naming.js';
import { qualifiedIdent, quoteIdent } from '../../sql/quote.js';
import type { SchemaModel } from '../models.js';

interface Options {
  template?: string;
}

/** The templates a schema's index names are read against, when the option is not set: pgwarden's, then PostgreSQL's. */
const TEMPLATES = ['idx_{table}_{columns}', '{table}_{columns}_idx'];

export default defineRule<SchemaModel, Options>({
  id: 'schema/index-naming',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary:
    "Index name that does not follow the project's template (idx_{table}_{columns} or {table}_{columns}_idx)",
  reportsOn: ['index'],
  options: z.object({
    template: detectedTemplateOption(
      ['table', 'singular', 'columns'],
      "the name of a non-unique index: {table}, {singular} (the table in the singular), {columns} (its key columns joined by _); default: whichever of idx_{table}_{columns} and {table}_{columns}_idx (PostgreSQL's and Prisma's) most of the schema's indexes follow",
    ),
  }),
  docs: {
    why: "Index names show up in EXPLAIN plans, in lock waits, in `pg_stat_user_indexes` and in every migration that drops or rebuilds one. A name that says the table and the columns (`idx_orders_customer_id`) is read without a lookup; PostgreSQL's generated names (`orders_customer_id_idx`, `orders_lower_idx`, `orders_expr_idx1`) and free-form ones (`my_index`) are not, and two teams' conventions side by side make duplicates hard to see.",
    howToFix:
      "Rename the index: `ALTER INDEX idx_customer RENAME TO idx_orders_customer_id` (instant; it takes a SHARE UPDATE EXCLUSIVE lock on the index, so it briefly waits for long-running queries). {columns} is the key columns joined by `_`, in key order (INCLUDE columns are left out); an expression contributes the columns it reads (`lower(email)` → `email`), so `(tenant_id, lower(email))` is `idx_customers_tenant_id_email`. Tolerated: the tenancy column (config `schema.tenancy.column`, unless tenancy is off) left out of a longer key (`idx_invoices_customer_id` on (tenant_id, customer_id)); a number after the name (`_2`, as tools disambiguate); any suffix after it when the columns alone do not tell the index apart — a partial index (`idx_orders_customer_id_open`), an expression index (`idx_users_email_lower`), or another index of the table with the same columns; and when the conventional name would exceed 63 bytes, any name that starts with `idx_{table}_` (the fix then cuts the name and ends it with a hash, as pgwarden's own index fixes do). Unique indexes and indexes that belong to a constraint (primary key, unique, exclusion) are not checked here: see schema/unique-naming. The template is the project's: unless the `template` option sets one, pgwarden reads the schema's names against `idx_{table}_{columns}` and PostgreSQL's own `{table}_{columns}_idx` (which Prisma also generates) and follows the one most of them fit; in a project whose tables or columns are camelCase or PascalCase, names are compared in their snake_case spelling and the fix keeps the project's (Prisma's `Post_authorId_idx`).",
    examples: {
      bad: 'CREATE INDEX orders_customer_id_idx ON orders (customer_id);',
      good: 'CREATE INDEX idx_orders_customer_id ON orders (customer_id);\nCREATE INDEX idx_orders_customer_id_open ON orders (customer_id) WHERE shipped_at IS NULL;',
    },
  },
  check({ model, options, report }) {
    const mixed = mixedCaseConvention(model.conventions.naming);
    const planned = model.tables.flatMap((table) => {
      const indexes = table.indexes.filter(
        (i) => !i.unique && i.constraint === null && !i.exclusion && i.valid,
      );
      if (indexes.length === 0) return [];
      const tableName = templateName(table.name);
      const singular = singularName(tableName);
      return indexes.map((index) => {
        const key = indexKey(index, table);
        const values = { table: tableName, singular, columns: key.columns.join('_') };
        const loose = index.predicate !== null || key.hasExpressions;
        return { table, index, name: index.name, key, values, loose };
      });
    });
    // unset: the template most of the schema's indexes follow (PostgreSQL's and Prisma's {table}_{columns}_idx)
    const { template, judge } = projectTemplate(model, planned, TEMPLATES, options.template, mixed);
    const claim = nameClaims(model.snapshot);
    for (const p of planned) {
      const { judged, ok } = judge(p);
      if (ok) continue;
      const { index, table, key } = p;
      const target =
        mixed && byteLength(judged.expected) <= NAME_MAX_BYTES
          ? spelledExpansion(template, p.values, table, key.columns)
          : judged.target;
      const location = { object: index.qualifiedName, kind: 'index' as const };
      const base = `index ${index.qualifiedName} on ${table.qualifiedName} (${key.columns.join(', ')}) is not named ${target}`;
      if (!mixed && quoteIdent(target) !== target) {
        report({
          message: `${base}, and that name would need quotes: adjust the template`,
          location,
          fix: null,
        });
      } else if (!claim(index.schema, target)) {
        report({
          message: `${base}, and that name is taken in schema ${index.schema}: add a suffix that tells them apart (${target}_…)`,
          location,
          fix: null,
        });
      } else {
        report({
          message: base,
          location,
          fix: `ALTER INDEX ${qualifiedIdent(index.schema, index.name)} RENAME TO ${quoteIdent(target)};`,
        });
      }
    }
  },
});
