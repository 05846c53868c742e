import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import {
  judgeName,
  singularName,
  templateName,
  templateOption,
  templatePrefix,
} from '../../schema/naming.js';
import { qualifiedIdent, quoteIdent } from '../../sql/quote.js';
import type { SchemaModel } from '../models.js';

interface Options {
  template: string;
}

const KEY = ['column', 'columns'];

export default defineRule<SchemaModel, Options>({
  id: 'schema/check-naming',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'CHECK constraint name that does not follow the template chk_{table}_{column}',
  reportsOn: ['constraint'],
  options: z.object({
    template: templateOption(
      'chk_{table}_{column}',
      ['table', 'singular', 'column', 'columns'],
      'the name of a CHECK constraint: {table}, {singular}, {column} (the one column it reads), {columns} (all of them joined by _)',
    ),
  }),
  docs: {
    why: 'A failed CHECK reaches the application as `new row for relation "orders" violates check constraint "…"`: the name is the whole explanation the user, the log and the error handler get. `chk_orders_total` names the rule; PostgreSQL\'s `orders_total_check` is close, but `orders_check1` or `orders_check` (a check over several columns) says nothing.',
    howToFix:
      "Rename it: `ALTER TABLE orders RENAME CONSTRAINT orders_total_check TO chk_orders_total` (instant, a brief lock; the rename reaches the partitions of a partitioned table). A check that reads one column is `chk_{table}_{column}`, optionally followed by `_` and a word when the column has several checks (`chk_products_price_positive`); a check that reads several columns, or none, needs only the prefix `chk_{table}_` and a word that says what it checks (`chk_bookings_period`), and the fix proposes the columns joined by `_` (`chk_bookings_starts_at_ends_at`). NOT NULL constraints (stored in pg_constraint since PostgreSQL 18) are not CHECK constraints and are not checked; neither are inherited ones (they must keep their parent's name) nor domain constraints.",
    examples: {
      bad: 'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric CHECK (total >= 0));  -- orders_total_check',
      good: 'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric, CONSTRAINT chk_orders_total CHECK (total >= 0));\nCREATE TABLE bookings (id bigint PRIMARY KEY, starts_at timestamptz, ends_at timestamptz, CONSTRAINT chk_bookings_period CHECK (starts_at < ends_at));',
    },
  },
  check({ model, options, report }) {
    const usesSingular = options.template.includes('{singular}');
    for (const table of model.tables) {
      const checks = table.constraints.filter((c) => c.type === 'check' && !c.inherited);
      if (checks.length === 0) continue;
      const tableName = templateName(table.name);
      const used = new Set(table.constraints.map((c) => c.name));
      for (const check of checks) {
        const columns = check.columns.map(templateName);
        const values = {
          table: tableName,
          singular: usesSingular ? singularName(tableName) : '',
          column: columns.join('_'),
          columns: columns.join('_'),
        };
        const single = columns.length === 1;
        const judged = judgeName(check.name, options.template, values, KEY, {
          loose: true,
          prefixOnly: !single,
        });
        if (judged.ok) continue;
        const location = { object: `${table.qualifiedName}.${check.name}`, kind: 'constraint' as const };
        const prefix = templatePrefix(options.template, values, KEY);
        const reads = columns.length === 0 ? 'no column' : `${columns.join(', ')}`;
        const base = single
          ? `check constraint ${check.name} on ${table.qualifiedName} (${reads}) is not named ${judged.target}`
          : `check constraint ${check.name} on ${table.qualifiedName} (${reads}) does not start with ${prefix}`;
        const target = columns.length === 0 ? null : judged.target;
        if (target === null) {
          report({ message: `${base}: name it ${prefix}<what it checks>`, location, fix: null });
        } else if (quoteIdent(target) !== target) {
          report({
            message: `${base}, and that name would need quotes: adjust the template`,
            location,
            fix: null,
          });
        } else if (used.has(target)) {
          report({
            message: `${base}, and another constraint of the table has that name: add a suffix that says what it checks (${target}_…)`,
            location,
            fix: null,
          });
        } else {
          used.add(target);
          report({
            message: single ? base : `${base}: for example ${target}`,
            location,
            fix: `ALTER TABLE ${qualifiedIdent(table.schema, table.name)} RENAME CONSTRAINT ${quoteIdent(check.name)} TO ${target};`,
          });
        }
      }
    }
  },
});
