import rule from '../../../src/rules/schema/index-naming.js';
import { defineCases } from '../../helpers/rule-tester.js';

const orders = `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, status text, placed_at timestamptz,
  shipped_at timestamptz, data jsonb, note text);`;

export default defineCases(rule, {
  valid: [
    {
      name: 'idx_{table}_{columns}, columns in key order, INCLUDE left out',
      setup: `${orders}
        CREATE INDEX idx_orders_customer_id ON orders (customer_id);
        CREATE INDEX idx_orders_status_placed_at ON orders (status, placed_at DESC) INCLUDE (note);`,
    },
    {
      name: 'expression indexes are named by the columns they read, with any suffix',
      setup: `${orders}
        CREATE INDEX idx_orders_note ON orders (lower(note));
        CREATE INDEX idx_orders_data_sku ON orders ((data ->> 'sku'));
        CREATE INDEX idx_orders_placed_at_day ON orders (date_trunc('day', placed_at AT TIME ZONE 'UTC'));
        CREATE INDEX idx_orders_data ON orders USING gin (data jsonb_path_ops);`,
    },
    {
      name: 'partial indexes may add a suffix; a number disambiguates',
      setup: `${orders}
        CREATE INDEX idx_orders_customer_id_open ON orders (customer_id) WHERE shipped_at IS NULL;
        CREATE INDEX idx_orders_status ON orders (status);
        CREATE INDEX idx_orders_status_2 ON orders (status) WHERE status <> 'done';`,
    },
    {
      name: "unique indexes and constraint indexes are unique-naming's; an expression reading no column needs the prefix only",
      setup: `${orders}
        CREATE UNIQUE INDEX orders_note_key ON orders (note);
        ALTER TABLE orders ADD CONSTRAINT orders_status_uq UNIQUE (status);
        CREATE INDEX idx_orders_recent ON orders ((1)) WHERE placed_at > '2025-01-01';`,
    },
    {
      name: 'a conventional name over 63 bytes: the prefix is enough',
      setup: `CREATE TABLE customer_subscription_renewals (id bigint PRIMARY KEY,
          previous_subscription_renewal_id bigint, renewal_requested_at timestamptz);
        CREATE INDEX idx_customer_subscription_renewals_previous_renewal ON customer_subscription_renewals
          (previous_subscription_renewal_id, renewal_requested_at);`,
    },
    {
      name: 'the tenant column may be left out of the name, or kept',
      setup: `CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id uuid, customer_id bigint, due_on date);
        CREATE INDEX idx_invoices_customer_id ON invoices (tenant_id, customer_id);
        CREATE INDEX idx_invoices_tenant_id_due_on ON invoices (tenant_id, due_on);
        CREATE INDEX idx_invoices_tenant_id ON invoices (tenant_id);`,
    },
    {
      name: 'a table named by a reserved word',
      setup: `CREATE TABLE "order" (id bigint PRIMARY KEY, customer_id bigint);
        CREATE INDEX idx_order_customer_id ON "order" (customer_id);`,
    },
    {
      name: 'another template',
      options: { template: '{table}_{columns}_idx' },
      setup: `${orders} CREATE INDEX orders_customer_id_idx ON orders (customer_id);`,
    },
  ],
  invalid: [
    {
      name: 'PostgreSQL generated names, under pgwarden’s template',
      options: { template: 'idx_{table}_{columns}' },
      setup: `${orders}
        CREATE INDEX ON orders (customer_id);
        CREATE INDEX ON orders (status, placed_at);
        CREATE INDEX ON orders (lower(note));`,
      findings: [
        {
          object: 'public.orders_customer_id_idx',
          severity: 'warning',
          message:
            'index public.orders_customer_id_idx on public.orders (customer_id) is not named idx_orders_customer_id',
          fix: 'ALTER INDEX public.orders_customer_id_idx RENAME TO idx_orders_customer_id;',
        },
        {
          object: 'public.orders_lower_idx',
          fix: 'ALTER INDEX public.orders_lower_idx RENAME TO idx_orders_note;',
        },
        {
          object: 'public.orders_status_placed_at_idx',
          fix: 'ALTER INDEX public.orders_status_placed_at_idx RENAME TO idx_orders_status_placed_at;',
        },
      ],
    },
    {
      name: 'PostgreSQL’s names, detected as the project’s template: only the index that breaks it',
      setup: `${orders}
        CREATE INDEX ON orders (customer_id);
        CREATE INDEX ON orders (status, placed_at);
        CREATE INDEX ON orders (lower(note));`,
      findings: [
        {
          object: 'public.orders_lower_idx',
          message: 'index public.orders_lower_idx on public.orders (note) is not named orders_note_idx',
          fix: 'ALTER INDEX public.orders_lower_idx RENAME TO orders_note_idx;',
        },
      ],
    },
    {
      name: 'Prisma’s names in a camelCase schema, detected: the fix keeps the project’s spelling',
      setup: `CREATE TABLE "Post" ("id" serial PRIMARY KEY, "authorId" int, "publishedAt" timestamp(3), "categoryId" int);
        CREATE INDEX "Post_authorId_idx" ON "Post" ("authorId");
        CREATE INDEX "Post_publishedAt_idx" ON "Post" ("publishedAt");
        CREATE INDEX "PostsByCategory" ON "Post" ("categoryId");`,
      findings: [
        {
          object: 'public.PostsByCategory',
          message:
            'index public.PostsByCategory on public.Post (category_id) is not named Post_categoryId_idx',
          fix: 'ALTER INDEX public."PostsByCategory" RENAME TO "Post_categoryId_idx";',
        },
      ],
    },
    {
      name: 'a suffix is not tolerated on a plain index; free-form names',
      setup: `${orders}
        CREATE INDEX idx_orders_customer_id_fast ON orders (customer_id);
        CREATE INDEX my_index ON orders (placed_at);`,
      findings: [
        {
          object: 'public.idx_orders_customer_id_fast',
          fix: 'ALTER INDEX public.idx_orders_customer_id_fast RENAME TO idx_orders_customer_id;',
        },
        { object: 'public.my_index', fix: 'ALTER INDEX public.my_index RENAME TO idx_orders_placed_at;' },
      ],
    },
    {
      name: 'quoted names, a table with a mixed-case name, a partitioned table',
      schemaConfig: { naming: { tables: 'snake_case', columns: 'snake_case' } },
      setup: `CREATE TABLE "Events" (id bigint, at date, "Kind" text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
        CREATE TABLE events_2025 PARTITION OF "Events" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE INDEX "EventsByKind" ON "Events" ("Kind");`,
      findings: [
        {
          object: 'public.EventsByKind',
          message: 'index public.EventsByKind on public.Events (kind) is not named idx_events_kind',
          fix: 'ALTER INDEX public."EventsByKind" RENAME TO idx_events_kind;',
        },
      ],
    },
    {
      name: 'the tenant column cannot be left out when tenancy is off',
      schemaConfig: { tenancy: { mode: 'off' } },
      setup: `CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id uuid, customer_id bigint);
        CREATE INDEX idx_invoices_customer_id ON invoices (tenant_id, customer_id);`,
      findings: [
        {
          object: 'public.idx_invoices_customer_id',
          fix: 'ALTER INDEX public.idx_invoices_customer_id RENAME TO idx_invoices_tenant_id_customer_id;',
        },
      ],
    },
    {
      name: 'two indexes want the same name: the second gets no fix',
      setup: `${orders}
        CREATE INDEX a ON orders (customer_id);
        CREATE INDEX b ON orders (customer_id DESC);`,
      findings: [
        { object: 'public.a', fix: 'ALTER INDEX public.a RENAME TO idx_orders_customer_id;' },
        { object: 'public.b', message: /that name is taken in schema public/, fix: null },
      ],
    },
    {
      name: 'over 63 bytes: renamed to a cut name with a hash',
      setup: `CREATE TABLE customer_subscription_renewals (id bigint PRIMARY KEY,
          previous_subscription_renewal_id bigint, renewal_requested_at timestamptz);
        CREATE INDEX renewals_prev ON customer_subscription_renewals (previous_subscription_renewal_id, renewal_requested_at);`,
      findings: [
        {
          object: 'public.renewals_prev',
          fix: /^ALTER INDEX public.renewals_prev RENAME TO idx_customer_subscription_renewals_previous_subscripti_[0-9a-f]{8};$/,
        },
      ],
    },
  ],
});
