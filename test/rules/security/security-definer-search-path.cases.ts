import rule from '../../../src/rules/security/security-definer-search-path.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'a pinned search_path, and an ordinary function without one',
      security: `CREATE FUNCTION d() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS 'SELECT 1';
        CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'`,
    },
  ],
  invalid: [
    {
      name: 'SECURITY DEFINER without search_path: executable by PUBLIC is an error',
      security: `CREATE SCHEMA app; CREATE FUNCTION app.d() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1';
        CREATE PROCEDURE app.p() LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'; REVOKE EXECUTE ON PROCEDURE app.p() FROM PUBLIC`,
      findings: [
        {
          object: 'app.d()',
          severity: 'error',
          fix: 'ALTER ROUTINE app.d() SET search_path = app, pg_temp;',
        },
        {
          object: 'app.p()',
          severity: 'warning',
          fix: 'ALTER ROUTINE app.p() SET search_path = app, pg_temp;',
        },
      ],
    },
  ],
});
