import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';
import { relationSql } from '../../security/sql.js';

export default defineRule<SecurityModel>({
  id: 'security/view-bypasses-rls',
  category: 'security',
  model: 'security',
  defaultSeverity: 'warning',
  summary: 'A view reads a table with row level security as an owner who bypasses it',
  reportsOn: ['view'],
  docs: {
    why: "A view runs with its owner's privileges, row level security included: when the owner is a superuser, has BYPASSRLS, or owns the table (and row level security is not forced), everyone who may select from the view sees every row of the table, whatever the policies say. A materialized view is filled by its owner, so it holds every row. From PostgreSQL 15 a view can run as its caller instead (security_invoker).",
    howToFix:
      'ALTER VIEW v SET (security_invoker = true) (PostgreSQL 15+), so that the policies apply to whoever queries it; before 15, have the view owned by a role that the policies filter (no BYPASSRLS, not the table owner, or FORCE ROW LEVEL SECURITY on the table). A materialized view over such a table holds every row: restrict who may select it, or filter it in its definition.',
  },
  check({ model, report, pgVersion }) {
    const tables = new Map(model.relations.map((r) => [`${r.schema}.${r.name}`, r]));
    for (const view of model.views) {
      if (view.securityInvoker) continue;
      const owner = model.role(view.owner);
      const bypassed = view.tables.filter((t) => {
        const table = tables.get(`${t.schema}.${t.name}`);
        if (!table) return false;
        return owner?.superuser || owner?.bypassRls || (table.owner === view.owner && !table.rlsForced);
      });
      if (bypassed.length === 0) continue;
      const why = owner?.superuser
        ? 'a superuser'
        : owner?.bypassRls
          ? 'a BYPASSRLS role'
          : 'the tables’ owner';
      report({
        message: `${view.kind} ${view.schema}.${view.name} reads ${bypassed.map((t) => `${t.schema}.${t.name}`).join(', ')} as ${view.owner}, ${why}: whoever may select from it sees every row, whatever the policies say`,
        location: { object: `${view.schema}.${view.name}`, kind: 'view' },
        fix:
          view.kind === 'view' && pgVersion >= 15
            ? `ALTER VIEW ${relationSql(view)} SET (security_invoker = true);`
            : null,
        evidence: {
          view: `${view.schema}.${view.name}`,
          owner: view.owner,
          tables: bypassed.map((t) => `${t.schema}.${t.name}`),
        },
      });
    }
  },
});
