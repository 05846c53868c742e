import rule from '../../../src/rules/migration/missing-down.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    // Flyway community has no down migrations: none is missing
    { name: 'a Flyway migration', migrations: { 'V1__init.sql': 'CREATE TABLE a (id int);' } },
    {
      migrations: {
        '20240101000000_a.sql': '-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n',
      },
    },
  ],
  invalid: [
    {
      migrations: { '20240101000000_a.sql': '-- migrate:up\nCREATE TABLE a (id int);\n' },
      findings: [{ message: /has no down section/ }],
    },
  ],
});
