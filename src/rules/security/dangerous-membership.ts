import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';
import { reachedPowers } from '../../security/powers.js';
import { roleSql } from '../../security/sql.js';

export default defineRule<SecurityModel>({
  id: 'security/dangerous-membership',
  category: 'security',
  model: 'security',
  defaultSeverity: 'warning',
  summary:
    'A login role is, perhaps through other roles, a member of a role that gives far more than it seems',
  reportsOn: ['role'],
  docs: {
    why: 'Role membership is transitive: a login role that is a member of `ops`, itself a member of pg_execute_server_program, can run programs on the database server, and one that is a member of a superuser role can SET ROLE to it and become a superuser — though neither shows on the role itself. The predefined roles pg_execute_server_program, pg_write_server_files and pg_read_server_files reach the server’s operating system; pg_write_all_data writes every table; a membership in a SUPERUSER, BYPASSRLS or CREATEROLE role lends those attributes through SET ROLE. Superusers and the bootstrap superuser are left out: they have it all anyway. From PostgreSQL 16 a membership granted WITH INHERIT FALSE, SET FALSE gives nothing and is not followed.',
    howToFix:
      'Revoke the membership that starts the chain — `REVOKE group FROM login_role` — and grant the login role what it really needs directly. When the group itself should not hold the power, revoke that instead (`REVOKE pg_execute_server_program FROM group`).',
  },
  check({ model, report }) {
    for (const role of model.roles) {
      if (!role.login || role.superuser || role.name === model.server.bootstrapRole) continue;
      for (const { power, chain } of reachedPowers(model, role.name)) {
        if (power.role === role.name) continue;
        report({
          message: `role ${role.name} can log in and, as a member of ${chain.slice(1).join(' → ')}, can ${power.gives}`,
          location: { object: role.name, kind: 'role' },
          severity: power.severity,
          fix: `REVOKE ${roleSql(chain[1]!)} FROM ${roleSql(role.name)};`,
          evidence: { role: role.name, chain, reaches: power.role },
        });
      }
    }
  },
});
