import rule from '../../../src/rules/security/ssl-off.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { name: 'ssl on', security: 'SELECT 1', system: { listen_addresses: "'*'" } },
    { name: 'ssl off, listening on the loopback only', security: 'SELECT 1', system: { ssl: 'off' } },
  ],
  invalid: [
    {
      name: 'ssl off, listening on every interface',
      security: 'SELECT 1',
      system: { ssl: 'off', listen_addresses: "'*'" },
      findings: [{ object: 'ssl', fix: /ALTER SYSTEM SET ssl = 'on';/ }],
    },
  ],
});
