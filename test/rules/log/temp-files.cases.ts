import rule from '../../../src/rules/log/temp-files.js';
import { logLine, logModel, statements } from '../../helpers/log-model.js';
import { defineCases } from '../../helpers/rule-tester.js';

const spill = (bytes: number) => [
  logLine(1, 42, 'LOG', `temporary file: path "base/pgsql_tmp/pgsql_tmp42.0", size ${bytes}`),
  logLine(1, 42, 'STATEMENT', 'SELECT * FROM orders ORDER BY total DESC'),
  ...statements(1.2, 42, ['SELECT * FROM orders ORDER BY total DESC'], 950),
];

export default defineCases(rule, {
  valid: [
    { name: 'a 1 MB spill: under minBytes (10 MB)', model: logModel(spill(1024 * 1024)) },
    {
      name: 'no temporary file',
      model: logModel(statements(0, 42, ['SELECT * FROM orders ORDER BY total DESC'])),
    },
  ],
  invalid: [
    {
      name: 'a sort that writes 20 MB to disk',
      model: logModel(spill(20 * 1024 * 1024)),
      findings: [
        {
          object: 'SELECT * FROM orders ORDER BY total DESC',
          message:
            /wrote 1 temporary file, 20 MB in all \(largest 20 MB\).*work_mem = 128MB keeps them in memory/,
          fix: "SET work_mem = '128MB';",
        },
      ],
    },
  ],
});
