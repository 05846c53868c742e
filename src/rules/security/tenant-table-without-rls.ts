import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import { isolationGaps } from '../../schema/tenant-isolation.js';
import type { SecurityModel } from '../../security/model.js';

interface Options {
  setting: string;
  policyName: string;
}

export default defineRule<SecurityModel, Options>({
  id: 'security/tenant-table-without-rls',
  category: 'security',
  model: 'security',
  defaultSeverity: 'error',
  summary: 'A tenant table without row level security enabled, forced, and a policy on the tenant column',
  reportsOn: ['table'],
  docs: {
    why: "A table with a tenant column (config schema.tenancy.column, default tenant_id) holds the rows of many tenants; with the filter only in application code, one forgotten WHERE shows one tenant's rows to another. Row level security makes PostgreSQL add the filter to every query — when it is enabled, forced (or the owner, often the application's role, bypasses it) and has a policy on the tenant column. This is the same check as schema/tenant-rls in `pgwarden schema` and `pgwarden check`, on a live database.",
    howToFix:
      "Create the policy, then enable, then force (`pgwarden security generate tenant-isolation --table t` writes all three, idempotent, with the index the policy needs): CREATE POLICY tenant_isolation ON t USING (tenant_id = current_setting('app.tenant_id')::uuid); ALTER TABLE t ENABLE ROW LEVEL SECURITY; ALTER TABLE t FORCE ROW LEVEL SECURITY. The application sets the tenant per transaction: SET LOCAL app.tenant_id = '…'.",
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
    for (const { table, column } of model.tenantTables) {
      const policies = model.policiesOf(table);
      const gaps = isolationGaps(
        {
          schema: table.schema,
          name: table.name,
          rowSecurity: { enabled: table.rlsEnabled, forced: table.rlsForced },
          policies,
        },
        column,
        options,
      );
      if (gaps.fix.length === 0) continue;
      report({
        message: `${table.schema}.${table.name} holds rows of tenants (${column.name}) but ${gaps.problems.join('; ')}: ${
          !gaps.policy || !gaps.enabled
            ? "nothing in the database keeps one tenant from reading another's rows"
            : "the table's owner bypasses the policy"
        }`,
        location: { object: `${table.schema}.${table.name}`, kind: 'table' },
        fix: gaps.fix.join('\n'),
        evidence: {
          table: `${table.schema}.${table.name}`,
          column: column.name,
          enabled: gaps.enabled,
          forced: gaps.forced,
          policies: policies.map((p) => p.name),
        },
      });
    }
  },
});
