import { defineRule } from '../../core/rule.js';
import type { HealthFacts } from '../../health/model.js';
import { type WraparoundOptions, wraparoundFindings, wraparoundOptions } from '../../health/wraparound.js';

export default defineRule<HealthFacts, WraparoundOptions>({
  id: 'health/multixact-wraparound',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: 'Database MultiXact IDs growing old towards wraparound',
  reportsOn: ['database'],
  docs: {
    why: 'A MultiXact records several transactions locking one row at once (foreign key checks take shared row locks: a busy parent table makes many). MultiXact IDs are 32-bit too and wrap like XIDs, on their own counter, `mxid_age(datminmxid)`; its members also fill `pg_multixact/members`, which has its own limit. Autovacuum freezes them from `autovacuum_multixact_freeze_max_age` (400 million); past the limit PostgreSQL refuses writes as for XIDs. No common monitoring tool alerts on it — and it has caused outages on databases whose XID age looked fine.',
    howToFix:
      'As for XIDs: release what holds the horizon, then `VACUUM (FREEZE, VERBOSE)` the tables with the highest `mxid_age(relminmxid)`. Lowering `autovacuum_multixact_freeze_max_age` makes autovacuum freeze them earlier and in smaller steps. Fewer foreign keys checked against one hot parent row (or `FOR NO KEY UPDATE` instead of `FOR UPDATE`) make fewer MultiXacts.',
  },
  options: wraparoundOptions,
  check({ model, options, report }) {
    for (const finding of wraparoundFindings(model, 'mxid', options)) report(finding);
  },
});
