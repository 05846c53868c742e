import { defineRule } from '../../core/rule.js';
import type { TuneModel } from '../../health/tune/model.js';

export default defineRule<TuneModel>({
  id: 'health/tune-pending-restart',
  category: 'health',
  model: 'tune',
  defaultSeverity: 'warning',
  summary: 'A setting was changed but the server still runs with its old value until a restart',
  reportsOn: ['setting'],
  docs: {
    why: 'Settings whose context is postmaster (shared_buffers, max_connections, wal_level, shared_preload_libraries …) are read only when PostgreSQL starts. After ALTER SYSTEM or an edit of postgresql.conf and a reload, pg_settings marks them pending_restart: the server runs with the old value while everyone believes the new one is in force, and the next restart (perhaps an unplanned failover at night) brings a change nobody is watching, or a server that does not start because the new value does not fit (shared memory, huge pages, a library that is not installed).',
    howToFix:
      'Restart PostgreSQL in a maintenance window (`pg_ctl restart -m fast`, or your service manager), after checking the new value is what you want (`SELECT name, setting FROM pg_settings WHERE pending_restart`, and the file it came from: `SELECT * FROM pg_file_settings WHERE name = …`). If the change was a mistake, undo it (`ALTER SYSTEM RESET name;` and a reload) instead. Applies to PostgreSQL 9.5 and later.',
  },
  check({ model, report }) {
    if (!model.live) return;
    for (const row of Object.values(model.live.settings)) {
      if (!row.pendingRestart) continue;
      report({
        message: `${row.name} was changed and waits for a restart: the server still runs with ${row.setting}${row.unit ? ` (${row.unit})` : ''}`,
        location: { object: row.name, kind: 'setting' },
        evidence: { setting: row.name, running: row.setting, unit: row.unit, context: row.context },
      });
    }
  },
});
