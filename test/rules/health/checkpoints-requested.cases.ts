import rule from '../../../src/rules/health/checkpoints-requested.js';
import { healthFacts } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { name: 'mostly timed', model: healthFacts() },
    {
      name: 'a fresh server: 3 checkpoints',
      model: healthFacts({ checkpoints: { timed: 0, requested: 3, since: null } }),
    },
  ],
  invalid: [
    {
      name: '80 of 100 requested',
      model: healthFacts({ checkpoints: { timed: 20, requested: 80, since: '2026-11-01T10:00:00+00:00' } }),
      findings: [
        {
          object: 'shop',
          message: /^80 of 100 checkpoints \(80%\)/,
          fix: "ALTER SYSTEM SET max_wal_size = '2GB';\nSELECT pg_reload_conf();",
        },
      ],
    },
    {
      name: '25 of 100 requested: over a fifth, as tune judges the same counters',
      model: healthFacts({ checkpoints: { timed: 75, requested: 25, since: null } }),
      findings: [{ object: 'shop', message: /^25 of 100 checkpoints \(25%\)/ }],
    },
  ],
});
