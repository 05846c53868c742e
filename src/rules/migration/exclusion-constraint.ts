import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { display, locationOf, operations, sizedSeverity, sizeText } from '../../lint/rule-helpers.js';

export default defineRule<MigrationModel>({
  id: 'migration/exclusion-constraint',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'warning',
  summary: 'EXCLUDE constraint added to an existing table',
  reportsOn: 'file',
  docs: {
    why: 'An exclusion constraint builds its index under an ACCESS EXCLUSIVE lock, and unlike CHECK and FOREIGN KEY it cannot be added NOT VALID, nor attached from an index built concurrently. There is no non-blocking way to add one to a busy table.',
    howToFix:
      'Add it when the table is small or quiet, with a short lock_timeout; or enforce the rule another way first (a trigger), or add it on a new table and move the data there.',
    examples: {
      bad: 'ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);',
    },
  },
  check({ model, report }) {
    for (const { analyzed, operation } of operations(model, 'add-exclusion')) {
      const table = operation.relations.table;
      if (operation.newTable || !table || model.createdHere(table)) continue;
      report({
        message: `ADD EXCLUDE builds an index under an ACCESS EXCLUSIVE lock on ${display(table)}${sizeText(model.table(table))}, and cannot be added NOT VALID`,
        location: locationOf(model, analyzed),
        severity: sizedSeverity(model, table, 'warning'),
        fix: `SET lock_timeout = '2s';  -- and run it when ${display(table)} is quiet\n${analyzed.statement.text};`,
      });
    }
  },
});
