import rule from '../../../src/rules/schema/quoted-identifier.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'names that never need quotes, unreserved keywords included',
      setup: `CREATE SCHEMA app;
        CREATE TYPE app.order_status AS ENUM ('New', 'Paid');
        CREATE TABLE app.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text, type text,
          status app.order_status, value numeric, CONSTRAINT chk_orders_value CHECK (value >= 0));
        CREATE INDEX idx_orders_name ON app.orders (name);
        CREATE SEQUENCE app.invoice_numbers;
        CREATE FUNCTION app.order_total(order_id bigint) RETURNS numeric LANGUAGE sql AS 'SELECT 1';
        CREATE VIEW app.paid_orders AS SELECT * FROM app.orders;`,
    },
    {
      name: 'hidden identity sequences and extension objects are not reviewed',
      setup: `CREATE EXTENSION IF NOT EXISTS citext;
        CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email citext);`,
    },
    {
      name: 'excluded tables',
      setup: 'CREATE TABLE "Legacy" ("ID" int);',
      schemaConfig: { exclude: ['public.Legacy'] },
    },
    {
      name: 'a Prisma schema: upper case is the project’s convention, on every object',
      setup: `CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
        CREATE TABLE "User" ("id" TEXT NOT NULL, "email" TEXT NOT NULL, "role" "Role" NOT NULL, "createdAt" TIMESTAMP(3) NOT NULL,
          CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
        CREATE TABLE "Post" ("id" SERIAL NOT NULL, "authorId" TEXT NOT NULL, "publishedAt" TIMESTAMP(3),
          CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
        CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
        CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
        ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");`,
    },
  ],
  invalid: [
    {
      name: 'a snake_case project: a mixed-case constraint (its table and columns are the naming rules’)',
      schemaConfig: { naming: { tables: 'snake_case', columns: 'snake_case' } },
      setup: `CREATE TABLE customers (id bigint PRIMARY KEY, first_name text, last_name text);
        CREATE TABLE "Orders" ("Id" bigint PRIMARY KEY, "CustomerId" bigint, placed_at date, shipped_at date);`,
      findings: [
        {
          object: 'public.Orders.Orders_pkey',
          severity: 'warning',
          message:
            'primary key constraint public.Orders.Orders_pkey must be double-quoted: it has upper-case letters (unquoted names are folded to lower case): rename it orders_pkey',
          fix: 'ALTER TABLE public."Orders" RENAME CONSTRAINT "Orders_pkey" TO orders_pkey;',
        },
      ],
    },
    {
      name: 'reserved words have no unambiguous rename',
      setup: 'CREATE TABLE items (id bigint PRIMARY KEY, "order" int, "user" text);',
      findings: [
        {
          object: 'public.items.order',
          message:
            'column public.items.order must be double-quoted: it is a reserved SQL keyword: choose a name that needs no quotes',
          fix: null,
        },
        { object: 'public.items.user', fix: null },
      ],
    },
    {
      name: 'keywords accepted bare in that position are info',
      setup: 'CREATE TABLE readings (id bigint PRIMARY KEY, position int, "time" timestamptz);',
      findings: [
        {
          object: 'public.readings.position',
          severity: 'info',
          message: /column name\): accepted bare here/,
          fix: null,
        },
        { object: 'public.readings.time', severity: 'info', fix: null },
      ],
    },
    {
      name: 'spaces, punctuation and leading digits in indexes, views, sequences, functions and types',
      setup: `CREATE TABLE orders (id bigint PRIMARY KEY, placed_at date);
        CREATE INDEX "orders by date" ON orders (placed_at);
        CREATE VIEW "recent-orders" AS SELECT * FROM orders;
        CREATE SEQUENCE "InvoiceNumbers";
        CREATE FUNCTION "OrderTotal"(o bigint) RETURNS int LANGUAGE sql AS 'SELECT 1';
        CREATE PROCEDURE "Cleanup"() LANGUAGE sql AS 'SELECT 1';
        CREATE TYPE "Mood" AS ENUM ('ok');
        CREATE DOMAIN "PositiveInt" AS int CHECK (VALUE > 0);
        CREATE TABLE "2fa_codes" (id bigint PRIMARY KEY);`,
      findings: [
        {
          object: 'public.2fa_codes.2fa_codes_pkey',
          message: /starts with a digit: choose a name/,
          fix: null,
        },
        {
          object: 'public.orders by date',
          fix: 'ALTER INDEX public."orders by date" RENAME TO orders_by_date;',
        },
        {
          object: 'public.InvoiceNumbers',
          fix: 'ALTER SEQUENCE public."InvoiceNumbers" RENAME TO invoice_numbers;',
        },
        { object: 'public.Cleanup()', fix: 'ALTER PROCEDURE public."Cleanup"() RENAME TO cleanup;' },
        {
          object: 'public.OrderTotal(o bigint)',
          fix: 'ALTER FUNCTION public."OrderTotal"(o bigint) RENAME TO order_total;',
        },
        { object: 'public.Mood', fix: 'ALTER TYPE public."Mood" RENAME TO mood;' },
        { object: 'public.PositiveInt', fix: 'ALTER DOMAIN public."PositiveInt" RENAME TO positive_int;' },
      ],
    },
    {
      name: 'a mixed-case schema is renamed after everything in it (snake_case forced by the config)',
      schemaConfig: { naming: { tables: 'snake_case', columns: 'snake_case' } },
      setup: `CREATE SCHEMA "Billing";
        CREATE TABLE "Billing"."Invoices" (id bigint PRIMARY KEY);`,
      findings: [
        {
          object: 'Billing.Invoices.Invoices_pkey',
          fix: 'ALTER TABLE "Billing"."Invoices" RENAME CONSTRAINT "Invoices_pkey" TO invoices_pkey;',
        },
        {
          object: 'Billing',
          message: /^schema Billing must be double-quoted/,
          fix: '-- after the renames inside it, which name it as it is now\nALTER SCHEMA "Billing" RENAME TO billing;',
        },
      ],
    },
    {
      name: 'columns of views and indexes of materialized views',
      setup: `CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);
        CREATE VIEW order_totals AS SELECT id AS "OrderId", total FROM orders;
        CREATE MATERIALIZED VIEW order_stats AS SELECT count(*) AS "Count" FROM orders;
        CREATE INDEX "ByCount" ON order_stats ("Count");`,
      findings: [
        {
          object: 'public.order_stats.Count',
          fix: 'ALTER MATERIALIZED VIEW public.order_stats RENAME COLUMN "Count" TO count;',
        },
        { object: 'public.ByCount', fix: 'ALTER INDEX public."ByCount" RENAME TO by_count;' },
        {
          object: 'public.order_totals.OrderId',
          fix: 'ALTER VIEW public.order_totals RENAME COLUMN "OrderId" TO order_id;',
        },
      ],
    },
    {
      name: 'the snake_case name is taken',
      setup: `CREATE TABLE users (id bigint PRIMARY KEY, email text, first_name text);
        CREATE INDEX users_email ON users (email); CREATE INDEX "Users_Email" ON users (email, first_name);`,
      findings: [
        { object: 'public.Users_Email', message: /users_email is taken, choose another name/, fix: null },
      ],
    },
  ],
});
