import rule from '../../../src/rules/security/listen-all-addresses.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'listening on named addresses',
      security: 'SELECT 1',
      system: { listen_addresses: "'127.0.0.1, localhost'" },
    },
  ],
  invalid: [
    {
      name: "listen_addresses = '*' (the fix takes effect after a restart)",
      security: 'SELECT 1',
      system: { listen_addresses: "'*'" },
      findings: [{ object: 'listen_addresses', fix: /ALTER SYSTEM SET listen_addresses = 'localhost';/ }],
    },
  ],
});
