import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';
import { relationSql, routineSql } from '../../security/sql.js';

const WRITES = new Set(['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', 'MAINTAIN']);

export default defineRule<SecurityModel>({
  id: 'security/public-grant',
  category: 'security',
  model: 'security',
  defaultSeverity: 'warning',
  summary:
    'A table, view or sequence granted to PUBLIC, or a SECURITY DEFINER function every role may execute',
  reportsOn: ['table', 'view', 'sequence', 'function'],
  docs: {
    why: "A privilege granted to PUBLIC is granted to every role that exists and every role created later, including the ones meant to see nothing. Writes granted to PUBLIC let any role change or empty the table. Functions are different: PostgreSQL grants EXECUTE to PUBLIC on every new function, which is harmless for an ordinary function (it runs with the caller's privileges) — so those are left out — but a SECURITY DEFINER function runs with its owner's privileges, so PUBLIC's EXECUTE lends the owner's rights to everyone. PostgreSQL's own schemas and extensions' objects are left out.",
    howToFix:
      'REVOKE ALL ON TABLE t FROM PUBLIC (or REVOKE EXECUTE ON FUNCTION f(…) FROM PUBLIC) and grant to the roles that need it. Stop new functions from being executable by everyone with ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC.',
  },
  check({ model, report }) {
    for (const relation of model.relations) {
      if (relation.publicGrants.length === 0) continue;
      const writes = relation.publicGrants.filter((p) => WRITES.has(p));
      const keyword = relation.kind === 'sequence' ? 'SEQUENCE' : 'TABLE';
      report({
        message: `${relation.kind} ${relation.schema}.${relation.name} grants ${relation.publicGrants.join(', ')} to PUBLIC: every role, present and future, ${writes.length > 0 ? 'may change it' : 'may read it'}`,
        location: {
          object: `${relation.schema}.${relation.name}`,
          kind:
            relation.kind === 'sequence'
              ? 'sequence'
              : relation.kind === 'view' || relation.kind === 'materialized view'
                ? 'view'
                : 'table',
        },
        severity: writes.length > 0 ? 'error' : 'warning',
        fix: `REVOKE ALL ON ${keyword} ${relationSql(relation)} FROM PUBLIC;`,
        evidence: {
          object: `${relation.schema}.${relation.name}`,
          kind: relation.kind,
          owner: relation.owner,
          public: relation.publicGrants,
        },
      });
    }
    for (const routine of model.functions) {
      if (!routine.securityDefiner || !routine.publicExecute) continue;
      const owner = model.role(routine.owner);
      report({
        message: `SECURITY DEFINER ${routine.kind} ${routine.schema}.${routine.name}(${routine.arguments}) is executable by PUBLIC: every role runs it with the privileges of ${routine.owner}${owner?.superuser ? ', a superuser' : ''}`,
        location: { object: `${routine.schema}.${routine.name}(${routine.arguments})`, kind: 'function' },
        severity: owner?.superuser ? 'error' : 'warning',
        fix: `REVOKE EXECUTE ON ROUTINE ${routineSql(routine)} FROM PUBLIC;`,
        evidence: {
          function: `${routine.schema}.${routine.name}(${routine.arguments})`,
          owner: routine.owner,
          securityDefiner: true,
        },
      });
    }
  },
});
