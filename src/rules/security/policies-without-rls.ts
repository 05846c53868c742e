import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';
import { relationSql } from '../../security/sql.js';

export default defineRule<SecurityModel>({
  id: 'security/policies-without-rls',
  category: 'security',
  model: 'security',
  defaultSeverity: 'error',
  summary: 'A table has row level security policies, but row level security is not enabled',
  reportsOn: ['table'],
  docs: {
    why: 'Policies do nothing until ALTER TABLE … ENABLE ROW LEVEL SECURITY: every role with SELECT on the table sees every row, while whoever reads the schema sees policies and believes the rows are filtered. It usually happens when a migration created the policies and the ENABLE was forgotten, or when someone disabled row level security to debug.',
    howToFix:
      'ALTER TABLE t ENABLE ROW LEVEL SECURITY (and FORCE ROW LEVEL SECURITY when the owner is a role that connects). Check first that the policies cover every role that uses the table: once enabled, a role no policy admits sees no rows.',
  },
  check({ model, report }) {
    for (const table of model.relations) {
      if (table.rlsEnabled) continue;
      const policies = model.policiesOf(table);
      if (policies.length === 0) continue;
      report({
        message: `${table.schema}.${table.name} has ${policies.length === 1 ? 'a policy' : `${policies.length} policies`} (${policies.map((p) => p.name).join(', ')}) but row level security is not enabled: they filter nothing`,
        location: { object: `${table.schema}.${table.name}`, kind: 'table' },
        fix: `ALTER TABLE ${relationSql(table)} ENABLE ROW LEVEL SECURITY;`,
        evidence: {
          table: `${table.schema}.${table.name}`,
          policies: policies.map((p) => p.name),
          enabled: false,
        },
      });
    }
  },
});
