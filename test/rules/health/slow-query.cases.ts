import rule from '../../../src/rules/health/slow-query.js';
import { healthFacts } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

const row = {
  queryId: '42',
  query: 'SELECT * FROM orders WHERE status = $1',
  user: 'app',
  calls: 500,
  rows: 5000,
  totalMs: 1000,
  meanMs: 2,
};

export default defineCases(rule, {
  valid: [
    { name: 'fast queries', model: healthFacts({ statements: { totalMs: 10_000, rows: [row] } }) },
    { name: 'no pg_stat_statements', model: healthFacts() },
  ],
  invalid: [
    {
      name: '45 ms on average over 500 calls',
      model: healthFacts({
        statements: { totalMs: 100_000, rows: [{ ...row, meanMs: 45, totalMs: 22_500 }] },
      }),
      findings: [{ object: 'query 42', message: /45 ms on average over 500 calls/ }],
    },
  ],
});
