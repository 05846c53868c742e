import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';
import { roleSql } from '../../security/sql.js';

export default defineRule<SecurityModel>({
  id: 'security/extension-in-public',
  category: 'security',
  model: 'security',
  defaultSeverity: 'info',
  summary: 'An extension installed in schema public',
  reportsOn: ['extension'],
  docs: {
    why: "An extension's functions and operators in `public` sit on every role's search_path beside the application's own objects: a role that may create in `public` (every role before PostgreSQL 15) can shadow them, and the application's names collide with theirs. Installing extensions into a schema of their own (`extensions`) keeps them apart and lets you grant USAGE on it deliberately.",
    howToFix:
      'CREATE SCHEMA IF NOT EXISTS extensions; ALTER EXTENSION name SET SCHEMA extensions; then add `extensions` to the search_path of the roles that use it (ALTER ROLE … SET search_path = "$user", public, extensions) or qualify the calls. Extensions that are not relocatable (PostGIS and others) must be dropped and created again in the new schema.',
  },
  check({ model, report }) {
    for (const extension of model.extensions) {
      if (extension.schema !== 'public') continue;
      report({
        message: `extension ${extension.name} is installed in schema public${extension.relocatable ? '' : ' (not relocatable: it must be created again in another schema)'}`,
        location: { object: extension.name, kind: 'extension' },
        fix: extension.relocatable
          ? `CREATE SCHEMA IF NOT EXISTS extensions;\nALTER EXTENSION ${roleSql(extension.name)} SET SCHEMA extensions;\n-- then put extensions on the search_path of the roles that call it`
          : null,
        evidence: { extension: extension.name, schema: extension.schema, relocatable: extension.relocatable },
      });
    }
  },
});
