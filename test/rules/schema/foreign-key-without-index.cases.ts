import rule from '../../../src/rules/schema/foreign-key-without-index.js';
import { defineCases } from '../../helpers/rule-tester.js';

const parent = 'CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);';

export default defineCases(rule, {
  valid: [
    {
      name: 'an index on the foreign key column',
      setup: `${parent}
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));
        CREATE INDEX idx_orders_customer_id ON orders (customer_id);`,
    },
    {
      name: 'a multi-column index that leads with the key serves it',
      setup: `${parent}
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), placed_at timestamptz);
        CREATE INDEX idx_orders_customer_id_placed_at ON orders (customer_id, placed_at);`,
    },
    {
      name: 'a composite key served by an index on its columns in another order',
      setup: `CREATE TABLE accounts (tenant_id bigint, id bigint, PRIMARY KEY (tenant_id, id));
        CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id bigint, account_id bigint, number int,
          FOREIGN KEY (account_id, tenant_id) REFERENCES accounts (id, tenant_id));
        CREATE INDEX idx_invoices_tenant_id_account_id_number ON invoices (tenant_id, account_id, number);`,
    },
    {
      name: 'the primary key (or a unique key) that leads with the column serves it',
      setup: `CREATE TABLE orders (id bigint PRIMARY KEY);
        CREATE TABLE products (id bigint PRIMARY KEY);
        CREATE TABLE order_items (order_id bigint REFERENCES orders (id), product_id bigint REFERENCES products (id),
          PRIMARY KEY (order_id, product_id), UNIQUE (product_id, order_id));`,
    },
    {
      name: 'a partitioned table whose partitioned index serves the key',
      setup: `${parent}
        CREATE TABLE events (id bigint, at date, customer_id bigint REFERENCES customers (id), PRIMARY KEY (id, at))
          PARTITION BY RANGE (at);
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE INDEX idx_events_customer_id ON events (customer_id);`,
    },
  ],
  invalid: [
    {
      name: 'no index at all (shadow: size unknown, a warning)',
      source: 'shadow',
      setup: `${parent}
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));`,
      findings: [
        {
          object: 'public.orders.orders_customer_id_fkey',
          severity: 'warning',
          message:
            'foreign key orders_customer_id_fkey on public.orders (customer_id) → public.customers(id) has no index leading with its columns: each DELETE or key UPDATE on public.customers scans public.orders',
          fix: 'CREATE INDEX CONCURRENTLY idx_orders_customer_id ON public.orders (customer_id);',
        },
      ],
    },
    {
      name: 'a small table on a live database is info; a large one a warning',
      setup: `${parent}
        INSERT INTO customers SELECT FROM generate_series(1, 100);
        CREATE TABLE notes (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));
        INSERT INTO notes SELECT g, 1 + g % 100 FROM generate_series(1, 50) g;
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));
        INSERT INTO orders SELECT g, 1 + g % 100 FROM generate_series(1, 20000) g;`,
      findings: [
        { object: 'public.notes.notes_customer_id_fkey', severity: 'info', message: /\(~50 rows\)$/ },
        {
          object: 'public.orders.orders_customer_id_fkey',
          severity: 'warning',
          message: /\(~20,000 rows\)$/,
        },
      ],
    },
    {
      name: 'smallTableRows is an option',
      options: { smallTableRows: 10 },
      setup: `${parent}
        CREATE TABLE notes (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));
        INSERT INTO notes SELECT g, NULL FROM generate_series(1, 50) g;`,
      findings: [{ severity: 'warning' }],
    },
    {
      name: 'an index on the second column only, a partial index and a hash index do not serve',
      setup: `${parent}
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), placed_at timestamptz);
        CREATE INDEX idx_orders_placed_at_customer_id ON orders (placed_at, customer_id);
        CREATE INDEX idx_orders_open ON orders (customer_id) WHERE placed_at IS NULL;
        CREATE INDEX idx_orders_customer_hash ON orders USING hash (customer_id);`,
      findings: [
        {
          message:
            /\(idx_orders_customer_hash is a hash index; idx_orders_open \(customer_id\) WHERE \(placed_at IS NULL\) is partial\)/,
          fix: 'CREATE INDEX CONCURRENTLY idx_orders_customer_id ON public.orders (customer_id);',
        },
      ],
    },
    {
      name: 'a composite key: (b) alone does not serve (a, b)',
      setup: `CREATE TABLE accounts (tenant_id bigint, id bigint, PRIMARY KEY (tenant_id, id));
        CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id bigint, account_id bigint,
          FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id));
        CREATE INDEX idx_invoices_account_id ON invoices (account_id);`,
      findings: [
        {
          fix: 'CREATE INDEX CONCURRENTLY idx_invoices_tenant_id_account_id ON public.invoices (tenant_id, account_id);',
        },
      ],
    },
    {
      name: 'an invalid index (failed concurrent build) is dropped and rebuilt under its name',
      setup: `${parent}
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));
        CREATE INDEX idx_orders_customer_id ON orders (customer_id);
        UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'idx_orders_customer_id'::regclass;`,
      findings: [
        {
          message: /\(idx_orders_customer_id is INVALID \(a failed concurrent build\)\)/,
          fix: 'DROP INDEX CONCURRENTLY public.idx_orders_customer_id;\nCREATE INDEX CONCURRENTLY idx_orders_customer_id ON public.orders (customer_id);',
        },
      ],
    },
    {
      name: 'the name is taken by another relation; names that need quoting',
      setup: `CREATE TABLE "Customer" (id bigint PRIMARY KEY);
        CREATE TABLE "Order" (id bigint PRIMARY KEY, "customerId" bigint REFERENCES "Customer" (id));
        CREATE TABLE "idx_Order_customerId" (id int);`,
      findings: [
        {
          object: 'public.Order.Order_customerId_fkey',
          fix: 'CREATE INDEX CONCURRENTLY "idx_Order_customerId_2" ON public."Order" ("customerId");',
        },
      ],
    },
    {
      name: 'a long name is cut to 63 bytes',
      setup: `${parent}
        CREATE TABLE customer_subscription_renewal_reminders (id bigint PRIMARY KEY,
          the_customer_that_receives_the_reminder bigint REFERENCES customers (id));`,
      findings: [
        {
          fix: /^CREATE INDEX CONCURRENTLY idx_customer_subscription_renewal_reminders_the_custom_[0-9a-f]{8} ON/,
        },
      ],
    },
    {
      name: 'a partitioned table: index ON ONLY the parent, each partition built concurrently and attached',
      setup: `${parent}
        CREATE TABLE events (id bigint, at date, customer_id bigint REFERENCES customers (id), PRIMARY KEY (id, at))
          PARTITION BY RANGE (at);
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')
          PARTITION BY HASH (id);
        CREATE TABLE events_2025_0 PARTITION OF events_2025 FOR VALUES WITH (MODULUS 2, REMAINDER 0);
        CREATE TABLE events_2025_1 PARTITION OF events_2025 FOR VALUES WITH (MODULUS 2, REMAINDER 1);
        CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');`,
      findings: [
        {
          object: 'public.events.events_customer_id_fkey',
          fix: [
            'CREATE INDEX idx_events_customer_id ON ONLY public.events (customer_id);',
            'CREATE INDEX idx_events_2025_customer_id ON ONLY public.events_2025 (customer_id);',
            'ALTER INDEX public.idx_events_customer_id ATTACH PARTITION public.idx_events_2025_customer_id;',
            'CREATE INDEX CONCURRENTLY idx_events_2025_0_customer_id ON public.events_2025_0 (customer_id);',
            'ALTER INDEX public.idx_events_2025_customer_id ATTACH PARTITION public.idx_events_2025_0_customer_id;',
            'CREATE INDEX CONCURRENTLY idx_events_2025_1_customer_id ON public.events_2025_1 (customer_id);',
            'ALTER INDEX public.idx_events_2025_customer_id ATTACH PARTITION public.idx_events_2025_1_customer_id;',
            'CREATE INDEX CONCURRENTLY idx_events_2026_customer_id ON public.events_2026 (customer_id);',
            'ALTER INDEX public.idx_events_customer_id ATTACH PARTITION public.idx_events_2026_customer_id;',
          ].join('\n'),
        },
      ],
    },
  ],
});
