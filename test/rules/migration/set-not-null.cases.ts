import rule from '../../../src/rules/migration/set-not-null.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    {
      sql: 'ALTER TABLE shards ALTER COLUMN shard_id SET NOT NULL;',
      name: 'a column of the primary key is NOT NULL already: nothing to scan',
      before: 'CREATE TABLE shards (index_uid text, shard_id text, PRIMARY KEY (index_uid, shard_id));',
    },
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
      sql: 'ALTER TABLE "Signature" ALTER COLUMN "recipientId" SET NOT NULL;\nALTER TABLE "User" ALTER COLUMN "order" SET NOT NULL;',
      name: 'mixed-case and reserved names are quoted in the fix (15)',
      pgVersion: 15,
      before:
        'CREATE TABLE "User" (id bigint PRIMARY KEY, "order" int, email text);\nCREATE TABLE "Signature" (id bigint PRIMARY KEY, "recipientId" bigint, "group" int);',
      findings: [
        {
          line: 1,
          fix: 'ALTER TABLE public."Signature" ADD CONSTRAINT "chk_Signature_recipientId_not_null" CHECK ("recipientId" IS NOT NULL) NOT VALID;\n-- next migration (reads and writes go on):\nALTER TABLE public."Signature" VALIDATE CONSTRAINT "chk_Signature_recipientId_not_null";\nALTER TABLE public."Signature" ALTER COLUMN "recipientId" SET NOT NULL;  -- no scan: the check proves it\nALTER TABLE public."Signature" DROP CONSTRAINT "chk_Signature_recipientId_not_null";',
        },
        { line: 2, fix: /ADD CONSTRAINT "chk_User_order_not_null" CHECK \("order" IS NOT NULL\) NOT VALID;/ },
      ],
    },
    {
      sql: 'ALTER TABLE "User" ALTER COLUMN "order" SET NOT NULL;',
      name: 'mixed-case and reserved names are quoted in the fix (18)',
      pgVersion: 18,
      before:
        'CREATE TABLE "User" (id bigint PRIMARY KEY, "order" int, email text);\nCREATE TABLE "Signature" (id bigint PRIMARY KEY, "recipientId" bigint, "group" int);',
      findings: [
        {
          fix: 'ALTER TABLE public."User" ADD CONSTRAINT "User_order_not_null" NOT NULL "order" NOT VALID;\n-- next migration (reads and writes go on):\nALTER TABLE public."User" VALIDATE CONSTRAINT "User_order_not_null";',
        },
      ],
    },
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
