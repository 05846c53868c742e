import rule from '../../../src/rules/migration/require-lock-timeout.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    { sql: "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN c int;", before: EXISTING_TABLES },
    {
      sql: "SELECT set_config('lock_timeout', '3s', false);\nALTER TABLE orders ADD COLUMN c int;",
      before: EXISTING_TABLES,
    },
    {
      sql: "SET LOCAL lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN c int;",
      name: 'SET LOCAL inside the runner transaction',
      before: EXISTING_TABLES,
    },
    { sql: 'CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int;', name: 'only new tables' },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE orders ADD COLUMN c int;',
      findings: [{ line: 1, fix: "SET lock_timeout = '2s';" }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;',
      name: 'dropping a foreign key waits for the referenced table too',
      before: `${EXISTING_TABLES}\nALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id);`,
      findings: [
        {
          line: 1,
          message:
            'ACCESS EXCLUSIVE on "orders" and ACCESS EXCLUSIVE on "users" are requested without lock_timeout: while it waits for running queries, every new query on those tables waits behind it',
        },
      ],
    },
    {
      sql: 'SET lock_timeout = 0;\nALTER TABLE orders ADD COLUMN c int;',
      name: 'zero means no timeout',
      before: EXISTING_TABLES,
    },
    {
      sql: "SET LOCAL lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN c int;",
      name: 'SET LOCAL outside a transaction does nothing',
      noTransaction: true,
      before: EXISTING_TABLES,
    },
  ],
});
