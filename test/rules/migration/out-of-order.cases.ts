import rule from '../../../src/rules/migration/out-of-order.js';
import { defineCases } from '../../helpers/rule-tester.js';

const A = '-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n';
const B = '-- migrate:up\nCREATE TABLE b (id int);\n-- migrate:down\nDROP TABLE b;\n';

export default defineCases(rule, {
  valid: [
    {
      name: 'a pending migration newer than the applied ones',
      applied: { '20240101000000_a.sql': A },
      afterwards: { '20240102000000_b.sql': B },
    },
  ],
  invalid: [
    {
      name: 'a branch merged after a newer migration was applied',
      applied: { '20240102000000_b.sql': B },
      afterwards: { '20240101000000_a.sql': A },
      findings: [
        {
          line: 1,
          severity: 'warning',
          message: /20240101000000_a is pending but older than 20240102000000_b/,
        },
      ],
    },
  ],
});
