import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import { isIdSpelling } from '../../schema/naming.js';
import { qualifiedIdent, quoteIdent } from '../../sql/quote.js';
import type { SchemaModel } from '../models.js';

interface Options {
  column: string;
}

export default defineRule<SchemaModel, Options>({
  id: 'schema/primary-key-naming',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Primary key column named after its table (order_id, OrderID, pk) instead of id',
  reportsOn: ['column'],
  options: z.object({
    column: z.string().min(1).default('id').describe('the name of the primary key column'),
  }),
  docs: {
    why: 'When every table is keyed by one column named `id`, joins write themselves (`orders.customer_id = customers.id`), ORMs need no per-table mapping, and a foreign key column always names the table it points to (`order_id` means orders.id, everywhere). A key that repeats its table (`orders.order_id`, `OrderID`) or hides behind a generic word (`pk`, `uuid`) makes `order_id` mean one thing in orders and another in order_items, and every hand-written join a lookup.',
    howToFix:
      "Rename the column: `ALTER TABLE orders RENAME COLUMN order_id TO id` (instant, a brief lock; foreign keys, indexes and views follow, application queries and ORM mappings must change with it). Reported: a primary key column that is not a foreign key and whose name is another spelling of the table's id — `{table}_id`, `{singular}_id`, `{singular}id` in any case, `pk`, `key`, `uuid`, `guid`, `{singular}_pk`, `{singular}_uuid` — also inside a composite key (a partitioned table's `(order_id, created_at)`). Not reported: a composite key on a join table whose key columns are foreign keys (`user_roles (user_id, role_id)`) or a table that shares its parent's key (`user_profiles.user_id` referencing users); `id` with the partition key or the tenant column. A natural key (`countries.code`) or a composite key without an id is a key design question, not a name: schema/standard-id reports it with the recipe to add an id. Teams that key by `{table}_id` everywhere (for USING joins) set `column` or turn this rule off.",
    examples: {
      bad: 'CREATE TABLE orders (order_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);',
      good: 'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\nCREATE TABLE user_roles (user_id bigint REFERENCES users, role_id bigint REFERENCES roles, PRIMARY KEY (user_id, role_id));',
    },
  },
  check({ model, options, report }) {
    for (const table of model.tables) {
      const key = table.constraints.find((c) => c.type === 'primary key');
      if (!key || key.columns.includes(options.column)) continue;
      const referencing = new Set(
        table.constraints.filter((c) => c.type === 'foreign key').flatMap((c) => c.columns),
      );
      const misnamed = key.columns.filter((c) => !referencing.has(c) && isIdSpelling(c, table.name));
      const hasId = table.columns.some((c) => c.name === options.column);
      // one rename per table: two key columns cannot both become id
      const column = misnamed[0];
      if (column === undefined) continue;
      const location = { object: `${table.qualifiedName}.${column}`, kind: 'column' as const };
      const base = `the primary key column of ${table.qualifiedName} is named ${column}, not ${options.column}`;
      if (hasId || misnamed.length > 1) {
        report({
          message: `${base}; ${hasId ? `another column is already named ${options.column}` : `so are ${misnamed.slice(1).join(', ')}`}: rename by hand`,
          location,
          fix: null,
        });
        continue;
      }
      report({
        message: base,
        location,
        fix: `ALTER TABLE ${qualifiedIdent(table.schema, table.name)} RENAME COLUMN ${quoteIdent(column)} TO ${quoteIdent(options.column)};`,
      });
    }
  },
});
