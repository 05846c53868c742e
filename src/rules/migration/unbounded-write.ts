import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { display, locationOf, operations, sizeText } from '../../lint/rule-helpers.js';

export default defineRule<MigrationModel>({
  id: 'migration/unbounded-write',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'error',
  summary: 'UPDATE or DELETE without WHERE',
  reportsOn: 'file',
  docs: {
    why: 'An UPDATE or DELETE without WHERE changes every row: one transaction that locks every row, writes the whole table again to the WAL and leaves as many dead rows — and, if unintended, destroys data.',
    howToFix:
      "Add the WHERE clause you mean; for a deliberate full-table change, work in batches (WHERE id BETWEEN …) outside the migration's transaction, after a backup.",
    examples: {
      bad: 'DELETE FROM sessions;',
      good: "DELETE FROM sessions WHERE expires_at < now() - interval '30 days';",
    },
  },
  check({ model, report }) {
    for (const { analyzed, operation } of operations(model, 'write')) {
      const table = operation.relations.table;
      if (!operation.unbounded || !table || model.createdHere(table)) continue;
      report({
        message: `${operation.summary} without WHERE changes every row of ${display(table)}${sizeText(model.table(table))}`,
        location: locationOf(model, analyzed),
        fix: `-- add the WHERE clause you mean, or work in batches: ${operation.summary} … WHERE id BETWEEN <from> AND <to>`,
      });
    }
  },
});
