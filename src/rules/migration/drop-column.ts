import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { display, locationOf, operations } from '../../lint/rule-helpers.js';

export default defineRule<MigrationModel>({
  id: 'migration/drop-column',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'error',
  summary: 'DROP COLUMN destroys data and breaks code that still uses it',
  reportsOn: 'file',
  docs: {
    why: "DROP COLUMN deletes the column's data for every row. Application code deployed before the migration still names it (and ORMs that cache the column list fail on INSERT), so a drop in the same release as the code change breaks production until the deploy completes.",
    howToFix:
      'Expand and contract: stop reading and writing the column (deploy), keep a backup of its data, then drop it in a later release.',
    examples: { bad: 'ALTER TABLE users DROP COLUMN legacy_flag;' },
  },
  check({ model, report }) {
    for (const { analyzed, operation } of operations(model, 'drop-column')) {
      const table = operation.relations.table;
      if (!table || model.createdHere(table)) continue;
      report({
        message: `DROP COLUMN ${operation.column} destroys its data in ${display(table)}; code that still uses it breaks`,
        location: locationOf(model, analyzed),
        fix: `-- stop using ${operation.column} in the application first; back up (SELECT <key>, ${operation.column} FROM ${table}) and drop it in a later release`,
      });
    }
  },
});
