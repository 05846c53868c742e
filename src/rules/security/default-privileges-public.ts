import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';
import { roleSql } from '../../security/sql.js';

/** What PostgreSQL itself grants PUBLIC on new objects: not a finding when an entry keeps it. */
const BUILT_IN: Readonly<Record<string, readonly string[]>> = { functions: ['EXECUTE'], types: ['USAGE'] };

export default defineRule<SecurityModel>({
  id: 'security/default-privileges-public',
  category: 'security',
  model: 'security',
  defaultSeverity: 'warning',
  summary: 'Default privileges grant every future object to PUBLIC',
  reportsOn: ['role'],
  docs: {
    why: "ALTER DEFAULT PRIVILEGES … GRANT … TO PUBLIC makes every table, sequence or schema a role creates from then on readable (or writable) by every role, without anyone seeing a GRANT in the migration that creates it. PostgreSQL's own defaults — EXECUTE on functions and USAGE on types for PUBLIC — are left out.",
    howToFix:
      'ALTER DEFAULT PRIVILEGES FOR ROLE owner [IN SCHEMA s] REVOKE ALL ON TABLES FROM PUBLIC, then grant to the roles that need it (`pgwarden security generate readonly-role|app-role` writes those default privileges). Objects already created keep their grants: revoke those too (security/public-grant).',
  },
  check({ model, report }) {
    for (const entry of model.defaultPrivileges) {
      const extra = entry.publicPrivileges.filter((p) => !(BUILT_IN[entry.objectType] ?? []).includes(p));
      if (extra.length === 0) continue;
      const where = entry.schema === null ? '' : ` IN SCHEMA ${roleSql(entry.schema)}`;
      report({
        message: `default privileges of ${entry.role}${entry.schema === null ? '' : ` in schema ${entry.schema}`} grant ${extra.join(', ')} on every new ${entry.objectType.replace(/s$/, '')} to PUBLIC`,
        location: { object: entry.role, kind: 'role' },
        fix: `ALTER DEFAULT PRIVILEGES FOR ROLE ${roleSql(entry.role)}${where} REVOKE ${extra.join(', ')} ON ${entry.objectType.toUpperCase()} FROM PUBLIC;`,
        evidence: { role: entry.role, schema: entry.schema, objectType: entry.objectType, public: extra },
      });
    }
  },
});
