import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';
import { reachedPowers } from '../../security/powers.js';

export default defineRule<SecurityModel>({
  id: 'security/connected-role-privileges',
  category: 'security',
  model: 'security',
  defaultSeverity: 'info',
  summary: 'The role pgwarden connected as can do more than reading needs',
  reportsOn: ['role'],
  docs: {
    why: 'The role a tool, a report or the application connects as should have only what it needs: a session with SUPERUSER, CREATEROLE, BYPASSRLS, REPLICATION or CREATEDB, or with membership in a role that reaches the server’s files and programs, turns a leaked connection string or an injected statement into much more. The bootstrap superuser is left out: connecting as it to audit everything (pg_authid, pg_hba_file_rules) is expected.',
    howToFix:
      'Audit with a role that is a member of pg_read_all_settings and pg_monitor (it sees all but passwords and pg_hba.conf), and run the application as a role that has DML only (`pgwarden security generate app-role`).',
  },
  check({ model, report }) {
    const name = model.server.currentUser;
    if (name === model.server.bootstrapRole) return;
    const role = model.role(name);
    if (!role) return;
    const powers = [
      role.superuser && 'SUPERUSER',
      role.createRole && 'CREATEROLE',
      role.bypassRls && 'BYPASSRLS',
      role.replication && 'REPLICATION',
      role.createDb && 'CREATEDB',
    ].filter((p): p is string => p !== false);
    const reached = reachedPowers(model, name);
    if (powers.length === 0 && reached.length === 0) return;
    const parts = [
      ...(powers.length > 0 ? [`has ${powers.join(', ')}`] : []),
      ...reached.map((r) => `can ${r.power.gives} (member of ${r.chain.slice(1).join(' → ')})`),
    ];
    report({
      message: `the connected role ${name} ${parts.join('; ')}: more than an audit or an application needs; connect with a role that has only what it needs`,
      location: { object: name, kind: 'role' },
      fix: null,
      evidence: { role: name, attributes: powers, reaches: reached.map((r) => r.chain) },
    });
  },
});
