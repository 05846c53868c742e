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
    {
      name: 'a Prisma schema: camelCase fields, single words, the implicit join table and the history table',
      setup: `CREATE TABLE "User" ("id" text PRIMARY KEY, "email" text, "passwordHash" text, "createdAt" timestamp(3), "updatedAt" timestamp(3));
        CREATE TABLE "_CategoryToPost" ("A" int NOT NULL, "B" int NOT NULL);
        CREATE TABLE _prisma_migrations (id varchar(36) PRIMARY KEY, migration_name varchar(255), finished_at timestamptz, rolled_back_at timestamptz);`,
    },
  ],
  invalid: [
    {
      name: 'a snake_case field in a camelCase schema (a @map): its camelCase spelling, quoted',
      setup: `CREATE TABLE "User" ("id" text PRIMARY KEY, "emailVerified" timestamp(3), "createdAt" timestamp(3), "updatedAt" timestamp(3));
        CREATE TABLE "Invoice" ("id" serial PRIMARY KEY, "orderId" int, "createdAt" timestamp(3), due_date date);`,
      findings: [
        {
          object: 'public.Invoice.due_date',
          message: 'column public.Invoice.due_date is not camelCase: dueDate',
          fix: 'ALTER TABLE public."Invoice" RENAME COLUMN due_date TO "dueDate";',
        },
      ],
    },
    {
      name: 'a table mapped whole in another case: one finding lists its columns',
      setup: `CREATE TABLE "User" ("id" text PRIMARY KEY, "emailVerified" timestamp(3), "createdAt" timestamp(3), "updatedAt" timestamp(3));
        CREATE TABLE "Team" ("id" serial PRIMARY KEY, "ownerUserId" text, "stripeCustomerId" text, "createdAt" timestamp(3), "updatedAt" timestamp(3));
        CREATE TABLE "Post" ("id" serial PRIMARY KEY, "authorId" text, "publishedAt" timestamp(3), "viewCount" int, "createdAt" timestamp(3), "updatedAt" timestamp(3));
        CREATE TABLE audit_log (id serial PRIMARY KEY, team_id int, actor_email text, created_at timestamp(3), ip_address inet);`,
      findings: [
        {
          object: 'public.audit_log',
          message:
            '4 columns of public.audit_log are not camelCase: team_id → teamId, actor_email → actorEmail, created_at → createdAt, ip_address → ipAddress',
          fix: [
            'ALTER TABLE public.audit_log RENAME COLUMN team_id TO "teamId";',
            'ALTER TABLE public.audit_log RENAME COLUMN actor_email TO "actorEmail";',
            'ALTER TABLE public.audit_log RENAME COLUMN created_at TO "createdAt";',
            'ALTER TABLE public.audit_log RENAME COLUMN ip_address TO "ipAddress";',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'snake_case forced by the config on a camelCase schema',
      schemaConfig: { naming: { columns: 'snake_case' } },
      setup: `CREATE TABLE "User" ("id" text PRIMARY KEY, "createdAt" timestamp(3), "updatedAt" timestamp(3));`,
      findings: [
        {
          object: 'public.User.createdAt',
          fix: 'ALTER TABLE public."User" RENAME COLUMN "createdAt" TO created_at;',
        },
        {
          object: 'public.User.updatedAt',
          fix: 'ALTER TABLE public."User" RENAME COLUMN "updatedAt" TO updated_at;',
        },
      ],
    },
    {
      name: 'no case holds three quarters of the names: one finding on the schema',
      fixResolves: false,
      setup: `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, placed_at date, "shippedAt" date, "totalCents" int);`,
      findings: [
        {
          object: 'public',
          message:
            'the column names mix cases (none: 2 snake_case, 2 camelCase): no case holds 75% of them; choose one and set it in the config (schema.naming.columns)',
          fix: null,
        },
      ],
    },
    {
      name: 'camelCase and PascalCase',
      schemaConfig: { naming: { columns: 'snake_case' } },
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
      schemaConfig: { naming: { columns: 'snake_case' } },
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
      schemaConfig: { naming: { columns: 'snake_case' } },
      setup: 'CREATE TABLE "Orders" (id bigint PRIMARY KEY, "Total" numeric);',
      findings: [
        { object: 'public.Orders.Total', fix: 'ALTER TABLE public."Orders" RENAME COLUMN "Total" TO total;' },
      ],
    },
    {
      name: 'the snake_case name is taken: no fix',
      schemaConfig: { naming: { columns: 'snake_case' } },
      setup: 'CREATE TABLE users (id bigint PRIMARY KEY, email text, "Email" text, "EMail" text);',
      findings: [
        { object: 'public.users.Email', message: /already has a column of that name/, fix: null },
        { object: 'public.users.EMail', fix: 'ALTER TABLE public.users RENAME COLUMN "EMail" TO e_mail;' },
      ],
    },
    {
      name: 'the snake_case spelling would be a reserved word: no fix',
      schemaConfig: { naming: { columns: 'snake_case' } },
      setup: 'CREATE TABLE items (id bigint PRIMARY KEY, "Order" int);',
      findings: [{ object: 'public.items.Order', message: /keyword that needs quotes/, fix: null }],
    },
  ],
});
