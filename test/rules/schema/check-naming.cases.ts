import rule from '../../../src/rules/schema/check-naming.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'chk_{table}_{column}, with a suffix when a column has several checks',
      setup: `CREATE TABLE products (id bigint PRIMARY KEY, price numeric NOT NULL, name text NOT NULL,
          CONSTRAINT chk_products_price CHECK (price >= 0),
          CONSTRAINT chk_products_price_max CHECK (price < 1000000),
          CONSTRAINT chk_products_name CHECK (name <> ''));`,
    },
    {
      name: 'a check over several columns needs the prefix and a word',
      setup: `CREATE TABLE bookings (id bigint PRIMARY KEY, starts_at timestamptz, ends_at timestamptz,
          CONSTRAINT chk_bookings_period CHECK (starts_at < ends_at));`,
    },
    {
      name: 'NOT NULL constraints (pg_constraint on PostgreSQL 18) are not checks',
      setup: 'CREATE TABLE notes (id bigint PRIMARY KEY, body text CONSTRAINT body_required NOT NULL);',
    },
    {
      name: "checks a partition inherits keep their parent's name",
      setup: `CREATE TABLE events (id bigint, at date, kind text, PRIMARY KEY (id, at),
          CONSTRAINT chk_events_kind CHECK (kind <> '')) PARTITION BY RANGE (at);
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');`,
    },
    {
      name: 'a reserved-word table and column',
      setup:
        'CREATE TABLE "order" (id bigint PRIMARY KEY, "desc" text, CONSTRAINT chk_order_desc CHECK ("desc" <> \'\'));',
    },
  ],
  invalid: [
    {
      name: 'PostgreSQL generated names',
      setup: `CREATE TABLE orders (id bigint PRIMARY KEY, total numeric CHECK (total >= 0), qty int CHECK (qty > 0) CHECK (qty < 100));`,
      findings: [
        {
          object: 'public.orders.orders_qty_check',
          severity: 'warning',
          message: 'check constraint orders_qty_check on public.orders (qty) is not named chk_orders_qty',
          fix: 'ALTER TABLE public.orders RENAME CONSTRAINT orders_qty_check TO chk_orders_qty;',
        },
        {
          object: 'public.orders.orders_qty_check1',
          message: /another constraint of the table has that name: add a suffix/,
          fix: null,
        },
        {
          object: 'public.orders.orders_total_check',
          fix: 'ALTER TABLE public.orders RENAME CONSTRAINT orders_total_check TO chk_orders_total;',
        },
      ],
    },
    {
      name: 'a multi-column check without the prefix',
      setup: `CREATE TABLE bookings (id bigint PRIMARY KEY, starts_at timestamptz, ends_at timestamptz,
          CHECK (starts_at < ends_at));`,
      findings: [
        {
          object: 'public.bookings.bookings_check',
          message:
            'check constraint bookings_check on public.bookings (starts_at, ends_at) does not start with chk_bookings_: for example chk_bookings_starts_at_ends_at',
          fix: 'ALTER TABLE public.bookings RENAME CONSTRAINT bookings_check TO chk_bookings_starts_at_ends_at;',
        },
      ],
    },
    {
      name: 'a check that reads no column, on a partitioned table',
      setup: `CREATE TABLE events (id bigint, at date, PRIMARY KEY (id, at), CONSTRAINT always CHECK (true))
        PARTITION BY RANGE (at);
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');`,
      findings: [
        { object: 'public.events.always', message: /name it chk_events_<what it checks>/, fix: null },
      ],
    },
    {
      name: 'a mixed-case column, a partitioned table (the rename reaches the partitions)',
      setup: `CREATE TABLE "Events" (id bigint, at date, "Kind" text, PRIMARY KEY (id, at),
          CONSTRAINT kind_not_empty CHECK ("Kind" <> '')) PARTITION BY RANGE (at);
        CREATE TABLE events_2025 PARTITION OF "Events" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');`,
      findings: [
        {
          object: 'public.Events.kind_not_empty',
          fix: 'ALTER TABLE public."Events" RENAME CONSTRAINT kind_not_empty TO chk_events_kind;',
        },
      ],
    },
    {
      name: 'a NOT VALID check',
      setup: `CREATE TABLE payments (id bigint PRIMARY KEY, amount numeric);
        ALTER TABLE payments ADD CONSTRAINT positive CHECK (amount > 0) NOT VALID;`,
      findings: [
        {
          object: 'public.payments.positive',
          fix: 'ALTER TABLE public.payments RENAME CONSTRAINT positive TO chk_payments_amount;',
        },
      ],
    },
  ],
});
