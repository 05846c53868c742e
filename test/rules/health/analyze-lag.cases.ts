import rule from '../../../src/rules/health/analyze-lag.js';
import { healthFacts, table } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { name: 'few changes', model: healthFacts() },
    {
      name: 'many changes, analyzed a minute ago',
      model: healthFacts({ tables: [table({ modifiedSinceAnalyze: 50_000, lastAnalyzeSeconds: 60 })] }),
    },
  ],
  invalid: [
    {
      name: 'never analyzed after a load of 50,000 rows',
      model: healthFacts({ tables: [table({ modifiedSinceAnalyze: 50_000, lastAnalyzeSeconds: null })] }),
      findings: [
        {
          object: 'public.orders',
          severity: 'info',
          fix: 'ANALYZE public.orders;',
          message: /never analyzed/,
        },
      ],
    },
  ],
});
