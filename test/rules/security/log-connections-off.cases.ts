import rule from '../../../src/rules/security/log-connections-off.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [{ name: 'log_connections on', security: 'SELECT 1' }],
  invalid: [
    {
      name: 'log_connections off',
      security: 'SELECT 1',
      system: { log_connections: 'off' },
      findings: [
        {
          object: 'log_connections',
          fix: "ALTER SYSTEM SET log_connections = 'on';\nSELECT pg_reload_conf();",
        },
      ],
    },
  ],
});
