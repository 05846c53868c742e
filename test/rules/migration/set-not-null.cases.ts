import rule from '../../../src/rules/migration/set-not-null.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    {
      sql: 'ALTER TABLE orders RENAME COLUMN user_id TO buyer_id;\nALTER TABLE orders ALTER COLUMN buyer_id SET NOT NULL;',
      name: 'a renamed column keeps the CHECK that proves it not null',
      pgVersion: 12,
      before:
        'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\nALTER TABLE orders ADD CONSTRAINT chk_orders_user_id CHECK (user_id IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT chk_orders_user_id;',
    },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;',
      name: 'proven by a validated CHECK on 12+',
      pgVersion: 12,
      before:
        'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total numeric(12, 2), note varchar(20), status text);\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE INDEX idx_orders_user_id ON orders (user_id);\nALTER TABLE orders ADD CONSTRAINT chk_orders_user_id CHECK (user_id IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT chk_orders_user_id;',
    },
    {
      sql: 'CREATE TABLE t (a int);\nALTER TABLE t ALTER COLUMN a SET NOT NULL;',
      name: 'a table created in the same migration',
    },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE orders RENAME TO legacy_orders;\nALTER TABLE legacy_orders ALTER COLUMN user_id SET NOT NULL;',
      name: 'on a table renamed earlier in the migration',
      findings: [{ line: 2 }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;',
      name: 'the same CHECK does not help before 12',
      pgVersion: 11,
      before:
        'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total numeric(12, 2), note varchar(20), status text);\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE INDEX idx_orders_user_id ON orders (user_id);\nALTER TABLE orders ADD CONSTRAINT chk_orders_user_id CHECK (user_id IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT chk_orders_user_id;',
    },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;',
      pgVersion: 17,
      name: 'the CHECK recipe on 17',
      findings: [{ fix: /CHECK \(user_id IS NOT NULL\) NOT VALID/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;',
      pgVersion: 18,
      name: 'NOT NULL … NOT VALID on 18',
      findings: [{ fix: /NOT NULL user_id NOT VALID/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;',
      pgVersion: 11,
      name: 'no way around the scan on 11',
      findings: [{ fix: /always scans/ }],
      before: EXISTING_TABLES,
    },
  ],
});
