import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';
import { roleSql } from '../../security/sql.js';

export default defineRule<SecurityModel>({
  id: 'security/public-schema-create',
  category: 'security',
  model: 'security',
  defaultSeverity: 'warning',
  summary: 'Every role may create objects in a schema (CREATE granted to PUBLIC)',
  reportsOn: ['schema'],
  docs: {
    why: "When PUBLIC has CREATE on a schema that is on other roles' search_path, any role can create a function or operator there that shadows the one another role meant to call — with a better-matching argument type — and run code with that role's privileges (CVE-2018-1058). Before PostgreSQL 15 every database's `public` schema grants CREATE to PUBLIC; from 15 it does not, unless someone granted it back.",
    howToFix:
      'REVOKE CREATE ON SCHEMA public FROM PUBLIC, and grant CREATE only to the role that owns the application’s objects (the migrations role).',
  },
  check({ model, report }) {
    for (const schema of model.schemas) {
      if (!schema.grants.some((g) => g.grantee === null && g.privilege === 'CREATE')) continue;
      report({
        message: `every role may create objects in schema ${schema.name} (CREATE granted to PUBLIC): one can plant a function or operator that another role's queries then run with that role's privileges`,
        location: { object: schema.name, kind: 'schema' },
        fix: `REVOKE CREATE ON SCHEMA ${roleSql(schema.name)} FROM PUBLIC;`,
        evidence: { schema: schema.name, owner: schema.owner, grantee: 'PUBLIC', privilege: 'CREATE' },
      });
    }
  },
});
