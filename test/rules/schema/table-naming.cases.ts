import rule from '../../../src/rules/schema/table-naming.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'snake_case plural tables',
      setup: `CREATE TABLE customers (id bigint PRIMARY KEY);
        CREATE TABLE order_items (id bigint PRIMARY KEY);
        CREATE TABLE categories (id bigint PRIMARY KEY);
        CREATE TABLE people (id bigint PRIMARY KEY);
        CREATE TABLE _prisma_migrations (id text PRIMARY KEY);`,
    },
    {
      name: 'uncountable and mass nouns are never asked to change',
      setup: `CREATE TABLE data (id bigint PRIMARY KEY);
        CREATE TABLE metadata (id bigint PRIMARY KEY);
        CREATE TABLE news (id bigint PRIMARY KEY);
        CREATE TABLE series (id bigint PRIMARY KEY);
        CREATE TABLE order_status (id bigint PRIMARY KEY);
        CREATE TABLE species (id bigint PRIMARY KEY);
        CREATE TABLE price_history (id bigint PRIMARY KEY);
        CREATE TABLE inventory (id bigint PRIMARY KEY);
        CREATE TABLE feedback (id bigint PRIMARY KEY);`,
    },
    {
      name: 'a last word with digits is not judged; partitions follow their parent',
      setup: `CREATE TABLE log_v2 (id bigint PRIMARY KEY);
        CREATE TABLE events (id bigint, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');`,
    },
    {
      name: 'views are checked for snake_case only, never their number',
      setup: `CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);
        CREATE VIEW monthly_revenue AS SELECT sum(total) AS total FROM orders;
        CREATE MATERIALIZED VIEW order_summary AS SELECT count(*) AS n FROM orders;`,
    },
    {
      name: 'a singular convention',
      options: { plural: false },
      setup: `CREATE TABLE customer (id bigint PRIMARY KEY);
        CREATE TABLE order_item (id bigint PRIMARY KEY);
        CREATE TABLE news (id bigint PRIMARY KEY);
        CREATE TABLE data (id bigint PRIMARY KEY);
        CREATE TABLE status (id bigint PRIMARY KEY);`,
    },
    {
      name: 'views not checked when views: false',
      options: { views: false },
      setup: 'CREATE VIEW "ActiveUsers" AS SELECT 1 AS one;',
    },
    {
      name: 'Prisma: PascalCase singular models, an implicit join table and the history table',
      setup: `CREATE TABLE "User" (id text PRIMARY KEY);
        CREATE TABLE "OrderItem" (id serial PRIMARY KEY);
        CREATE TABLE "Category" (id serial PRIMARY KEY);
        CREATE TABLE "Post" (id serial PRIMARY KEY);
        CREATE TABLE "_CategoryToPost" ("A" int NOT NULL, "B" int NOT NULL);
        CREATE TABLE _prisma_migrations (id varchar(36) PRIMARY KEY, migration_name varchar(255) NOT NULL);`,
    },
    {
      name: 'a snake_case singular schema, detected',
      setup: `CREATE TABLE customer (id bigint PRIMARY KEY);
        CREATE TABLE order_item (id bigint PRIMARY KEY);
        CREATE TABLE invoice (id bigint PRIMARY KEY);
        CREATE TABLE news (id bigint PRIMARY KEY);`,
    },
  ],
  invalid: [
    {
      name: 'one table breaks the detected convention (PascalCase, singular): only it is reported',
      setup: `CREATE TABLE "User" (id text PRIMARY KEY);
        CREATE TABLE "Invoice" (id serial PRIMARY KEY);
        CREATE TABLE "Payment" (id serial PRIMARY KEY);
        CREATE TABLE "OrderItem" (id serial PRIMARY KEY);
        CREATE TABLE audit_logs (id serial PRIMARY KEY);`,
      findings: [
        {
          object: 'public.audit_logs',
          message:
            'table public.audit_logs is not PascalCase and is plural (tables are named in the singular): AuditLog',
          fix: 'ALTER TABLE public.audit_logs RENAME TO "AuditLog";',
        },
      ],
    },
    {
      name: 'no convention holds three quarters of the names: one finding on the schema, none per table',
      fixResolves: false,
      setup: `CREATE TABLE order_items (id bigint PRIMARY KEY);
        CREATE TABLE invoice_lines (id bigint PRIMARY KEY);
        CREATE TABLE "UserAccounts" (id bigint PRIMARY KEY);
        CREATE TABLE "PaymentMethods" (id bigint PRIMARY KEY);`,
      findings: [
        {
          object: 'public',
          message:
            'the table names mix cases (none: 2 snake_case, 2 PascalCase): no convention holds 75% of them; choose one and set it in the config (schema.naming)',
          fix: null,
        },
      ],
    },
    {
      name: 'a singular table',
      schemaConfig: { naming: { tables: 'snake_case', tableNumber: 'plural' } },
      setup: 'CREATE TABLE order_item (id bigint PRIMARY KEY);',
      findings: [
        {
          object: 'public.order_item',
          severity: 'warning',
          message: 'table public.order_item is singular (tables are named in the plural): order_items',
          fix: 'ALTER TABLE public.order_item RENAME TO order_items;',
        },
      ],
    },
    {
      name: 'a reserved word that the plural frees from its quotes',
      schemaConfig: { naming: { tables: 'snake_case', tableNumber: 'plural' } },
      setup: 'CREATE TABLE "user" (id bigint PRIMARY KEY); CREATE TABLE "order" (id bigint PRIMARY KEY);',
      findings: [
        { object: 'public.order', fix: 'ALTER TABLE public."order" RENAME TO orders;' },
        { object: 'public.user', fix: 'ALTER TABLE public."user" RENAME TO users;' },
      ],
    },
    {
      name: 'mixed case, irregular plurals',
      schemaConfig: { naming: { tables: 'snake_case', tableNumber: 'plural' } },
      setup: `CREATE TABLE "OrderItem" (id bigint PRIMARY KEY);
        CREATE TABLE "Categories" (id bigint PRIMARY KEY);
        CREATE TABLE person (id bigint PRIMARY KEY);`,
      findings: [
        {
          object: 'public.Categories',
          message: 'table public.Categories is not snake_case: categories',
          fix: 'ALTER TABLE public."Categories" RENAME TO categories;',
        },
        {
          object: 'public.OrderItem',
          message:
            'table public.OrderItem is not snake_case and is singular (tables are named in the plural): order_items',
          fix: 'ALTER TABLE public."OrderItem" RENAME TO order_items;',
        },
        { object: 'public.person', fix: 'ALTER TABLE public.person RENAME TO people;' },
      ],
    },
    {
      name: 'a partitioned table, in another schema',
      schemaConfig: { naming: { tables: 'snake_case', tableNumber: 'plural' } },
      setup: `CREATE SCHEMA app;
        CREATE TABLE app.event (id bigint, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
        CREATE TABLE app.event_2025 PARTITION OF app.event FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');`,
      findings: [{ object: 'app.event', fix: 'ALTER TABLE app.event RENAME TO events;' }],
    },
    {
      name: 'views and materialized views that are not snake_case',
      schemaConfig: { naming: { tables: 'snake_case', tableNumber: 'plural' } },
      setup: `CREATE TABLE orders (id bigint PRIMARY KEY);
        CREATE VIEW "ActiveOrders" AS SELECT * FROM orders;
        CREATE MATERIALIZED VIEW "Order Summary" AS SELECT count(*) AS n FROM orders;`,
      findings: [
        {
          object: 'public.ActiveOrders',
          message: 'view public.ActiveOrders is not snake_case: active_orders',
          fix: 'ALTER VIEW public."ActiveOrders" RENAME TO active_orders;',
        },
        {
          object: 'public.Order Summary',
          fix: 'ALTER MATERIALIZED VIEW public."Order Summary" RENAME TO order_summary;',
        },
      ],
    },
    {
      name: 'the conventional name is taken: no fix',
      schemaConfig: { naming: { tables: 'snake_case', tableNumber: 'plural' } },
      setup: 'CREATE TABLE orders (id bigint PRIMARY KEY); CREATE TABLE "Orders" (id bigint PRIMARY KEY);',
      findings: [{ object: 'public.Orders', message: /that name is taken in schema public/, fix: null }],
    },
    {
      name: 'a singular convention flags plurals',
      schemaConfig: { naming: { tables: 'snake_case', tableNumber: 'plural' } },
      options: { plural: false },
      setup:
        'CREATE TABLE customers (id bigint PRIMARY KEY); CREATE TABLE categories (id bigint PRIMARY KEY);',
      findings: [
        {
          object: 'public.categories',
          message: 'table public.categories is plural (tables are named in the singular): category',
          fix: 'ALTER TABLE public.categories RENAME TO category;',
        },
        { object: 'public.customers', fix: 'ALTER TABLE public.customers RENAME TO customer;' },
      ],
    },
    {
      name: 'no snake_case spelling can be derived',
      schemaConfig: { naming: { tables: 'snake_case', tableNumber: 'plural' } },
      setup: 'CREATE TABLE "2fa_codes" (id bigint PRIMARY KEY);',
      findings: [{ object: 'public.2fa_codes', message: /choose a snake_case name/, fix: null }],
    },
  ],
});
