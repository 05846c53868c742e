import rule from '../../../src/rules/security/rls-not-forced.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'forced; or not forced with a NOLOGIN owner that no login role holds',
      security: `CREATE ROLE c_owner NOLOGIN;
        CREATE TABLE a (id int); ALTER TABLE a ENABLE ROW LEVEL SECURITY; ALTER TABLE a FORCE ROW LEVEL SECURITY;
        CREATE TABLE b (id int); ALTER TABLE b ENABLE ROW LEVEL SECURITY; ALTER TABLE b OWNER TO c_owner`,
    },
  ],
  invalid: [
    {
      name: 'owned by a login role, or by a group a login role inherits',
      security: `CREATE ROLE c_app LOGIN PASSWORD 'pw'; CREATE ROLE c_owner NOLOGIN; CREATE ROLE c_job LOGIN PASSWORD 'pw';
        GRANT c_owner TO c_job;
        CREATE TABLE a (id int); ALTER TABLE a ENABLE ROW LEVEL SECURITY; ALTER TABLE a OWNER TO c_app;
        CREATE TABLE b (id int); ALTER TABLE b ENABLE ROW LEVEL SECURITY; ALTER TABLE b OWNER TO c_owner`,
      findings: [
        { object: 'public.a', fix: 'ALTER TABLE public.a FORCE ROW LEVEL SECURITY;', message: /\(c_app\)/ },
        { object: 'public.b', fix: 'ALTER TABLE public.b FORCE ROW LEVEL SECURITY;', message: /\(c_job\)/ },
      ],
    },
  ],
});
