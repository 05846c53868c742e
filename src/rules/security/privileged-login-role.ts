import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';
import { roleSql } from '../../security/sql.js';

export default defineRule<SecurityModel>({
  id: 'security/privileged-login-role',
  category: 'security',
  model: 'security',
  defaultSeverity: 'warning',
  summary: 'A role that can log in is a superuser, or has BYPASSRLS, CREATEROLE or REPLICATION',
  reportsOn: ['role'],
  docs: {
    why: 'Whoever logs in as a superuser can read and change every row, run programs on the server (COPY … TO PROGRAM) and turn off every other control; BYPASSRLS ignores every row level security policy; CREATEROLE can create roles and, before PostgreSQL 16, grant itself nearly any role; REPLICATION can stream a copy of the whole cluster. A stolen password of such a role is a breach of everything. The role initdb created (the bootstrap superuser, usually postgres) is left out: every cluster has it, and it is the break-glass account.',
    howToFix:
      'Give the application and the people their own roles with only the privileges they need (`pgwarden security generate app-role|readonly-role`), keep the powerful attributes on NOLOGIN roles that an administrator SETs ROLE to when needed, and remove them from the login role: `ALTER ROLE name NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOREPLICATION`. A REPLICATION role that only replicas and backups use is expected: restrict it in pg_hba.conf to their addresses.',
    examples: {
      bad: 'CREATE ROLE app LOGIN SUPERUSER PASSWORD …;',
      good: 'CREATE ROLE app LOGIN PASSWORD …;  -- then GRANT only what it needs',
    },
  },
  check({ model, report }) {
    for (const role of model.roles) {
      if (!role.login || role.predefined || role.name === model.server.bootstrapRole) continue;
      const powers = [
        role.superuser && { attribute: 'SUPERUSER', off: 'NOSUPERUSER', severity: 'error' as const },
        role.bypassRls && { attribute: 'BYPASSRLS', off: 'NOBYPASSRLS', severity: 'warning' as const },
        role.createRole && { attribute: 'CREATEROLE', off: 'NOCREATEROLE', severity: 'warning' as const },
        role.replication && { attribute: 'REPLICATION', off: 'NOREPLICATION', severity: 'info' as const },
      ].filter((p) => p !== false);
      if (powers.length === 0) continue;
      const severity = powers.some((p) => p.severity === 'error')
        ? 'error'
        : powers.some((p) => p.severity === 'warning')
          ? 'warning'
          : 'info';
      report({
        message: `role ${role.name} can log in and has ${powers.map((p) => p.attribute).join(', ')}: a leaked password of it ${role.superuser ? 'is a breach of the whole cluster' : role.bypassRls ? 'reads past every row level security policy' : role.createRole ? 'can create roles and grant them' : 'can stream a copy of every database'}`,
        location: { object: role.name, kind: 'role' },
        severity,
        fix: `ALTER ROLE ${roleSql(role.name)} ${powers.map((p) => p.off).join(' ')};`,
        evidence: { role: role.name, attributes: powers.map((p) => p.attribute) },
      });
    }
  },
});
