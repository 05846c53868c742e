import rule from '../../../src/rules/security/md5-password.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'a SCRAM password',
      security: `CREATE ROLE c_app LOGIN PASSWORD 'pw'`,
    },
    {
      name: 'audited without superuser: pg_authid is not read, the rule is skipped',
      security: `SET password_encryption = 'md5'; CREATE ROLE c_old LOGIN PASSWORD 'pw';
        CREATE ROLE c_auditor LOGIN PASSWORD 'pw'`,
      as: 'c_auditor',
    },
  ],
  invalid: [
    {
      name: 'an MD5 hash',
      security: `SET password_encryption = 'md5'; CREATE ROLE c_old LOGIN PASSWORD 'pw'`,
      findings: [{ object: 'c_old', fix: null, message: /MD5 password hash/ }],
    },
  ],
});
