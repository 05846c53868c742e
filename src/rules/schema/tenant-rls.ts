import { z } from 'zod';
import type { TableInfo } from '../../catalog/model.js';
import { defineRule } from '../../core/rule.js';
import { tenancyOf } from '../../schema/tenancy.js';
import { isolationGaps } from '../../schema/tenant-isolation.js';
import type { SchemaModel } from '../models.js';

interface Options {
  setting: string;
  policyName: string;
}

export default defineRule<SchemaModel, Options>({
  id: 'schema/tenant-rls',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Tenant table without row level security enabled, forced, and a policy on the tenant column',
  reportsOn: ['table'],
  docs: {
    why: "With the tenant filter only in application code, one forgotten `WHERE tenant_id = …` — in a report, a console session, a new endpoint — shows one tenant's rows to another. Row level security makes PostgreSQL add the filter to every query: it needs to be enabled (ENABLE ROW LEVEL SECURITY), forced (FORCE ROW LEVEL SECURITY: otherwise the table's owner, often the very role the application connects as, bypasses it), and a policy whose USING (or WITH CHECK) tests the tenant column. Roles with BYPASSRLS and superusers still bypass it. A partition is a table of its own: a query that names it directly applies the partition's row level security, not the parent's, so each partition needs the same.",
    howToFix:
      "Create the policy first, then enable, then force: enabling row level security on a table without a policy denies every row to everyone but the owner, and forcing it denies the owner too. The policy reads the tenant from a setting the application sets per transaction (`SET LOCAL app.tenant_id = '…'`, option `setting`): `CREATE POLICY tenant_isolation ON t USING (tenant_id = current_setting('app.tenant_id')::uuid)` — without a WITH CHECK, USING also checks written rows, and an unset setting is an error, not an empty filter. Once forced, migrations and jobs that run as the owner see no rows until they set the tenant too, or run as a role with BYPASSRLS: plan that before enabling.",
    examples: {
      bad: 'CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id));',
      good: "CREATE POLICY tenant_isolation ON invoices USING (tenant_id = current_setting('app.tenant_id')::uuid);\nALTER TABLE invoices ENABLE ROW LEVEL SECURITY;\nALTER TABLE invoices FORCE ROW LEVEL SECURITY;",
    },
  },
  options: z.object({
    setting: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_.]*$/, 'a custom setting is prefix.name')
      .default('app.tenant_id')
      .describe('The setting that holds the current tenant, read by the policy the fix creates'),
    policyName: z
      .string()
      .min(1)
      .default('tenant_isolation')
      .describe('The name of the policy the fix creates'),
  }),
  check({ model, options, report }) {
    const tenancy = tenancyOf(model);
    const column = tenancy.column;
    for (const table of tenancy.tenantTables) {
      const col = table.columns.find((c) => c.name === column)!;
      const own = secure(table, col.type);
      // a partition is a table of its own: queried by name, it applies its own row level security, not the parent's
      const partitions = model
        .partitions(table.qualifiedName)
        .map((part) => ({ part, gaps: secure(part, col.type) }))
        .filter((p) => p.gaps.fix.length > 0);
      if (own.fix.length === 0 && partitions.length === 0) continue;
      const problems = [...own.problems];
      if (partitions.length > 0) {
        problems.push(
          `its partitions ${partitions.map((p) => p.part.qualifiedName).join(', ')} can be queried directly without it (a partition applies its own row level security)`,
        );
      }
      report({
        message: `${table.qualifiedName} holds rows of tenants (${column}) but ${problems.join('; ')}: ${
          !own.policy || !own.enabled || partitions.some((p) => !p.gaps.policy || !p.gaps.enabled)
            ? "nothing in the database keeps one tenant from reading another's rows"
            : "the table's owner (often the application's role) bypasses the policy"
        }`,
        location: { object: table.qualifiedName, kind: 'table' },
        fix: [...own.fix, ...partitions.flatMap((p) => p.gaps.fix)].join('\n'),
      });
    }

    /** What a table lacks (policy on the tenant column, enabled, forced) and the statements that give it. */
    function secure(table: TableInfo, type: string) {
      return isolationGaps(table, { name: column, type }, options);
    }
  },
});
