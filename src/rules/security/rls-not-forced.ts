import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';
import { relationSql } from '../../security/sql.js';

export default defineRule<SecurityModel>({
  id: 'security/rls-not-forced',
  category: 'security',
  model: 'security',
  defaultSeverity: 'warning',
  summary: "Row level security is enabled but not forced, and the table's owner is a role that logs in",
  reportsOn: ['table'],
  docs: {
    why: "The owner of a table bypasses its row level security unless it is FORCEd — and so does every role that has the owner's privileges through membership. When the owner is a role that logs in (often the application's own role, because it ran the migrations), the policies protect nothing in the sessions that matter most. An owner that cannot log in, with no login members, is fine: it is left out, as are superusers and BYPASSRLS roles, which bypass row level security anyway. Tenant tables are reported by security/tenant-table-without-rls.",
    howToFix:
      'ALTER TABLE t FORCE ROW LEVEL SECURITY. From then on migrations and jobs that run as the owner are filtered too: they must satisfy the policies (set the tenant), or run as a BYPASSRLS role. Better still, move ownership to a NOLOGIN role (`pgwarden security generate app-role`).',
  },
  check({ model, report }) {
    const tenant = new Set(model.tenantTables.map((t) => t.table));
    for (const table of model.relations) {
      if (!table.rlsEnabled || table.rlsForced || tenant.has(table)) continue;
      const bypassing = model.loginRolesActingAs(table.owner).filter((name) => {
        const role = model.role(name);
        return role && !role.superuser && !role.bypassRls;
      });
      if (bypassing.length === 0) continue;
      report({
        message: `row level security on ${table.schema}.${table.name} is not forced, and its owner ${table.owner} is (or is held by) a role that logs in (${bypassing.join(', ')}): those sessions bypass every policy`,
        location: { object: `${table.schema}.${table.name}`, kind: 'table' },
        fix: `ALTER TABLE ${relationSql(table)} FORCE ROW LEVEL SECURITY;`,
        evidence: { table: `${table.schema}.${table.name}`, owner: table.owner, loginRoles: bypassing },
      });
    }
  },
});
