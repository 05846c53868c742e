import rule from '../../../src/rules/migration/require-statement-timeout.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

const WITH_CHECK = `${EXISTING_TABLES}\nALTER TABLE orders ADD CONSTRAINT chk_orders_total CHECK (total >= 0) NOT VALID;`;

export default defineCases(rule, {
  valid: [
    {
      sql: "SET statement_timeout = '5min';\nALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;",
      before: EXISTING_TABLES,
    },
    { sql: 'ALTER TABLE orders ADD COLUMN c int;', name: 'an instant change', before: EXISTING_TABLES },
    {
      sql: "ALTER TABLE orders ADD COLUMN c int;\nUPDATE orders SET c = 0 WHERE status = 'new';",
      name: 'a backfill outside a transaction holds no table lock that blocks others',
      noTransaction: true,
      before: EXISTING_TABLES,
    },
    {
      sql: "UPDATE orders SET note = '' WHERE status = 'new';\nALTER TABLE orders ADD COLUMN c int;",
      name: 'a data change before the schema change: no blocking lock is held yet',
      before: EXISTING_TABLES,
    },
    {
      sql: "SET statement_timeout = '5min';\nALTER TABLE orders ADD COLUMN c int;\nDELETE FROM orders WHERE status = 'gone';",
      name: 'a data change with a statement_timeout',
      before: EXISTING_TABLES,
    },
    {
      sql: 'CREATE TABLE t (a int);\nCREATE INDEX idx_t_a ON t (a);\nUPDATE t SET a = 1 WHERE a = 0;',
      name: 'locks on a table created in the same migration block no one',
    },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;',
      findings: [{ severity: 'info', message: /scans "orders"/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: "ALTER TABLE orders ADD COLUMN c int;\nUPDATE orders SET c = 0 WHERE status = 'new';",
      name: 'a data change in the transaction of a schema change (the docs promise: a statement that reads a table while a lock is held)',
      findings: [
        {
          line: 2,
          message:
            /^this UPDATE reads "orders" \(all of it, unless an index serves its WHERE\) while its transaction holds ACCESS EXCLUSIVE on "orders" \(line 1\)/,
        },
      ],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE users ADD COLUMN nickname text;\nDELETE FROM orders;',
      name: 'a DELETE while another table is locked',
      findings: [{ line: 2, message: /DELETE reads "orders".*ACCESS EXCLUSIVE on "users" \(line 1\)/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE orders VALIDATE CONSTRAINT chk_orders_total;',
      name: 'a validation (which itself lets writes go on) while the transaction holds a blocking lock',
      findings: [
        { line: 2, message: /scans "orders" while its transaction holds ACCESS EXCLUSIVE on "users"/ },
      ],
      before: WITH_CHECK,
    },
  ],
});
