import { formatBytes, formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import type { HealthFacts } from '../../health/model.js';
import { unusedIndexOptions } from '../unused-index-options.js';

export default defineRule<HealthFacts, { minStatsDays: number; maxScans: number; smallIndexBytes: number }>({
  id: 'health/unused-index',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: 'Index no query has scanned since the statistics began',
  reportsOn: ['index'],
  docs: {
    why: 'An index no query reads still costs on every write (each INSERT, each non-HOT UPDATE, VACUUM), takes memory, WAL and backup space, and is weighed by the planner on every query. `idx_scan` counts the scans since the statistics were reset — so a verdict is only worth as much as that window: this rule reports only when the counters have run for `minStatsDays` (since `stats_reset`, else since the server started), and says how long. Unique indexes, those backing a constraint or serving a foreign key (its checks on DELETE of the referenced row use them, rarely), and invalid ones are left out.',
    howToFix:
      'Counters are per server: check `idx_scan` on every replica, and over a full business cycle (month-end jobs), before dropping. Then `DROP INDEX CONCURRENTLY` (the fix) and keep its definition (in the finding) to re-create it CONCURRENTLY if a query turns out to need it. Indexes smaller than `smallIndexBytes` get an info finding.',
  },
  options: unusedIndexOptions,
  check({ model, options, report }) {
    const days = model.activity.statsDays;
    if (days < options.minStatsDays) return;
    for (const index of model.indexes) {
      if (index.scans === null || index.scans > options.maxScans) continue;
      if (!index.valid || index.unique || index.backsConstraint || index.servesForeignKey) continue;
      report({
        message: `index ${index.name} on ${index.table} has had ${index.scans === 0 ? 'no scan' : `${formatCount(index.scans)} scans`} in ${days.toFixed(days < 2 ? 1 : 0)} days of statistics (since ${model.activity.statsSince.slice(0, 10)}${model.server.inRecovery ? ', on this standby' : ''}) and takes ${formatBytes(index.sizeBytes)} — check the replicas' statistics too${index.definition ? `: ${index.definition}` : ''}`,
        location: { object: index.name, kind: 'index' },
        severity: index.sizeBytes < options.smallIndexBytes ? 'info' : undefined,
        fix: `DROP INDEX CONCURRENTLY ${index.name};`,
        evidence: { ...index, statsDays: days, statsSince: model.activity.statsSince },
      });
    }
  },
});
