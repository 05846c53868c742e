import rule from '../../../src/rules/security/connected-role-privileges.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { name: 'connected as the bootstrap superuser (an audit)', security: 'SELECT 1' },
    {
      name: 'connected as a role with pg_monitor only',
      security: `CREATE ROLE c_auditor LOGIN PASSWORD 'pw'; GRANT pg_monitor TO c_auditor`,
      as: 'c_auditor',
    },
  ],
  invalid: [
    {
      name: 'connected as a role with CREATEROLE and a path to the server files',
      security: `CREATE ROLE c_files NOLOGIN; GRANT pg_read_server_files TO c_files;
        CREATE ROLE c_app LOGIN CREATEROLE PASSWORD 'pw'; GRANT c_files TO c_app`,
      as: 'c_app',
      findings: [{ object: 'c_app', fix: null, message: /has CREATEROLE; can read any file/ }],
    },
  ],
});
