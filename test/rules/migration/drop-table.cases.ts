import rule from '../../../src/rules/migration/drop-table.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [{ sql: 'CREATE TABLE t (a int);\nDROP TABLE t;', name: 'a table created in the same migration' }],
  invalid: [
    {
      sql: 'DROP TABLE orders;',
      findings: [{ message: 'DROP TABLE "orders" destroys its data' }],
      before: EXISTING_TABLES,
    },
    { sql: 'DROP TABLE IF EXISTS legacy CASCADE;', findings: [{ message: /CASCADE/ }] },
  ],
});
