import rule from '../../../src/rules/health/xid-wraparound.js';
import { healthFacts } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

const databases = (xidAge: number) => [{ name: 'shop', xidAge, mxidAge: 10 }];

export default defineCases(rule, {
  valid: [
    { name: '5 million old', model: healthFacts() },
    {
      name: 'sampled: 50 million old and slow consumption',
      model: healthFacts({
        wraparound: { ...healthFacts().wraparound, databases: databases(50_000_000), xidPerSecond: 10 },
      }),
    },
  ],
  invalid: [
    {
      name: 'past 90% of autovacuum_freeze_max_age: info',
      model: healthFacts({ wraparound: { ...healthFacts().wraparound, databases: databases(190_000_000) } }),
      findings: [{ object: 'shop', severity: 'info', fix: 'VACUUM (FREEZE, VERBOSE);' }],
    },
    {
      name: '1.2 billion old: half way to wraparound',
      model: healthFacts({
        wraparound: { ...healthFacts().wraparound, databases: databases(1_200_000_000) },
      }),
      findings: [{ severity: 'warning', message: /--sample/ }],
    },
    {
      name: 'sampled: 300 million old at 1,000 XIDs a second is 21 days away',
      model: healthFacts({
        wraparound: { ...healthFacts().wraparound, databases: databases(300_000_000), xidPerSecond: 1000 },
      }),
      findings: [{ severity: 'warning', message: /stops accepting writes in 2[0-9]\.\d days/ }],
    },
    {
      name: '1.7 billion old',
      model: healthFacts({
        wraparound: { ...healthFacts().wraparound, databases: databases(1_700_000_000) },
      }),
      findings: [{ severity: 'error' }],
    },
  ],
});
