import rule from '../../../src/rules/schema/column-naming.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'snake_case columns, digits included',
      setup: 'CREATE TABLE addresses (id bigint PRIMARY KEY, address_line1 text, address_2 text, zip text);',
    },
    {
      name: "snake_case reserved words are quoted-identifier's concern, not this rule's",
      setup:
        'CREATE TABLE items (id bigint PRIMARY KEY, "order" int, "user" text, "desc" text, position int);',
    },
    {
      name: 'view columns are not checked',
      setup:
        'CREATE TABLE orders (id bigint PRIMARY KEY); CREATE VIEW order_ids AS SELECT id AS "OrderId" FROM orders;',
    },
    {
      name: 'excluded tables',
      setup: 'CREATE TABLE legacy_orders ("OrderId" bigint PRIMARY KEY);',
      schemaConfig: { exclude: ['public.legacy_*'] },
    },
  ],
  invalid: [
    {
      name: 'camelCase and PascalCase',
      setup: 'CREATE TABLE orders (id bigint PRIMARY KEY, "customerId" bigint, "PlacedAt" timestamptz);',
      findings: [
        {
          object: 'public.orders.customerId',
          severity: 'warning',
          message: 'column public.orders.customerId is not snake_case: customer_id',
          fix: 'ALTER TABLE public.orders RENAME COLUMN "customerId" TO customer_id;',
        },
        {
          object: 'public.orders.PlacedAt',
          fix: 'ALTER TABLE public.orders RENAME COLUMN "PlacedAt" TO placed_at;',
        },
      ],
    },
    {
      name: 'spaces, acronyms and double underscores, on a partitioned table',
      setup: `CREATE TABLE events (id bigint, at date, "Event Type" text, "HTTPStatus" int, payload__raw text,
          PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');`,
      findings: [
        {
          object: 'public.events.Event Type',
          fix: 'ALTER TABLE public.events RENAME COLUMN "Event Type" TO event_type;',
        },
        {
          object: 'public.events.HTTPStatus',
          fix: 'ALTER TABLE public.events RENAME COLUMN "HTTPStatus" TO http_status;',
        },
        {
          object: 'public.events.payload__raw',
          fix: 'ALTER TABLE public.events RENAME COLUMN payload__raw TO payload_raw;',
        },
      ],
    },
    {
      name: 'a table that needs quotes itself',
      setup: 'CREATE TABLE "Orders" (id bigint PRIMARY KEY, "Total" numeric);',
      findings: [
        { object: 'public.Orders.Total', fix: 'ALTER TABLE public."Orders" RENAME COLUMN "Total" TO total;' },
      ],
    },
    {
      name: 'the snake_case name is taken: no fix',
      setup: 'CREATE TABLE users (id bigint PRIMARY KEY, email text, "Email" text, "EMail" text);',
      findings: [
        { object: 'public.users.Email', message: /already has a column of that name/, fix: null },
        { object: 'public.users.EMail', fix: 'ALTER TABLE public.users RENAME COLUMN "EMail" TO e_mail;' },
      ],
    },
    {
      name: 'the snake_case spelling would be a reserved word: no fix',
      setup: 'CREATE TABLE items (id bigint PRIMARY KEY, "Order" int);',
      findings: [{ object: 'public.items.Order', message: /keyword that needs quotes/, fix: null }],
    },
  ],
});
