import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';
import { alterSystem, isOff } from '../../security/sql.js';

export default defineRule<SecurityModel>({
  id: 'security/log-connections-off',
  category: 'security',
  model: 'security',
  defaultSeverity: 'info',
  summary: 'Connections are not logged (log_connections off)',
  reportsOn: ['setting'],
  docs: {
    why: 'Without log_connections the server log does not say who connected, from where, as which role and how they were authenticated: after an incident nobody can tell which sessions were the attacker’s, and brute-force attempts go unnoticed. The CIS benchmark asks for it (and for log_disconnections). From PostgreSQL 18 it is a list of aspects (receipt, authentication, authorization, setup_durations); `on` means the first three.',
    howToFix:
      'ALTER SYSTEM SET log_connections = on; SELECT pg_reload_conf(); (new sessions log from then on).',
  },
  check({ model, report }) {
    const value = model.settings.log_connections;
    if (!isOff(value)) return;
    report({
      message:
        'log_connections is off: the server log does not say who connected, from where, or as which role',
      location: { object: 'log_connections', kind: 'setting' },
      fix: alterSystem('log_connections', 'on'),
      evidence: { log_connections: value },
    });
  },
});
