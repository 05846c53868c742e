import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';
import { roleSql } from '../../security/sql.js';

export default defineRule<SecurityModel>({
  id: 'security/login-without-password',
  category: 'security',
  model: 'security',
  defaultSeverity: 'info',
  summary: 'A role that can log in has no password',
  reportsOn: ['role'],
  requires: { privileges: ['superuser'] },
  docs: {
    why: 'A login role without a password can only get in through an authentication method that does not ask for one: peer, ident, cert, GSSAPI, LDAP — or trust, which lets anyone who reaches the server in. Whether that is safe depends entirely on pg_hba.conf; a role meant for password logins that has none is usually a role someone forgot, and the first trust line added for debugging opens it. The bootstrap superuser is left out (it usually logs in by peer on the local socket). Seeing passwords needs a superuser (pg_authid).',
    howToFix:
      "Give it a password (`\\password name` in psql), or, if it should not log in at all, `ALTER ROLE name NOLOGIN`. If it logs in by certificate or peer on purpose, accept the finding in the config (rules: { 'security/login-without-password': 'off' }).",
  },
  check({ model, report }) {
    for (const role of model.roles) {
      if (!role.login || role.name === model.server.bootstrapRole) continue;
      if (model.password(role.name) !== 'none') continue;
      report({
        message: `role ${role.name} can log in but has no password: only pg_hba.conf decides who may log in as it (a trust line lets anyone in); set a password or make it NOLOGIN`,
        location: { object: role.name, kind: 'role' },
        fix: `-- if it should not log in:\nALTER ROLE ${roleSql(role.name)} NOLOGIN;`,
        evidence: { role: role.name, passwordKind: 'none' },
      });
    }
  },
});
