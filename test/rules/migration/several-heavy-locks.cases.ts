import rule from '../../../src/rules/migration/several-heavy-locks.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    {
      sql: 'DROP INDEX idx_orders_user_id;\nCREATE INDEX idx_orders_user_status ON orders (user_id, status);',
      name: 'an index dropped, then one built on the same table: one table (require-concurrent-index says the rest)',
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN a int;\nALTER TABLE orders ADD COLUMN b int;',
      name: 'one table',
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN a int;\nALTER TABLE users ADD COLUMN b int;',
      name: 'autocommit: each statement its own transaction',
      noTransaction: true,
      before: EXISTING_TABLES,
    },
  ],
  invalid: [
    {
      sql: 'DROP INDEX idx_orders_user_id;\nALTER TABLE users ADD COLUMN b int;\nALTER TABLE products ADD COLUMN c int;',
      name: 'DROP INDEX holds its table: tables are named and counted, not the index',
      before: `${EXISTING_TABLES}\nCREATE TABLE products (id int);`,
      findings: [
        {
          line: 2,
          message:
            /^this transaction holds ACCESS EXCLUSIVE on "orders" \(line 1\) and locks "users" too: .*3 tables blocked until COMMIT \("orders", "users", "products"\)$/,
        },
      ],
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN a int;\nALTER TABLE users ADD COLUMN b int;\nALTER TABLE products ADD COLUMN c int;\nALTER TABLE users ADD COLUMN d int;\nALTER TABLE customers ADD COLUMN e int;',
      name: 'one finding for the whole transaction, however many tables it goes on to lock',
      before: `${EXISTING_TABLES}\nCREATE TABLE products (id int);\nCREATE TABLE customers (id int);`,
      findings: [
        {
          line: 2,
          message:
            /holds ACCESS EXCLUSIVE on "orders" \(line 1\) and locks "users" too: .*; 2 later statements of it lock or rewrite more, 4 tables blocked until COMMIT \("orders", "users", "products", "customers"\)/,
        },
      ],
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN a int;\nALTER TABLE users ADD COLUMN b int;',
      findings: [{ line: 2, message: /holds ACCESS EXCLUSIVE on "orders" \(line 1\) and locks "users" too/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE users ADD COLUMN b int;\nALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;',
      name: 'a scan after a lock on another table',
      findings: [{ line: 2, message: /holds ACCESS EXCLUSIVE on "users" \(line 1\) and locks "orders" too/ }],
      before: EXISTING_TABLES,
    },
  ],
});
