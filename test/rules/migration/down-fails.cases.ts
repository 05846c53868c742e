import rule from '../../../src/rules/migration/down-fails.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      migrations: {
        '20240101000000_a.sql': '-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n',
      },
    },
  ],
  invalid: [
    {
      migrations: {
        '20240101000000_a.sql': '-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE b;\n',
      },
      findings: [{ line: 3, message: /down fails: line 4: table "b" does not exist/ }],
    },
  ],
});
