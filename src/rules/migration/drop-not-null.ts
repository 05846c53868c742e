import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { display, locationOf, operations } from '../../lint/rule-helpers.js';

export default defineRule<MigrationModel>({
  id: 'migration/drop-not-null',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'warning',
  summary: 'DROP NOT NULL loosens a guarantee code relies on',
  reportsOn: 'file',
  docs: {
    why: 'Code, reports and other services that read the column assume it is never NULL. Once NULLs are allowed they arrive, and that code fails far from the migration that caused it. It is also hard to tighten again (SET NOT NULL scans the table).',
    howToFix:
      'Keep the column NOT NULL and use a real value (or a separate nullable column); if NULL is truly needed, make sure every reader handles it first.',
    examples: { bad: 'ALTER TABLE orders ALTER COLUMN user_id DROP NOT NULL;' },
  },
  check({ model, report }) {
    for (const { analyzed, operation } of operations(model, 'drop-not-null')) {
      const table = operation.relations.table;
      if (!table || model.createdHere(table)) continue;
      report({
        message: `DROP NOT NULL lets NULL into ${display(table)}.${operation.column}, which readers assume never happens`,
        location: locationOf(model, analyzed),
        fix: null,
      });
    }
  },
});
