import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { locationOf } from '../../lint/rule-helpers.js';

export default defineRule<MigrationModel>({
  id: 'migration/drop-database',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'error',
  summary: 'DROP DATABASE in a migration',
  reportsOn: 'file',
  docs: {
    why: 'DROP DATABASE destroys a whole database. It has no place in an application migration, which runs against one database and must not decide the fate of others.',
    howToFix: 'Remove it from the migration; retire a database by hand, after a verified backup.',
    examples: { bad: 'DROP DATABASE analytics;' },
  },
  check({ model, report }) {
    for (const analyzed of model.statements) {
      if (analyzed.statement.kind !== 'DropdbStmt') continue;
      report({
        message: 'DROP DATABASE destroys a whole database',
        location: locationOf(model, analyzed),
        fix: null,
      });
    }
  },
});
