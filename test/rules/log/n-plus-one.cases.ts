import rule from '../../../src/rules/log/n-plus-one.js';
import { logLine, logModel, statements } from '../../helpers/log-model.js';
import { defineCases } from '../../helpers/rule-tester.js';

const ids = [3, 8, 11, 19, 24, 31];
const lookups = (pid: number, keys: readonly number[]) =>
  keys.flatMap((id, i) => [
    logLine(
      1 + i / 100,
      pid,
      'LOG',
      'duration: 0.050 ms  execute <unnamed>: SELECT id, total FROM orders WHERE customer_id = $1',
    ),
    logLine(1 + i / 100, pid, 'DETAIL', `parameters: $1 = '${id}'`),
  ]);

export default defineCases(rule, {
  valid: [
    {
      name: 'a batch job reads then writes each item: a loop, not an N+1',
      model: logModel(
        ids.flatMap((id, i) =>
          statements(i, 42, [
            `SELECT status FROM jobs WHERE id = ${id}`,
            `UPDATE jobs SET status = 'done' WHERE id = ${id}`,
          ]),
        ),
      ),
    },
    {
      name: 'polling one row: the same parameters each time',
      model: logModel(lookups(42, [7, 7, 7, 7, 7, 7, 7])),
    },
    { name: 'four lookups in a row: under minRepeats (5)', model: logModel(lookups(42, [1, 2, 3, 4])) },
    {
      name: 'the same lookups from six sessions',
      model: logModel(ids.flatMap((id, i) => lookups(100 + i, [id]))),
    },
  ],
  invalid: [
    {
      name: 'a list, then one lookup per customer in the same session',
      model: logModel([
        ...statements(0.5, 42, ['SELECT id FROM customers ORDER BY id LIMIT 6']),
        ...lookups(42, ids),
      ]),
      findings: [
        {
          object: 'SELECT id, total FROM orders WHERE customer_id = $1',
          severity: 'warning',
          message: /ran 6 times in a row in session 6632a0f0\.2a, one customer_id at a time/,
          fix: 'SELECT customer_id, id, total FROM orders WHERE customer_id = ANY($1)',
        },
      ],
    },
    {
      name: 'lookups sent with literals, inside transactions',
      model: logModel(
        ids.flatMap((id, i) =>
          statements(i, 43, ['BEGIN', `SELECT * FROM users WHERE id = ${id}`, 'COMMIT']),
        ),
      ),
      findings: [
        { object: 'SELECT * FROM users WHERE id = $1', fix: 'SELECT * FROM users WHERE id = ANY($1)' },
      ],
    },
  ],
});
