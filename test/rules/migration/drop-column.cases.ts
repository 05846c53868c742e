import rule from '../../../src/rules/migration/drop-column.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    {
      sql: 'CREATE TABLE t (a int, b int);\nALTER TABLE t DROP COLUMN b;',
      name: 'a table created in the same migration',
    },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE orders RENAME TO legacy_orders;\nALTER TABLE legacy_orders DROP COLUMN note;',
      name: 'on a table renamed earlier in the migration',
      findings: [{ line: 2, message: /"legacy_orders"/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE legacy_orders DROP COLUMN note;',
      name: 'on a table moved to another schema by an earlier migration',
      findings: [{ message: /"archive.legacy_orders"|"legacy_orders"/ }],
      before: `${EXISTING_TABLES}\nCREATE SCHEMA archive;\nALTER TABLE orders SET SCHEMA archive;\nALTER TABLE archive.orders RENAME TO legacy_orders;\nALTER TABLE archive.legacy_orders SET SCHEMA public;`,
    },
    {
      sql: 'ALTER TABLE orders DROP COLUMN note;',
      findings: [{ message: /destroys its data in "orders"/ }],
      before: EXISTING_TABLES,
    },
  ],
});
