import rule from '../../../src/rules/migration/rename-column.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    {
      sql: 'CREATE TABLE t (a int);\nALTER TABLE t RENAME COLUMN a TO b;',
      name: 'a table created in the same migration',
    },
    {
      sql: 'CREATE TABLE t (a int);\nALTER TABLE t RENAME TO t2;\nALTER TABLE t2 RENAME COLUMN a TO b;',
      name: 'a table created in the same migration, then renamed',
    },
  ],
  invalid: [
    { sql: 'ALTER TABLE orders RENAME COLUMN note TO comment;', before: EXISTING_TABLES },
    {
      sql: 'ALTER TABLE orders RENAME TO legacy_orders;\nALTER TABLE legacy_orders RENAME COLUMN note TO comment;',
      name: 'a table renamed earlier in the migration is still an existing table',
      findings: [{ line: 2 }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE legacy_orders RENAME COLUMN note TO comment;',
      name: 'a table renamed by an earlier migration is still an existing table',
      before: `${EXISTING_TABLES}\nALTER TABLE orders RENAME TO legacy_orders;`,
    },
  ],
});
