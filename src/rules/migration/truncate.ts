import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { display, locationOf, operations, sizeText } from '../../lint/rule-helpers.js';

export default defineRule<MigrationModel>({
  id: 'migration/truncate',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'error',
  summary: 'TRUNCATE destroys every row (CASCADE: of other tables too)',
  reportsOn: 'file',
  docs: {
    why: 'TRUNCATE empties the table at once under an ACCESS EXCLUSIVE lock, with no WHERE and no undo after commit. With CASCADE it also empties every table that references it by a foreign key, which the statement does not name.',
    howToFix:
      'Back up the table first; name every table to empty explicitly instead of CASCADE; prefer a DELETE in batches when only part of the data must go.',
    examples: { bad: 'TRUNCATE users CASCADE;', good: '-- after a backup:\nTRUNCATE sessions;' },
  },
  check({ model, report }) {
    for (const { analyzed, operation } of operations(model, 'truncate')) {
      const table = operation.relations.table;
      if (!table || model.createdHere(table)) continue;
      report({
        message: operation.cascade
          ? `TRUNCATE ${display(table)} CASCADE also empties every table that references it`
          : `TRUNCATE destroys every row of ${display(table)}${sizeText(model.table(table))}`,
        location: locationOf(model, analyzed),
        fix: `-- back up ${display(table)} first; list the tables to empty instead of CASCADE`,
      });
    }
  },
});
