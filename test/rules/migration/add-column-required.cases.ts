import rule from '../../../src/rules/migration/add-column-required.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    {
      sql: 'TRUNCATE orders;\nALTER TABLE orders ADD COLUMN region text NOT NULL;',
      name: 'truncated earlier in the same transaction: empty, and locked until COMMIT',
      before: EXISTING_TABLES,
    },
    { sql: "ALTER TABLE orders ADD COLUMN currency text NOT NULL DEFAULT 'EUR';", before: EXISTING_TABLES },
    { sql: 'ALTER TABLE orders ADD COLUMN comment text;', before: EXISTING_TABLES },
    {
      sql: 'CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int NOT NULL;',
      name: 'a table created in the same migration',
    },
  ],
  invalid: [
    {
      sql: 'TRUNCATE orders;\nALTER TABLE orders ADD COLUMN region text NOT NULL;',
      name: 'truncated outside a transaction: rows may come back before the ADD',
      noTransaction: true,
      findings: [{ line: 2 }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN currency text NOT NULL;',
      findings: [
        {
          message: 'ADD COLUMN currency NOT NULL without a default fails on "orders" as soon as it has rows',
        },
      ],
      before: EXISTING_TABLES,
    },
  ],
});
