import rule from '../../../src/rules/log/slow-query.js';
import { logModel, statements } from '../../helpers/log-model.js';
import { defineCases } from '../../helpers/rule-tester.js';

const fast = Array.from({ length: 100 }, (_, i) => `SELECT * FROM orders WHERE id = ${i}`);

export default defineCases(rule, {
  valid: [
    {
      name: 'a slow COPY and VACUUM: utility statements',
      model: logModel(statements(0, 42, ['COPY orders FROM STDIN', 'VACUUM ANALYZE orders'], 2500, 3)),
    },
    {
      name: 'one slow call in a hundred: the p95 is fast',
      model: logModel([
        ...statements(0, 42, fast, 1),
        ...statements(5, 42, ['SELECT * FROM orders WHERE id = 7'], 900),
      ]),
    },
  ],
  invalid: [
    {
      name: 'a slow VACUUM, with includeUtility',
      options: { includeUtility: true },
      model: logModel(statements(0, 42, ['VACUUM ANALYZE orders'], 2500)),
      findings: [{ object: 'VACUUM ANALYZE orders', message: /is slow: p95 2\.\d+ s/ }],
    },
    {
      name: 'a report that takes 800 ms every time',
      model: logModel([
        ...statements(0, 42, fast, 1),
        ...statements(10, 43, ["SELECT sum(total) FROM orders WHERE created_at > '2024-01-01'"], 800, 1),
        ...statements(11, 43, ["SELECT sum(total) FROM orders WHERE created_at > '2024-02-01'"], 820, 1),
      ]),
      findings: [
        {
          object: 'SELECT sum(total) FROM orders WHERE created_at > $1',
          message: /is slow: p95 8\d\d ms, max 820 ms, mean 810 ms over 2 calls/,
          fix: null,
        },
      ],
    },
  ],
});
