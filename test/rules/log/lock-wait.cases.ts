import rule from '../../../src/rules/log/lock-wait.js';
import { logLine, logModel, statements } from '../../helpers/log-model.js';
import { defineCases } from '../../helpers/rule-tester.js';

const wait = [
  ...statements(0, 43, ['UPDATE customers SET name = name WHERE id = 2']),
  logLine(2, 42, 'LOG', 'process 42 still waiting for ShareLock on transaction 1049 after 1000.197 ms'),
  logLine(2, 42, 'DETAIL', 'Process holding the lock: 43. Wait queue: 42.'),
  logLine(2, 42, 'STATEMENT', "UPDATE customers SET name = 'x' WHERE id = 2"),
  logLine(4.5, 42, 'LOG', 'process 42 acquired ShareLock on transaction 1049 after 3500.503 ms'),
  logLine(4.5, 42, 'STATEMENT', "UPDATE customers SET name = 'x' WHERE id = 2"),
];

export default defineCases(rule, {
  valid: [
    { name: 'no lock wait logged', model: logModel(statements(0, 42, ['SELECT 1'])) },
    { name: 'a wait under minWaitMs', model: logModel(wait), options: { minWaitMs: 10_000 } },
  ],
  invalid: [
    {
      name: 'an UPDATE waited 3.5 s behind another session',
      model: logModel(wait),
      findings: [
        {
          object: "UPDATE customers SET name = 'x' WHERE id = 2",
          message:
            '"UPDATE customers SET name = \'x\' WHERE id = 2" waited 3.50 s for ShareLock on transaction 1049, held by process 43 whose last statement was "UPDATE customers SET name = name WHERE id = 2"',
        },
      ],
    },
  ],
});
