import { defineRule } from '../../core/rule.js';
import { isSnakeCase, toSnakeCase } from '../../schema/naming.js';
import { qualifiedIdent, quoteIdent } from '../../sql/quote.js';
import type { SchemaModel } from '../models.js';

export default defineRule<SchemaModel>({
  id: 'schema/column-naming',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Column name that is not snake_case',
  reportsOn: ['column'],
  docs: {
    why: 'Column names are written in every query and mapped by every ORM. A mixed-case name (`"customerId"`) must be double-quoted in every statement, and the unquoted spelling silently means another, lower-case name (`customerid`: "column does not exist"). One convention, snake_case, spares every reader the guesswork.',
    howToFix:
      'Rename the column: `ALTER TABLE orders RENAME COLUMN "customerId" TO customer_id` (instant, a short ACCESS EXCLUSIVE lock; indexes, constraints and views follow, but application queries, function bodies and ORM mappings must change in the same release, or keep the old name readable through a view during the transition). snake_case is lower-case ASCII letters and digits in words joined by single underscores, starting with a letter. A name that is snake_case but a reserved word (`"order"`, `"user"`) is reported by schema/quoted-identifier, not here. Columns of views follow their query and are not checked.',
    examples: {
      bad: 'CREATE TABLE orders (id bigint PRIMARY KEY, "customerId" bigint, "Total Amount" numeric);',
      good: 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total_amount numeric);',
    },
  },
  check({ model, report }) {
    for (const table of model.tables) {
      const names = new Set(table.columns.map((c) => c.name));
      const promised = new Set<string>();
      for (const column of table.columns) {
        if (isSnakeCase(column.name)) continue;
        const object = `${table.qualifiedName}.${column.name}`;
        const location = { object, kind: 'column' as const };
        const target = toSnakeCase(column.name);
        const base = `column ${object} is not snake_case`;
        if (target === null) {
          report({
            message: `${base}; choose a snake_case name (none can be derived from it)`,
            location,
            fix: null,
          });
        } else if (quoteIdent(target) !== target) {
          report({
            message: `${base}; ${target} would be a keyword that needs quotes: choose another name`,
            location,
            fix: null,
          });
        } else if (names.has(target) || promised.has(target)) {
          report({
            message: `${base}: ${target}, but the table already has a column of that name`,
            location,
            fix: null,
          });
        } else {
          promised.add(target);
          report({
            message: `${base}: ${target}`,
            location,
            fix: `ALTER TABLE ${qualifiedIdent(table.schema, table.name)} RENAME COLUMN ${quoteIdent(column.name)} TO ${target};`,
          });
        }
      }
    }
  },
});
