import rule from '../../../src/rules/log/deadlock.js';
import { logLine, logModel } from '../../helpers/log-model.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'a serialization failure is not a deadlock',
      model: logModel([
        logLine(1, 42, 'ERROR', 'could not serialize access due to concurrent update', '40001'),
      ]),
    },
  ],
  invalid: [
    {
      name: 'two sessions update two rows in opposite orders',
      model: logModel([
        logLine(1, 42, 'ERROR', 'deadlock detected', '40P01'),
        logLine(
          1,
          42,
          'DETAIL',
          'Process 42 waits for ShareLock on transaction 901; blocked by process 43.\n\tProcess 43 waits for ShareLock on transaction 900; blocked by process 42.\n\tProcess 42: UPDATE accounts SET balance = balance - 10 WHERE id = 2\n\tProcess 43: UPDATE accounts SET balance = balance + 10 WHERE id = 1',
          '40P01',
        ),
        logLine(1, 42, 'STATEMENT', 'UPDATE accounts SET balance = balance - 10 WHERE id = 2', '40P01'),
      ]),
      findings: [
        {
          severity: 'error',
          message:
            'deadlock between "UPDATE accounts SET balance = balance - 10 WHERE id = 2" and "UPDATE accounts SET balance = balance + 10 WHERE id = 1", first at 2024-05-01T10:00:01.000Z: they lock the same rows in opposite orders',
        },
      ],
    },
  ],
});
