import rule from '../../../src/rules/migration/unique-without-index.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT unq_orders_note UNIQUE USING INDEX unq_orders_note;',
      before: EXISTING_TABLES,
    },
    {
      sql: 'CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT unq_t_a UNIQUE (a);',
      name: 'a table created in the same migration',
    },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE "User" ADD CONSTRAINT "User_email_key" UNIQUE (email);',
      name: 'the fix quotes a mixed-case table and constraint',
      before:
        'CREATE TABLE "User" (id bigint PRIMARY KEY, "order" int, email text);\nCREATE TABLE "Signature" (id bigint PRIMARY KEY, "recipientId" bigint, "group" int);',
      findings: [
        {
          fix: '-- pgwarden:no-transaction (own migration)\nCREATE UNIQUE INDEX CONCURRENTLY "User_email_key" ON public."User" (email);\n-- next migration:\nALTER TABLE public."User" ADD CONSTRAINT "User_email_key" UNIQUE USING INDEX "User_email_key";',
        },
      ],
    },
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT unq_orders_note UNIQUE (note);',
      findings: [
        {
          fix: /CREATE UNIQUE INDEX CONCURRENTLY unq_orders_note ON public.orders \(note\);\n.*\nALTER TABLE public.orders ADD CONSTRAINT unq_orders_note UNIQUE USING INDEX unq_orders_note;/,
        },
      ],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE legacy ADD PRIMARY KEY (id);',
      findings: [{ message: /ADD PRIMARY KEY builds its index/ }],
    },
  ],
});
