import { defineRule } from '../../core/rule.js';
import type { HealthFacts } from '../../health/model.js';
import { type WraparoundOptions, wraparoundFindings, wraparoundOptions } from '../../health/wraparound.js';

export default defineRule<HealthFacts, WraparoundOptions>({
  id: 'health/xid-wraparound',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: 'Database transaction IDs growing old towards wraparound',
  reportsOn: ['database'],
  docs: {
    why: 'Transaction IDs are 32-bit: rows must be frozen by VACUUM before their XID is 2³¹ transactions old. `age(datfrozenxid)` is how old the oldest unfrozen row of a database is. Autovacuum starts an aggressive anti-wraparound VACUUM at `autovacuum_freeze_max_age` (200 million by default); if it cannot keep up — blocked by a held xmin horizon, a huge table, or cancelled over and over — PostgreSQL warns at 40 million left and refuses every write about 3 million before the limit, until a VACUUM run in single-user mode or as superuser finishes: hours of downtime on a large database. With `--sample`, the finding says in how many days at the observed rate.',
    howToFix:
      'Find what keeps the age high: a held horizon (health/xmin-horizon), a table whose vacuum never finishes (`SELECT relname, age(relfrozenxid) FROM pg_class ORDER BY 2 DESC`), autovacuum workers that are too few or too throttled. Release the horizon, then `VACUUM (FREEZE, VERBOSE)` the oldest tables (connected to the database: the fix runs on the current one) — it takes no lock that blocks reads or writes. Raise `autovacuum_max_workers` and lower `autovacuum_vacuum_cost_delay` if it cannot keep up.',
  },
  options: wraparoundOptions,
  check({ model, options, report }) {
    for (const finding of wraparoundFindings(model, 'xid', options)) report(finding);
  },
});
