import rule from '../../../src/rules/migration/applied-file-missing.js';
import { defineCases } from '../../helpers/rule-tester.js';

const A = '-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n';
const B = '-- migrate:up\nCREATE TABLE b (id int);\n-- migrate:down\nDROP TABLE b;\n';

export default defineCases(rule, {
  valid: [
    {
      name: 'a pending file is not missing',
      applied: { '20240101000000_a.sql': A },
      afterwards: { '20240102000000_b.sql': B },
    },
  ],
  invalid: [
    {
      name: 'an applied file deleted',
      applied: { '20240101000000_a.sql': A, '20240102000000_b.sql': B },
      afterwards: { '20240102000000_b.sql': null },
      findings: [
        {
          object: '20240102000000_b',
          message: /20240102000000 \(b\) is recorded as applied but has no file/,
          fix: /DELETE FROM "pgwarden"\."migrations" WHERE version = '20240102000000';/,
        },
      ],
    },
  ],
});
