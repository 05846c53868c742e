import rule from '../../../src/rules/security/public-grant.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'grants to roles; the default EXECUTE on an ordinary function; an extension’s objects',
      security: `CREATE ROLE c_app NOLOGIN; CREATE TABLE t (id int); GRANT SELECT ON t TO c_app;
        CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';
        CREATE FUNCTION d() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = public AS 'SELECT 1';
        REVOKE EXECUTE ON FUNCTION d() FROM PUBLIC; CREATE EXTENSION pg_stat_statements`,
    },
  ],
  invalid: [
    {
      name: 'a table writable by PUBLIC, a sequence and a SECURITY DEFINER function',
      security: `CREATE TABLE t (id int); GRANT SELECT, DELETE ON t TO PUBLIC;
        CREATE SEQUENCE s; GRANT USAGE ON SEQUENCE s TO PUBLIC;
        CREATE FUNCTION d(a int) RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = public AS 'SELECT a'`,
      findings: [
        { object: 'public.s', severity: 'warning', fix: 'REVOKE ALL ON SEQUENCE public.s FROM PUBLIC;' },
        { object: 'public.t', severity: 'error', fix: 'REVOKE ALL ON TABLE public.t FROM PUBLIC;' },
        {
          object: 'public.d(a integer)',
          severity: 'error',
          fix: 'REVOKE EXECUTE ON ROUTINE public.d(a integer) FROM PUBLIC;',
        },
      ],
    },
  ],
});
