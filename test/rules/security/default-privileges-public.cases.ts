import rule from '../../../src/rules/security/default-privileges-public.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'default privileges to a role; the built-in EXECUTE on functions kept',
      security: `CREATE ROLE c_app NOLOGIN; ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO c_app;
        ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO c_app`,
    },
  ],
  invalid: [
    {
      name: 'every new table readable by PUBLIC, in one schema',
      security: `CREATE ROLE c_owner NOLOGIN; CREATE SCHEMA app;
        ALTER DEFAULT PRIVILEGES FOR ROLE c_owner IN SCHEMA app GRANT SELECT, INSERT ON TABLES TO PUBLIC`,
      findings: [
        {
          object: 'c_owner',
          fix: 'ALTER DEFAULT PRIVILEGES FOR ROLE c_owner IN SCHEMA app REVOKE INSERT, SELECT ON TABLES FROM PUBLIC;',
        },
      ],
    },
  ],
});
