import rule from '../../../src/rules/security/password-encryption.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [{ name: 'scram-sha-256 (the default)', security: 'SELECT 1' }],
  invalid: [
    {
      name: 'md5 in the server configuration',
      security: 'SELECT 1',
      system: { password_encryption: "'md5'" },
      findings: [
        { object: 'password_encryption', fix: /ALTER SYSTEM SET password_encryption = 'scram-sha-256';/ },
      ],
    },
  ],
});
