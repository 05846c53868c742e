import rule from '../../../src/rules/security/extension-in-public.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'an extension in a schema of its own',
      security: 'CREATE SCHEMA extensions; CREATE EXTENSION pgcrypto SCHEMA extensions',
    },
  ],
  invalid: [
    {
      name: 'pgcrypto in public',
      security: 'CREATE EXTENSION pgcrypto',
      findings: [{ object: 'pgcrypto', fix: /ALTER EXTENSION pgcrypto SET SCHEMA extensions;/ }],
    },
  ],
});
