import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import { escapeRegExp, mentionsColumn } from '../../schema/keys.js';
import type { SecurityModel } from '../../security/model.js';
import { literalSql, relationSql, roleSql } from '../../security/sql.js';

interface Options {
  setting: string;
}

export default defineRule<SecurityModel, Options>({
  id: 'security/policy-without-tenant-setting',
  category: 'security',
  model: 'security',
  defaultSeverity: 'warning',
  summary:
    'A permissive policy on a tenant table that does not compare the tenant column with the tenant setting',
  reportsOn: ['policy'],
  docs: {
    why: "On a tenant table, every permissive policy is a way in (they are OR-ed): one that does not compare the tenant column with the current tenant — `current_setting('app.tenant_id')` — admits rows of other tenants (USING (status = 'public'), USING (owner = current_user) copied from another table …). Restrictive policies (AND-ed) are left out, and so are policies that are simply true (security/permissive-true-policy).",
    howToFix:
      "Make it compare the tenant: ALTER POLICY p ON t USING (tenant_id = current_setting('app.tenant_id', true)::uuid) (WITH CHECK the same for writes). With missing_ok (true) an unset tenant matches no row instead of raising an error. If the policy uses a function of yours instead of the setting, set the option `setting` or turn the rule off.",
  },
  options: z.object({
    setting: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_.]*$/, 'a custom setting is prefix.name')
      .default('app.tenant_id')
      .describe('The setting that holds the current tenant'),
  }),
  check({ model, options, report }) {
    const readsSetting = new RegExp(`current_setting\\('${escapeRegExp(options.setting)}'`, 'i');
    for (const { table, column } of model.tenantTables) {
      for (const policy of model.policiesOf(table)) {
        if (
          !policy.permissive ||
          policy.using === 'true' ||
          (policy.using === null && policy.withCheck === 'true')
        )
          continue;
        const expressions = [policy.using, policy.withCheck].filter((e): e is string => e !== null);
        if (
          expressions.length > 0 &&
          expressions.every((e) => readsSetting.test(e) && mentionsColumn(e, column.name))
        )
          continue;
        const condition = `${roleSql(column.name)} = current_setting(${literalSql(options.setting)}, true)::${column.type}`;
        const clauses =
          policy.command === 'insert'
            ? `WITH CHECK (${condition})`
            : policy.command === 'select' || policy.command === 'delete'
              ? `USING (${condition})`
              : `USING (${condition}) WITH CHECK (${condition})`;
        report({
          message: `policy ${policy.name} on tenant table ${table.schema}.${table.name} does not compare ${column.name} with ${options.setting} (${policy.using !== null ? `USING ${policy.using}` : `WITH CHECK ${policy.withCheck}`}): it admits rows of other tenants`,
          location: { object: `${table.schema}.${table.name}.${policy.name}`, kind: 'policy' },
          fix: `ALTER POLICY ${roleSql(policy.name)} ON ${relationSql(table)} ${clauses};`,
          evidence: {
            table: `${table.schema}.${table.name}`,
            policy: policy.name,
            command: policy.command,
            using: policy.using,
            withCheck: policy.withCheck,
          },
        });
      }
    }
  },
});
