import { describeDiff } from '../../catalog/fingerprint.js';
import { defineRule } from '../../core/rule.js';
import type { HistoryModel } from '../../lint/history-model.js';

export default defineRule<HistoryModel>({
  id: 'migration/schema-drift',
  category: 'migration',
  model: 'history',
  defaultSeverity: 'error',
  summary: 'The schema changed outside the migrations since the last one ran',
  reportsOn: ['database'],
  docs: {
    why: 'pgwarden records the schema’s fingerprint with the last migration of every run. A difference means someone changed the schema by hand (a hotfix index, a dropped column): the migrations no longer build what runs in production, and `migrate up` refuses to run over it.',
    howToFix:
      'Write a migration that makes the change (or revert the change by hand); `pgwarden migrate up --allow-drift` applies pending migrations anyway. A difference in column order alone is reported as information: the migrations cannot reproduce it, and it changes nothing a query sees by name.',
  },
  check({ model, report }) {
    const drift = model.drift;
    if (!drift) return;
    const objects = [...drift.added, ...drift.removed, ...drift.changed];
    if (objects.length === 0) return;
    report({
      message: drift.orderOnly
        ? `only the column order differs from what the migrations built: ${describeDiff(drift)}`
        : `the schema changed outside the migrations since the last one: ${describeDiff(drift)}`,
      location: { object: 'current database', kind: 'database' },
      severity: drift.orderOnly ? 'info' : undefined,
      evidence: { added: drift.added, removed: drift.removed, changed: drift.changed },
    });
  },
});
