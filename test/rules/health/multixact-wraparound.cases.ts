import rule from '../../../src/rules/health/multixact-wraparound.js';
import { healthFacts } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [{ name: 'MultiXacts 10 old', model: healthFacts() }],
  invalid: [
    {
      name: '1.2 billion MultiXacts old while the XIDs look fine',
      model: healthFacts({
        wraparound: {
          ...healthFacts().wraparound,
          databases: [{ name: 'shop', xidAge: 1000, mxidAge: 1_200_000_000 }],
        },
      }),
      findings: [{ object: 'shop', severity: 'warning', message: /MultiXact ID/ }],
    },
  ],
});
