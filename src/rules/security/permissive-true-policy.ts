import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';
import { relationSql, roleSql } from '../../security/sql.js';

export default defineRule<SecurityModel>({
  id: 'security/permissive-true-policy',
  category: 'security',
  model: 'security',
  defaultSeverity: 'warning',
  summary: 'A permissive policy whose condition is always true',
  reportsOn: ['policy'],
  docs: {
    why: 'Permissive policies are OR-ed: one whose USING (or WITH CHECK) is `true` admits every row for the roles and commands it applies to, whatever the other policies say. `CREATE POLICY p ON t USING (true)` — often a leftover from getting an application to work — turns row level security off for everyone. A policy for a named role (an admin) is reported as info, one for PUBLIC as a warning.',
    howToFix:
      "Drop it, or give it a real condition (ALTER POLICY p ON t USING (tenant_id = current_setting('app.tenant_id', true)::uuid)). When a role must see every row, give that role BYPASSRLS rather than a policy that is true for all.",
  },
  check({ model, report }) {
    for (const policy of model.policies) {
      if (!policy.permissive) continue;
      const always = policy.using === 'true' || (policy.using === null && policy.withCheck === 'true');
      if (!always) continue;
      const everyone = policy.roles.includes('public');
      report({
        message: `policy ${policy.name} on ${policy.schema}.${policy.table} admits every row (${policy.using === 'true' ? 'USING' : 'WITH CHECK'} true) for ${policy.command === 'all' ? 'every command' : policy.command.toUpperCase()} to ${everyone ? 'every role' : policy.roles.join(', ')}: the other policies restrict nothing for ${everyone ? 'them' : 'it'}`,
        location: { object: `${policy.schema}.${policy.table}.${policy.name}`, kind: 'policy' },
        severity: everyone ? 'warning' : 'info',
        fix: `DROP POLICY ${roleSql(policy.name)} ON ${relationSql({ schema: policy.schema, name: policy.table })};`,
        evidence: {
          table: `${policy.schema}.${policy.table}`,
          policy: policy.name,
          command: policy.command,
          roles: policy.roles,
          using: policy.using,
          withCheck: policy.withCheck,
        },
      });
    }
  },
});
