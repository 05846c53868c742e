import rule from '../../../src/rules/security/dangerous-membership.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'ordinary groups; a powerful group without login members; a superuser member',
      security: `CREATE ROLE c_readers NOLOGIN; CREATE ROLE c_app LOGIN PASSWORD 'pw'; GRANT c_readers TO c_app;
        CREATE ROLE c_ops NOLOGIN; GRANT pg_execute_server_program TO c_ops;
        CREATE ROLE c_dba LOGIN SUPERUSER PASSWORD 'pw'; GRANT c_ops TO c_dba`,
    },
  ],
  invalid: [
    {
      name: 'a chain to pg_execute_server_program, and membership in a superuser role',
      security: `CREATE ROLE c_ops NOLOGIN; GRANT pg_execute_server_program TO c_ops;
        CREATE ROLE c_web LOGIN PASSWORD 'pw'; GRANT c_ops TO c_web;
        CREATE ROLE c_root NOLOGIN SUPERUSER; CREATE ROLE c_dev LOGIN PASSWORD 'pw'; GRANT c_root TO c_dev`,
      findings: [
        {
          object: 'c_dev',
          severity: 'error',
          fix: 'REVOKE c_root FROM c_dev;',
          message: /become a superuser/,
        },
        {
          object: 'c_web',
          severity: 'error',
          fix: 'REVOKE c_ops FROM c_web;',
          message:
            'role c_web can log in and, as a member of c_ops → pg_execute_server_program, can run any program on the database server as the account PostgreSQL runs as (COPY … TO PROGRAM)',
        },
      ],
    },
  ],
});
