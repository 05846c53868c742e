import rule from '../../../src/rules/health/vacuum-lag.js';
import { healthFacts, table } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { name: 'a few dead rows', model: healthFacts() },
    {
      name: 'over the threshold, vacuumed 5 minutes ago (autovacuum is on it)',
      model: healthFacts({ tables: [table({ deadTuples: 30_000, lastVacuumSeconds: 300 })] }),
    },
  ],
  invalid: [
    {
      name: 'autovacuum disabled for the table: 5,000 dead rows over a threshold of 1,050',
      model: healthFacts({
        tables: [
          table({
            name: 'public.events',
            deadTuples: 5000,
            liveTuples: 5000,
            vacuumThreshold: 1050,
            autovacuumEnabled: false,
            lastVacuumSeconds: null,
            reloptions: ['autovacuum_enabled=false'],
          }),
        ],
      }),
      findings: [
        {
          object: 'public.events',
          severity: 'warning',
          fix: 'VACUUM (VERBOSE, ANALYZE) public.events;\nALTER TABLE public.events RESET (autovacuum_enabled);',
          message: /autovacuum is disabled for it/,
        },
      ],
    },
    {
      name: 'ten times its threshold and not vacuumed for two days',
      model: healthFacts({ tables: [table({ deadTuples: 300_000, lastVacuumSeconds: 172_800 })] }),
      findings: [{ severity: 'error', fix: 'VACUUM (VERBOSE, ANALYZE) public.orders;' }],
    },
  ],
});
