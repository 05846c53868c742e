import { defineRule } from '../../core/rule.js';
import type { HistoryModel } from '../../lint/history-model.js';
import { quoteLiteral } from '../../sql/quote.js';

export default defineRule<HistoryModel>({
  id: 'migration/applied-file-missing',
  category: 'migration',
  model: 'history',
  defaultSeverity: 'error',
  summary: 'An applied migration that has no file any more',
  reportsOn: ['migration'],
  docs: {
    why: 'The database has a migration the folder no longer holds: it was deleted, renamed, or this checkout is older than the database. A fresh database built from the folder would not have its changes, and it can no longer be rolled back.',
    howToFix:
      'Restore the file under its version (`git log --diff-filter=D -- <migrations folder>` finds it). If it was squashed into another migration on purpose, remove its history row after checking the schema matches.',
  },
  check({ model, report }) {
    for (const entry of model.entries) {
      if (entry.state !== 'missing') continue;
      report({
        message: `migration ${entry.version} (${entry.name}) is recorded as applied but has no file in the migrations folder`,
        location: { object: `${entry.version}_${entry.name}`, kind: 'migration' },
        fix: `-- only once its changes are accounted for:\nDELETE FROM ${model.table} WHERE version = ${quoteLiteral(entry.version)};`,
        evidence: { version: entry.version, appliedAt: entry.appliedAt },
      });
    }
  },
});
