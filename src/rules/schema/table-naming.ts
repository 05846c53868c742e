import { z } from 'zod';
import type { TableInfo } from '../../catalog/model.js';
import { defineRule } from '../../core/rule.js';
import {
  byteLength,
  isSnakeCase,
  NAME_MAX_BYTES,
  nameClaims,
  pluralName,
  singularNameIfPlural,
  toSnakeCase,
} from '../../schema/naming.js';
import { qualifiedIdent, quoteIdent } from '../../sql/quote.js';
import type { SchemaModel } from '../models.js';

interface Options {
  case: 'snake';
  plural: boolean;
  views: boolean;
}

const ALTER: Record<TableInfo['kind'], string> = {
  table: 'ALTER TABLE',
  'partitioned table': 'ALTER TABLE',
  view: 'ALTER VIEW',
  'materialized view': 'ALTER MATERIALIZED VIEW',
  'foreign table': 'ALTER FOREIGN TABLE',
};

export default defineRule<SchemaModel, Options>({
  id: 'schema/table-naming',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Table name that is not snake_case, or not plural',
  reportsOn: ['table', 'view'],
  options: z.object({
    case: z
      .literal('snake')
      .default('snake')
      .describe('the case of names: snake_case (lower case words joined by _)'),
    plural: z
      .boolean()
      .default(true)
      .describe('tables are named in the plural (`orders`); false: in the singular (`order`)'),
    views: z
      .boolean()
      .default(true)
      .describe('also check that views and materialized views are snake_case (never their number)'),
  }),
  docs: {
    why: 'A table name is written in every query, migration and ORM mapping. One convention (snake_case, plural: `order_items`) lets people and tools guess names instead of looking them up; a mixed-case name must be double-quoted everywhere (`"OrderItems"`), and an unquoted reference silently means another, lower-case name. Plural or singular is a team choice; mixing both in one schema is what hurts.',
    howToFix:
      'Rename the table: `ALTER TABLE order_item RENAME TO order_items` (instant, a short ACCESS EXCLUSIVE lock; views, foreign keys and indexes follow, but application queries, functions bodies and ORM mappings must change in the same release). snake_case means lower-case ASCII letters and digits in words joined by single underscores, starting with a letter (one leading underscore is allowed, as in `_prisma_migrations`). The number is judged on the last word only (`order_items`), with pluralize plus a list of uncountable and mass nouns that are never flagged (`data`, `metadata`, `news`, `series`, `status`, `history`, `inventory`, `feedback`, `billing`…); a last word with digits (`log_v2`) is not judged either. Views and materialized views are checked for snake_case only: their names often describe a result (`monthly_revenue`), not a collection. Set `plural: false` for a singular convention; partitions are not checked (they follow their parent). Tables that tools own and name (`knex_migrations_lock`, `goose_db_version`, Django `auth_user`) are best left out with `schema.exclude` in the config.',
    examples: {
      bad: 'CREATE TABLE "OrderItem" (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);',
      good: 'CREATE TABLE order_items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);',
    },
  },
  check({ model, options, report }) {
    const claim = nameClaims(model.snapshot);
    const relations = [...model.tables, ...(options.views ? model.views : [])];
    for (const table of relations) {
      const isTable = table.kind === 'table' || table.kind === 'partitioned table';
      const snake = isSnakeCase(table.name) ? table.name : toSnakeCase(table.name);
      const problems: string[] = [];
      let target = snake;
      if (snake !== table.name) problems.push('is not snake_case');
      if (isTable && snake !== null) {
        const renumbered = options.plural ? pluralName(snake) : singularNameIfPlural(snake);
        if (renumbered !== null) {
          problems.push(
            options.plural
              ? 'is singular (tables are named in the plural)'
              : 'is plural (tables are named in the singular)',
          );
          target = renumbered;
        }
      }
      if (problems.length === 0) continue;
      const what = isTable ? 'table ' : `${table.kind} `;
      const location = {
        object: table.qualifiedName,
        kind: isTable ? ('table' as const) : ('view' as const),
      };
      const base = `${what}${table.qualifiedName} ${problems.join(' and ')}`;
      if (target === null) {
        report({
          message: `${base}; no conventional spelling can be derived from it: choose a snake_case name`,
          location,
          fix: null,
        });
        continue;
      }
      if (byteLength(target) > NAME_MAX_BYTES) {
        report({
          message: `${base}; ${target.slice(0, 40)}… would exceed 63 bytes: choose a shorter name`,
          location,
          fix: null,
        });
        continue;
      }
      if (quoteIdent(target) !== target) {
        report({
          message: `${base}; ${target} would be a keyword that needs quotes: choose another name`,
          location,
          fix: null,
        });
        continue;
      }
      if (!claim(table.schema, target)) {
        report({
          message: `${base}: ${target}, but that name is taken in schema ${table.schema}`,
          location,
          fix: null,
        });
        continue;
      }
      report({
        message: `${base}: ${target}`,
        location,
        fix: `${ALTER[table.kind]} ${qualifiedIdent(table.schema, table.name)} RENAME TO ${quoteIdent(target)};`,
      });
    }
  },
});
