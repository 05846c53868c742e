import rule from '../../../src/rules/migration/failed-part-way.js';
import { defineCases } from '../../helpers/rule-tester.js';

const A = '-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n';

export default defineCases(rule, {
  valid: [
    {
      name: 'a transactional migration that fails leaves nothing behind',
      applied: {
        '20240101000000_a.sql': A,
        '20240102000000_b.sql':
          '-- migrate:up\nCREATE TABLE b (id int);\nSELECT 1/0;\n-- migrate:down\nDROP TABLE b;\n',
      },
    },
  ],
  invalid: [
    {
      name: 'a migration without a transaction stopped at its second statement',
      applied: {
        '20240101000000_a.sql': A,
        '20240102000000_b.sql':
          '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY a_id ON a (id);\nCREATE INDEX CONCURRENTLY b_id ON no_such_table (id);\n-- migrate:down\nDROP INDEX a_id;\n',
      },
      findings: [{ line: 3, message: /20240102000000_b stopped after 1 of 2 statements: .*no_such_table/ }],
    },
  ],
});
