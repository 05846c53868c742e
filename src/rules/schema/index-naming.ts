import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import {
  expandTemplate,
  indexKey,
  judgeName,
  nameClaims,
  omitsTenantColumn,
  singularName,
  templateName,
  templateOption,
} from '../../schema/naming.js';
import { qualifiedIdent, quoteIdent } from '../../sql/quote.js';
import type { SchemaModel } from '../models.js';

interface Options {
  template: string;
}

export default defineRule<SchemaModel, Options>({
  id: 'schema/index-naming',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Index name that does not follow the template idx_{table}_{columns}',
  reportsOn: ['index'],
  options: z.object({
    template: templateOption(
      'idx_{table}_{columns}',
      ['table', 'singular', 'columns'],
      'the name of a non-unique index: {table}, {singular} (the table in the singular), {columns} (its key columns joined by _)',
    ),
  }),
  docs: {
    why: "Index names show up in EXPLAIN plans, in lock waits, in `pg_stat_user_indexes` and in every migration that drops or rebuilds one. A name that says the table and the columns (`idx_orders_customer_id`) is read without a lookup; PostgreSQL's generated names (`orders_customer_id_idx`, `orders_lower_idx`, `orders_expr_idx1`) and free-form ones (`my_index`) are not, and two teams' conventions side by side make duplicates hard to see.",
    howToFix:
      "Rename the index: `ALTER INDEX idx_customer RENAME TO idx_orders_customer_id` (instant; it takes a SHARE UPDATE EXCLUSIVE lock on the index, so it briefly waits for long-running queries). {columns} is the key columns joined by `_`, in key order (INCLUDE columns are left out); an expression contributes the columns it reads (`lower(email)` → `email`), so `(tenant_id, lower(email))` is `idx_customers_tenant_id_email`. Tolerated: the tenancy column (config `schema.tenancy.column`, unless tenancy is off) left out of a longer key (`idx_invoices_customer_id` on (tenant_id, customer_id)); a number after the name (`_2`, as tools disambiguate); any suffix after it when the columns alone do not tell the index apart — a partial index (`idx_orders_customer_id_open`), an expression index (`idx_users_email_lower`), or another index of the table with the same columns; and when the conventional name would exceed 63 bytes, any name that starts with `idx_{table}_` (the fix then cuts the name and ends it with a hash, as pgwarden's own index fixes do). Unique indexes and indexes that belong to a constraint (primary key, unique, exclusion) are not checked here: see schema/unique-naming.",
    examples: {
      bad: 'CREATE INDEX orders_customer_id_idx ON orders (customer_id);',
      good: 'CREATE INDEX idx_orders_customer_id ON orders (customer_id);\nCREATE INDEX idx_orders_customer_id_open ON orders (customer_id) WHERE shipped_at IS NULL;',
    },
  },
  check({ model, options, report }) {
    const usesSingular = options.template.includes('{singular}');
    const claim = nameClaims(model.snapshot);
    // in a multi-tenant schema the tenant column leads most keys: a name may leave it out
    const omitsTenant = omitsTenantColumn(model, options.template);
    for (const table of model.tables) {
      const indexes = table.indexes.filter(
        (i) => !i.unique && i.constraint === null && !i.exclusion && i.valid,
      );
      if (indexes.length === 0) continue;
      const tableName = templateName(table.name);
      const planned = indexes.map((index) => {
        const key = indexKey(index, table);
        const values = {
          table: tableName,
          singular: usesSingular ? singularName(tableName) : '',
          columns: key.columns.join('_'),
        };
        return { index, key, values, expected: expandTemplate(options.template, values) };
      });
      const count = new Map<string, number>();
      for (const p of planned) count.set(p.expected, (count.get(p.expected) ?? 0) + 1);
      for (const { index, key, values, expected } of planned) {
        const judgeOptions = {
          loose: index.predicate !== null || key.hasExpressions || (count.get(expected) ?? 0) > 1,
          prefixOnly: key.opaque,
        };
        const judged = judgeName(index.name, options.template, values, ['columns'], judgeOptions);
        if (judged.ok || omitsTenant(index.name, key.columns, values, judgeOptions)) continue;
        const location = { object: index.qualifiedName, kind: 'index' as const };
        const base = `index ${index.qualifiedName} on ${table.qualifiedName} (${key.columns.join(', ')}) is not named ${judged.target}`;
        if (quoteIdent(judged.target) !== judged.target) {
          report({
            message: `${base}, and that name would need quotes: adjust the template`,
            location,
            fix: null,
          });
        } else if (!claim(index.schema, judged.target)) {
          report({
            message: `${base}, and that name is taken in schema ${index.schema}: add a suffix that tells them apart (${judged.expected}_…)`,
            location,
            fix: null,
          });
        } else {
          report({
            message: base,
            location,
            fix: `ALTER INDEX ${qualifiedIdent(index.schema, index.name)} RENAME TO ${judged.target};`,
          });
        }
      }
    }
  },
});
