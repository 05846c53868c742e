import { defineRule } from '../../core/rule.js';
import type { AnalyzedStatement, MigrationModel } from '../../lint/migration-model.js';
import { display, locationOf, operations, sqlRelation } from '../../lint/rule-helpers.js';
import { quoteIdent } from '../../sql/quote.js';

export default defineRule<MigrationModel>({
  id: 'migration/add-column-required',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'error',
  summary: 'ADD COLUMN … NOT NULL without a default on an existing table',
  reportsOn: 'file',
  docs: {
    why: 'Existing rows have no value for the new column, so PostgreSQL refuses it on any table with rows ("column contains null values") and the migration fails in production although it passed on an empty development database. Application code that does not know the column also cannot INSERT any more.',
    howToFix:
      'Add the column with a constant default (instant from PostgreSQL 11), or nullable: backfill it, then add the NOT NULL constraint the safe way (see migration/set-not-null).',
    examples: {
      bad: 'ALTER TABLE orders ADD COLUMN currency text NOT NULL;',
      good: "ALTER TABLE orders ADD COLUMN currency text NOT NULL DEFAULT 'EUR';",
    },
  },
  check({ model, report }) {
    for (const { analyzed, operation } of operations(
      model,
      'add-column',
      'add-column-rewrite',
      'add-column-virtual',
    )) {
      const table = operation.relations.table;
      if (operation.newTable || !table || model.createdHere(table)) continue;
      if (!operation.notNull || operation.hasDefault) continue;
      if (model.fromDatabase && model.table(table)?.rows === 0) continue;
      if (truncatedBefore(model, analyzed, table)) continue;
      report({
        message: `ADD COLUMN ${operation.column} NOT NULL without a default fails on ${display(table)} as soon as it has rows`,
        location: locationOf(model, analyzed),
        fix: `ALTER TABLE ${sqlRelation(table)} ADD COLUMN ${quoteIdent(operation.column ?? '<column>')} <type> NOT NULL DEFAULT <constant>;`,
      });
    }
  },
});

/**
 * The table was truncated earlier in the same transaction: it is empty, and its ACCESS EXCLUSIVE lock keeps it so
 * until COMMIT, so the ADD finds no row to refuse.
 */
function truncatedBefore(model: MigrationModel, analyzed: AnalyzedStatement, table: string): boolean {
  if (!analyzed.inTransactionBlock) return false;
  for (const earlier of model.statements) {
    if (earlier === analyzed) return false;
    if (
      earlier.inTransactionBlock &&
      earlier.transaction.index === analyzed.transaction.index &&
      earlier.operations.some((o) => o.entry === 'truncate' && o.relations.table === table)
    )
      return true;
  }
  return false;
}
