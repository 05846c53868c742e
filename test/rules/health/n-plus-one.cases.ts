import rule from '../../../src/rules/health/n-plus-one.js';
import { healthFacts } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

const row = {
  queryId: '7',
  query: 'SELECT * FROM customers WHERE id = $1',
  user: 'app',
  calls: 20_000,
  rows: 20_000,
  totalMs: 1200,
  meanMs: 0.06,
};

export default defineCases(rule, {
  valid: [
    {
      name: 'a query returning many rows per call',
      model: healthFacts({ statements: { totalMs: 5000, rows: [{ ...row, rows: 2_000_000 }] } }),
    },
    {
      name: 'an UPDATE by key (not a fetch loop)',
      model: healthFacts({
        statements: {
          totalMs: 5000,
          rows: [{ ...row, query: 'UPDATE customers SET seen = now() WHERE id = $1' }],
        },
      }),
    },
  ],
  invalid: [
    {
      name: '20,000 calls of one row each',
      model: healthFacts({ statements: { totalMs: 5000, rows: [row] } }),
      findings: [{ object: 'query 7', severity: 'info', message: /20,000 times for 1.00 rows per call/ }],
    },
  ],
});
