import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { display, locationOf, operations, sizeText } from '../../lint/rule-helpers.js';

export default defineRule<MigrationModel>({
  id: 'migration/drop-table',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'error',
  summary: 'DROP TABLE destroys data',
  reportsOn: 'file',
  docs: {
    why: 'DROP TABLE deletes the table and every row in it, and breaks any code still reading or writing it (an ACCESS EXCLUSIVE lock first, then errors). It cannot be undone by a down migration: only a backup brings the data back.',
    howToFix:
      "Stop using the table in the application first (deploy), keep a verified backup of it (pgwarden's runner dumps it before the drop and records the backup), then drop it in a later migration. A table created in the same migration is exempt.",
    examples: { bad: 'DROP TABLE legacy_orders;' },
  },
  check({ model, report }) {
    for (const { analyzed, operation } of operations(model, 'drop-table')) {
      const table = operation.relations.table;
      if (!table || model.createdHere(table)) continue;
      report({
        message: `DROP TABLE ${display(table)}${sizeText(model.table(table))} destroys its data${operation.cascade ? ' and, with CASCADE, everything that depends on it' : ''}`,
        location: locationOf(model, analyzed),
        fix: `-- back it up first (pgwarden migrate does: pg_dump --table=${table} -Fc), then drop it in its own migration`,
      });
    }
  },
});
