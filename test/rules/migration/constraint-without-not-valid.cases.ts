import rule from '../../../src/rules/migration/constraint-without-not-valid.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT chk_orders_total CHECK (total >= 0) NOT VALID;',
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT unq_orders_note UNIQUE (note);',
      name: 'UNIQUE cannot be NOT VALID: another rule',
      before: EXISTING_TABLES,
    },
    {
      sql: 'CREATE TABLE t (a int, u bigint);\nALTER TABLE t ADD CONSTRAINT fk_t_u FOREIGN KEY (u) REFERENCES users (id);',
      name: 'a table created in the same migration',
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN buyer_id bigint REFERENCES users (id) ON DELETE SET NULL;',
      name: 'a foreign key declared with a new column without DEFAULT: every row is NULL, PostgreSQL skips the check',
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN buyer_id bigint REFERENCES users (id), ADD COLUMN n int DEFAULT 0;',
      name: 'from 13, another column with a DEFAULT does not matter',
      pgVersion: 13,
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN buyer_id bigint GENERATED ALWAYS AS IDENTITY REFERENCES users (id);',
      name: 'an identity column has no DEFAULT expression: the check is skipped (the rewrite is another rule)',
      before: EXISTING_TABLES,
    },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE "Signature" ADD CONSTRAINT "Signature_recipientId_fkey" FOREIGN KEY ("recipientId") REFERENCES "User" (id);',
      name: 'the VALIDATE of the fix quotes a mixed-case table and constraint',
      before:
        'CREATE TABLE "User" (id bigint PRIMARY KEY, "order" int, email text);\nCREATE TABLE "Signature" (id bigint PRIMARY KEY, "recipientId" bigint, "group" int);',
      findings: [
        {
          fix: 'ALTER TABLE "Signature" ADD CONSTRAINT "Signature_recipientId_fkey" FOREIGN KEY ("recipientId") REFERENCES "User" (id) NOT VALID;\n-- next migration (reads and writes go on):\nALTER TABLE public."Signature" VALIDATE CONSTRAINT "Signature_recipientId_fkey";',
        },
      ],
    },
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id);',
      findings: [
        {
          message: /blocks writes to "orders" and "users"/,
          fix: /REFERENCES users \(id\) NOT VALID;\n.*\nALTER TABLE public.orders VALIDATE CONSTRAINT fk_orders_user;/,
        },
      ],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT chk_orders_total CHECK (total >= 0);',
      findings: [{ message: /blocks reads and writes/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN buyer_id bigint DEFAULT NULL REFERENCES users (id);',
      name: 'a foreign key declared with a column that has a DEFAULT (even NULL): PostgreSQL validates it',
      findings: [{ message: /scans "orders"/, fix: /without a DEFAULT/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN buyer_id bigint DEFAULT 0 REFERENCES users (id);',
      name: 'a foreign key declared with a column that has a non-null DEFAULT',
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN buyer_id bigint, ADD CONSTRAINT fk_orders_buyer FOREIGN KEY (buyer_id) REFERENCES users (id);',
      name: 'a foreign key added by its own subcommand on a new column: validated',
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN buyer_id bigint REFERENCES users (id), ADD COLUMN n int DEFAULT 0;',
      name: 'before 13, one column with a DEFAULT makes PostgreSQL validate every new foreign key of the statement',
      pgVersion: 12,
      before: EXISTING_TABLES,
    },
  ],
});
