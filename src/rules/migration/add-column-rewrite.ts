import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import {
  display,
  locationOf,
  operations,
  sizedSeverity,
  sizeText,
  sqlRelation,
} from '../../lint/rule-helpers.js';
import { quoteIdent } from '../../sql/quote.js';

export default defineRule<MigrationModel>({
  id: 'migration/add-column-rewrite',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'error',
  summary: 'ADD COLUMN that rewrites the table (volatile default, identity, serial, stored generated)',
  reportsOn: 'file',
  docs: {
    why: "Adding a column is instant only when PostgreSQL can store its default once in the catalog (PostgreSQL 11+, non-volatile default). A volatile default (clock_timestamp(), gen_random_uuid(), random(), nextval: serial), an identity column or a STORED generated column is computed per row: the whole table and its indexes are rewritten under an ACCESS EXCLUSIVE lock — no reads, no writes, for as long as the copy takes. Before PostgreSQL 11 any non-null default does this. PostgreSQL 18's VIRTUAL generated columns are computed on read and do not rewrite.",
    howToFix:
      'Add the column without the default (or with a constant one), then set the default for new rows (ALTER COLUMN … SET DEFAULT, instant), then backfill existing rows in batches outside the DDL transaction. For a generated value, prefer a VIRTUAL generated column (PostgreSQL 18) or a trigger. A table created in the same migration is exempt.',
    examples: {
      bad: 'ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();',
      good: 'ALTER TABLE orders ADD COLUMN token uuid;\nALTER TABLE orders ALTER COLUMN token SET DEFAULT gen_random_uuid();\n-- then backfill in batches: UPDATE orders SET token = gen_random_uuid() WHERE id BETWEEN … AND … AND token IS NULL;',
    },
  },
  check({ model, report }) {
    for (const { analyzed, operation } of operations(model, 'add-column', 'add-column-rewrite')) {
      const table = operation.relations.table;
      if (operation.newTable || !table || model.createdHere(table)) continue;
      const legacyDefault = operation.entry === 'add-column' && model.pgVersion < 11 && operation.hasDefault;
      if (operation.entry !== 'add-column-rewrite' && !legacyDefault) continue;
      const column = operation.column ?? 'the column';
      let cause: string;
      if (legacyDefault) cause = `a default (before PostgreSQL 11 every non-null default rewrites)`;
      else if (operation.generated === 'identity') cause = 'an identity column';
      else if (operation.generated === 'serial')
        cause = 'a serial column (its nextval() default is volatile)';
      else if (operation.generated === 'stored') cause = 'a STORED generated column';
      else if (operation.volatility?.volatileCalls.length)
        cause = `a volatile default (${operation.volatility.volatileCalls.join(', ')})`;
      else
        cause = `a default calling ${operation.volatility?.assumed.join(', ')}, whose volatility pgwarden cannot check without --db (assumed volatile)`;
      const [sqlTable, sqlColumn] = [sqlRelation(table), quoteIdent(column)];
      const virtual = operation.generated === 'stored' && model.pgVersion >= 18 ? ' or make it VIRTUAL' : '';
      report({
        message: `ADD COLUMN ${column} with ${cause} rewrites ${display(table)}${sizeText(model.table(table))} under an ACCESS EXCLUSIVE lock`,
        location: locationOf(model, analyzed),
        severity: sizedSeverity(model, table, 'error'),
        fix: `-- add ${column} without the default${virtual}, set the default, then backfill in batches:\nALTER TABLE ${sqlTable} ADD COLUMN ${sqlColumn} <type>;\nALTER TABLE ${sqlTable} ALTER COLUMN ${sqlColumn} SET DEFAULT <expression>;\n-- UPDATE ${sqlTable} SET ${sqlColumn} = <expression> WHERE <batch> AND ${sqlColumn} IS NULL;  (repeat, outside this transaction)`,
      });
    }
  },
});
