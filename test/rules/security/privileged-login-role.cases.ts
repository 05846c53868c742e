import rule from '../../../src/rules/security/privileged-login-role.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'powerful roles that cannot log in, and an ordinary login role',
      security: `CREATE ROLE c_admin NOLOGIN SUPERUSER BYPASSRLS CREATEROLE;
        CREATE ROLE c_app LOGIN PASSWORD 'pw'`,
    },
  ],
  invalid: [
    {
      name: 'a second superuser that logs in',
      security: `CREATE ROLE c_root LOGIN SUPERUSER PASSWORD 'pw'`,
      findings: [{ object: 'c_root', severity: 'error', fix: 'ALTER ROLE c_root NOSUPERUSER;' }],
    },
    {
      name: 'BYPASSRLS and CREATEROLE on a login role; REPLICATION alone is info',
      security: `CREATE ROLE c_ops LOGIN BYPASSRLS CREATEROLE PASSWORD 'pw';
        CREATE ROLE c_replica LOGIN REPLICATION PASSWORD 'pw'`,
      findings: [
        { object: 'c_ops', severity: 'warning', fix: 'ALTER ROLE c_ops NOBYPASSRLS NOCREATEROLE;' },
        { object: 'c_replica', severity: 'info', fix: 'ALTER ROLE c_replica NOREPLICATION;' },
      ],
    },
  ],
});
