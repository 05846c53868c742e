import { defineRule } from '../../core/rule.js';
import type { HistoryModel } from '../../lint/history-model.js';

export default defineRule<HistoryModel>({
  id: 'migration/failed-part-way',
  category: 'migration',
  model: 'history',
  defaultSeverity: 'error',
  summary: 'A migration without a transaction that stopped part-way',
  reportsOn: 'file',
  docs: {
    why: 'A migration that runs outside a transaction (CREATE INDEX CONCURRENTLY …) keeps the statements that ran before the failure: the schema is between two versions until the migration is finished.',
    howToFix:
      'Fix the failing statement (or what it depends on) and run `pgwarden migrate up`: it resumes after the statements already applied, which must not have been edited.',
  },
  check({ model, report }) {
    for (const entry of model.entries) {
      if (entry.state !== 'failed' || !entry.file) continue;
      const progress = entry.progress;
      const where = progress ? ` after ${progress.done} of ${progress.total} statements` : '';
      const cause = progress?.failedAt ? `: ${progress.failedAt.error.split('\n')[0]}` : '';
      report({
        message: `${entry.version}_${entry.name} stopped${where}${cause}`,
        location: { file: entry.file, line: progress?.failedAt?.line ?? 1, column: 1 },
        evidence: {
          version: entry.version,
          ...(progress ? { done: progress.done, total: progress.total } : {}),
        },
      });
    }
  },
});
