import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';
import { roleSql, routineSql } from '../../security/sql.js';

export default defineRule<SecurityModel>({
  id: 'security/security-definer-search-path',
  category: 'security',
  model: 'security',
  defaultSeverity: 'warning',
  summary: 'A SECURITY DEFINER function without a pinned search_path',
  reportsOn: ['function'],
  docs: {
    why: "A SECURITY DEFINER function runs with its owner's privileges but, without its own search_path, resolves the unqualified names in its body through the caller's search_path. A caller who can create objects in any schema on that path (or in pg_temp, which is searched first for relations unless listed) plants a table, function or operator with the same name and has it run with the owner's privileges. PostgreSQL's documentation says to pin search_path on every SECURITY DEFINER function, with pg_temp last.",
    howToFix:
      'ALTER FUNCTION f(…) SET search_path = the_schemas_it_uses, pg_temp — only schemas that untrusted roles cannot write to — and qualify the names in the body where you can. Also revoke EXECUTE from PUBLIC and grant it only to the roles that should call it.',
    examples: {
      bad: 'CREATE FUNCTION app.add_credit(…) … SECURITY DEFINER AS $$ UPDATE accounts … $$;',
      good: 'CREATE FUNCTION app.add_credit(…) … SECURITY DEFINER SET search_path = app, pg_temp AS $$ UPDATE accounts … $$;',
    },
  },
  check({ model, report }) {
    for (const routine of model.functions) {
      if (!routine.securityDefiner) continue;
      if (routine.config.some((c) => c.toLowerCase().startsWith('search_path='))) continue;
      report({
        message: `SECURITY DEFINER ${routine.kind} ${routine.schema}.${routine.name}(${routine.arguments}) has no search_path of its own: a caller who can create objects on their search_path can make it run their code as ${routine.owner}`,
        location: { object: `${routine.schema}.${routine.name}(${routine.arguments})`, kind: 'function' },
        severity: routine.publicExecute ? 'error' : 'warning',
        fix: `ALTER ROUTINE ${routineSql(routine)} SET search_path = ${roleSql(routine.schema)}, pg_temp;`,
        evidence: {
          function: `${routine.schema}.${routine.name}(${routine.arguments})`,
          owner: routine.owner,
          config: routine.config,
          publicExecute: routine.publicExecute,
        },
      });
    }
  },
});
