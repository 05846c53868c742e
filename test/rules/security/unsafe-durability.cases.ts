import rule from '../../../src/rules/security/unsafe-durability.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'fsync and full_page_writes on',
      security: 'SELECT 1',
      system: { fsync: 'on', full_page_writes: 'on' },
    },
  ],
  invalid: [
    {
      name: 'both off: two findings about the server',
      security: 'SELECT 1',
      system: { fsync: 'off', full_page_writes: 'off' },
      findings: [
        {
          object: 'fsync',
          severity: 'error',
          fix: "ALTER SYSTEM SET fsync = 'on';\nSELECT pg_reload_conf();",
        },
        { object: 'full_page_writes', severity: 'error' },
      ],
    },
  ],
});
