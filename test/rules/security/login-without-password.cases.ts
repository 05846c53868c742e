import rule from '../../../src/rules/security/login-without-password.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'login roles with passwords, a NOLOGIN role without, and the bootstrap superuser',
      security: `CREATE ROLE c_app LOGIN PASSWORD 'pw'; CREATE ROLE c_group NOLOGIN`,
    },
  ],
  invalid: [
    {
      name: 'a login role without a password',
      security: `CREATE ROLE c_forgotten LOGIN`,
      findings: [{ object: 'c_forgotten', fix: /ALTER ROLE c_forgotten NOLOGIN;/ }],
    },
  ],
});
