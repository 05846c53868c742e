import { defineRule } from '../../core/rule.js';
import type { HistoryModel } from '../../lint/history-model.js';

export default defineRule<HistoryModel>({
  id: 'migration/out-of-order',
  category: 'migration',
  model: 'history',
  defaultSeverity: 'warning',
  summary: 'A pending migration older than the newest applied one',
  reportsOn: 'file',
  docs: {
    why: 'Usually a branch merged after a newer migration was deployed: the pending one was written against a schema without the newer changes, and databases will apply the two in different orders. `migrate up` refuses it unless `--allow-out-of-order` is given.',
    howToFix:
      'Give the migration a version newer than the newest applied one (rename the file), or, when the two are independent, apply it with `pgwarden migrate up --allow-out-of-order`.',
  },
  check({ model, report }) {
    const applied = model.entries.filter((e) => e.state !== 'pending').at(-1);
    for (const entry of model.entries) {
      if (entry.state !== 'pending' || !entry.outOfOrder || !entry.file) continue;
      report({
        message: `${entry.version}_${entry.name} is pending but older than ${applied ? `${applied.version}_${applied.name}, already applied` : 'an applied migration'}`,
        location: { file: entry.file, line: 1, column: 1 },
        evidence: { version: entry.version, newestApplied: applied?.version ?? null },
      });
    }
  },
});
