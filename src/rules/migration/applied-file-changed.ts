import { defineRule } from '../../core/rule.js';
import type { HistoryModel } from '../../lint/history-model.js';

export default defineRule<HistoryModel>({
  id: 'migration/applied-file-changed',
  category: 'migration',
  model: 'history',
  defaultSeverity: 'error',
  summary: 'An applied migration whose file changed since it was applied',
  reportsOn: 'file',
  docs: {
    why: 'The database ran the migration as it was when applied; the edited file is not what any database that already has it ran, but a fresh database will run the new text. The environments now differ without anyone seeing it, and `migrate up` refuses to run until it is resolved.',
    howToFix:
      'Restore the file as it was applied (its history row keeps the checksum), and put the change in a new migration. Only when the edit changes nothing the server runs (a comment), accept the new checksum: `UPDATE <history> SET checksum = … WHERE version = …` after reviewing it.',
  },
  check({ model, report }) {
    for (const entry of model.entries) {
      if (entry.state !== 'changed' || !entry.file) continue;
      report({
        message: `${entry.version}_${entry.name} changed since it was applied${entry.appliedAt ? ` (${entry.appliedAt.slice(0, 19).replace('T', ' ')})` : ''}: this database ran the earlier text`,
        location: { file: entry.file, line: 1, column: 1 },
        evidence: { version: entry.version, appliedAt: entry.appliedAt },
      });
    }
  },
});
