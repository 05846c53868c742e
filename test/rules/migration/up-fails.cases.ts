import rule from '../../../src/rules/migration/up-fails.js';
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
        '20240101000000_a.sql':
          '-- migrate:up\nALTER TABLE never_created ADD COLUMN a int;\n-- migrate:down\nSELECT 1;\n',
        '20240102000000_b.sql': '-- migrate:up\nCREATE TABLE b (id int);\n-- migrate:down\nDROP TABLE b;\n',
      },
      findings: [
        {
          message:
            /20240101000000_a: up fails on a fresh database: line 2: relation "never_created" does not exist/,
        },
      ],
    },
  ],
});
