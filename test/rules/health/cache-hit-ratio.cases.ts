import rule from '../../../src/rules/health/cache-hit-ratio.js';
import { healthFacts } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { name: '99.9% hits', model: healthFacts() },
    {
      name: 'too few reads to judge',
      model: healthFacts({
        activity: { ...healthFacts().activity, tableBlocksHit: 10, tableBlocksRead: 90 },
      }),
    },
  ],
  invalid: [
    {
      name: 'tables at 80%',
      model: healthFacts({
        activity: { ...healthFacts().activity, tableBlocksHit: 800_000, tableBlocksRead: 200_000 },
      }),
      findings: [{ object: 'shop', message: /^80% of table block reads/ }],
    },
  ],
});
