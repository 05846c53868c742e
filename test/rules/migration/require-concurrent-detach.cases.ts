import rule from '../../../src/rules/migration/require-concurrent-detach.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      sql: 'ALTER TABLE events DETACH PARTITION events_2025 CONCURRENTLY;',
      noTransaction: true,
      pgVersion: 14,
    },
    {
      sql: 'ALTER TABLE events DETACH PARTITION events_2025;',
      name: 'no CONCURRENTLY before 14: the rule does not apply',
      pgVersion: 13,
    },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE events DETACH PARTITION events_2025;',
      pgVersion: 14,
      findings: [{ fix: /DETACH PARTITION events_2025 CONCURRENTLY;/ }],
    },
  ],
});
