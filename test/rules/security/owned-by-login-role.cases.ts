import rule from '../../../src/rules/security/owned-by-login-role.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'a NOLOGIN owner; a login role that owns its own schema; the bootstrap superuser',
      security: `CREATE ROLE c_owner NOLOGIN; CREATE SCHEMA app AUTHORIZATION c_owner;
        CREATE TABLE app.t (id int); ALTER TABLE app.t OWNER TO c_owner;
        CREATE ROLE c_dev LOGIN PASSWORD 'pw'; CREATE SCHEMA dev AUTHORIZATION c_dev;
        CREATE TABLE dev.t (id int); ALTER TABLE dev.t OWNER TO c_dev; CREATE TABLE public.p (id int)`,
    },
  ],
  invalid: [
    {
      name: "the application's login role owns tables in a schema of a NOLOGIN owner",
      security: `CREATE ROLE c_owner NOLOGIN; CREATE SCHEMA app AUTHORIZATION c_owner;
        CREATE ROLE c_app LOGIN PASSWORD 'pw';
        CREATE TABLE app.orders (id int); CREATE VIEW app.v AS SELECT 1 AS x;
        ALTER TABLE app.orders OWNER TO c_app; ALTER VIEW app.v OWNER TO c_app`,
      findings: [
        {
          object: 'app.orders',
          fix: 'ALTER TABLE app.orders OWNER TO c_owner;\nALTER VIEW app.v OWNER TO c_owner;',
        },
      ],
    },
    {
      name: 'in public, owned by the database owner: no owner to move them to',
      security: `CREATE ROLE c_app LOGIN PASSWORD 'pw'; CREATE TABLE public.t (id int); ALTER TABLE public.t OWNER TO c_app`,
      findings: [{ object: 'public.t', fix: null }],
    },
  ],
});
