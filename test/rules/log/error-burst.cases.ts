import rule from '../../../src/rules/log/error-burst.js';
import { logLine, logModel } from '../../helpers/log-model.js';
import { defineCases } from '../../helpers/rule-tester.js';

const divisions = (gap: number) =>
  Array.from({ length: 10 }, (_, i) => [
    logLine(i * gap, 42, 'ERROR', 'division by zero', '22012'),
    logLine(i * gap, 42, 'STATEMENT', 'SELECT 1 / 0'),
  ]).flat();

export default defineCases(rule, {
  valid: [
    { name: 'ten errors, one a minute', model: logModel(divisions(61)) },
    {
      name: 'nine errors in a minute: under minPerMinute (10)',
      model: logModel(divisions(1).slice(0, 18)),
    },
  ],
  invalid: [
    {
      name: 'ten division-by-zero errors within a minute',
      model: logModel(divisions(1)),
      findings: [
        {
          object: 'server',
          severity: 'warning',
          message:
            'ERROR 22012 "division by zero" 10 times, up to 10 in one minute (2024-05-01T10:00:00.000Z), e.g. on "SELECT 1 / 0"',
        },
      ],
    },
    {
      name: 'a PANIC, once',
      model: logModel([
        logLine(
          1,
          7,
          'PANIC',
          'could not write to file "pg_wal/xlogtemp.7": No space left on device',
          '53100',
        ),
      ]),
      findings: [{ severity: 'error', message: /^PANIC 53100 "could not write to file/ }],
    },
  ],
});
