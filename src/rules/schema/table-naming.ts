import { z } from 'zod';
import type { TableInfo } from '../../catalog/model.js';
import { defineRule } from '../../core/rule.js';
import { describeChoice, followsCase, isToolTable, toCase } from '../../schema/conventions.js';
import {
  byteLength,
  NAME_MAX_BYTES,
  nameClaims,
  pluralName,
  singularNameIfPlural,
  toSnakeCase,
} from '../../schema/naming.js';
import { qualifiedIdent, quoteIdent } from '../../sql/quote.js';
import type { SchemaModel } from '../models.js';

interface Options {
  plural?: boolean;
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
  summary: "Table name that breaks the project's convention (its case, plural or singular)",
  reportsOn: ['table', 'view'],
  options: z.object({
    plural: z
      .boolean()
      .optional()
      .describe(
        "tables are named in the plural (`orders`) or, false, in the singular (`order`); default: the schema's majority (config schema.naming.tableNumber)",
      ),
    views: z
      .boolean()
      .default(true)
      .describe("also check that views and materialized views follow the tables' case (never their number)"),
  }),
  docs: {
    why: 'A table name is written in every query, migration and ORM mapping. One convention lets people and tools guess names instead of looking them up; a schema where `order_items` sits next to `"Invoice"` makes every query a lookup, and a mixed-case name written without its quotes silently means another, lower-case name. Which convention is the project\'s choice — snake_case plural (`order_items`) is PostgreSQL\'s habit, PascalCase singular (`"OrderItem"`) is what Prisma generates from its models — so pgwarden reads it from the schema and reports the tables that break it, not the convention itself.',
    howToFix:
      'Rename the table to the project\'s spelling: `ALTER TABLE order_item RENAME TO order_items` in a snake_case plural schema, `ALTER TABLE audit_log RENAME TO "AuditLog"` in a Prisma one (instant, a short ACCESS EXCLUSIVE lock; views, foreign keys and indexes follow, but application queries, function bodies and ORM mappings must change in the same release — with Prisma, the model\'s @@map). The convention is detected per review: the case (snake_case, camelCase, PascalCase) and the number (plural, singular) that at least `schema.naming.majority` (75%) of the telling table names follow — a single lower-case word (`users`) fits snake_case and camelCase alike and does not vote on the case; `schema.naming.tables` and `schema.naming.tableNumber` in the config force them, and the `plural` option forces the number for this rule. When no convention holds that majority, one finding on the schema says so instead of one per table. The number is judged on the last word only, with pluralize plus a list of uncountable and mass nouns that are never flagged (`data`, `metadata`, `news`, `series`, `status`, `history`, `inventory`, `feedback`, `billing`…); a last word with digits (`log_v2`) is not judged either. Views and materialized views are checked for the case only: their names often describe a result (`monthly_revenue`), not a collection. Partitions are not checked (they follow their parent), nor the history tables of migration tools (`_prisma_migrations`, `schema_migrations`, `flyway_schema_history`, `__diesel_schema_migrations`, `pgmigrations`…); other tables a tool owns (Django `auth_user`) are best left out with `schema.exclude`.',
    examples: {
      bad: 'CREATE TABLE "OrderItem" (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);',
      good: 'CREATE TABLE order_items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);',
    },
  },
  check({ model, options, report }) {
    const claim = nameClaims(model.snapshot);
    const naming = model.conventions.naming;
    const convention = naming.tables.convention;
    const number: 'plural' | 'singular' | null =
      options.plural === undefined ? naming.tableNumber.convention : options.plural ? 'plural' : 'singular';
    const relations = [...model.tables, ...(options.views ? model.views : [])].filter(
      (t) => !isToolTable(t.name),
    );
    // no convention holds a clear majority: one finding says so, instead of one per table of the minority
    const undecided: string[] = [];
    if (convention === null) undecided.push(`mix cases (${describeChoice(naming.tables)})`);
    if (number === null) undecided.push(`mix plural and singular (${describeChoice(naming.tableNumber)})`);
    if (undecided.length > 0 && relations.length > 0) {
      const schema = relations[0]!.schema;
      report({
        message: `the table names ${undecided.join(' and ')}: no convention holds ${Math.round(naming.majority * 100)}% of them; choose one and set it in the config (schema.naming)`,
        location: { object: schema, kind: 'schema' },
        fix: null,
      });
    }
    const caseName = convention ?? 'snake_case';
    for (const table of relations) {
      const isTable = table.kind === 'table' || table.kind === 'partitioned table';
      const problems: string[] = [];
      let target: string | null = table.name;
      if (convention !== null && !followsCase(table.name, convention)) {
        problems.push(`is not ${convention}`);
        target = toCase(table.name, convention);
      }
      if (isTable && target !== null && number !== null) {
        const snake = toSnakeCase(target);
        const renumbered =
          snake === null ? null : number === 'plural' ? pluralName(snake) : singularNameIfPlural(snake);
        if (renumbered !== null) {
          problems.push(
            number === 'plural'
              ? 'is singular (tables are named in the plural)'
              : 'is plural (tables are named in the singular)',
          );
          target = toCase(renumbered, caseName);
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
          message: `${base}; no conventional spelling can be derived from it: choose a ${caseName} name`,
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
      if (caseName === 'snake_case' && quoteIdent(target) !== target) {
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
