import rule from '../../../src/rules/schema/foreign-key-on-delete.js';
import { defineCases } from '../../helpers/rule-tester.js';

const parent = 'CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);';

export default defineCases(rule, {
  valid: [
    {
      name: 'every action chosen',
      setup: `${parent}
        CREATE TABLE orders (id bigint PRIMARY KEY,
          a bigint REFERENCES customers (id) ON DELETE RESTRICT,
          b bigint REFERENCES customers (id) ON DELETE CASCADE,
          c bigint REFERENCES customers (id) ON DELETE SET NULL,
          d bigint DEFAULT 1 REFERENCES customers (id) ON DELETE SET DEFAULT);`,
    },
    {
      name: 'a deferrable foreign key keeps NO ACTION on purpose',
      setup: `${parent}
        CREATE TABLE orders (id bigint PRIMARY KEY,
          customer_id bigint REFERENCES customers (id) DEFERRABLE INITIALLY DEFERRED);`,
    },
    {
      name: 'a deliberate NO ACTION accepted in the COMMENT',
      setup: `${parent}
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));
        COMMENT ON TABLE orders IS 'pgwarden-ignore schema/foreign-key-on-delete: checked at statement end on purpose';`,
    },
  ],
  invalid: [
    {
      name: 'ON DELETE omitted',
      setup: `${parent}
        INSERT INTO customers SELECT FROM generate_series(1, 10);
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));
        INSERT INTO orders SELECT g, 1 + g % 10 FROM generate_series(1, 100) g;`,
      findings: [
        {
          object: 'public.orders.orders_customer_id_fkey',
          severity: 'info',
          message:
            'foreign key orders_customer_id_fkey on public.orders (customer_id) → public.customers has ON DELETE NO ACTION, the default: decide what deleting a public.customers row does to these rows (RESTRICT, CASCADE or SET NULL)',
          fix: [
            '-- ON DELETE RESTRICT keeps what happens today: write the action you chose',
            'ALTER TABLE public.orders ADD CONSTRAINT orders_customer_id_fkey_new FOREIGN KEY (customer_id) REFERENCES public.customers (id) ON DELETE RESTRICT NOT VALID;',
            'ALTER TABLE public.orders VALIDATE CONSTRAINT orders_customer_id_fkey_new;',
            'BEGIN;',
            'ALTER TABLE public.orders DROP CONSTRAINT orders_customer_id_fkey;',
            'ALTER TABLE public.orders RENAME CONSTRAINT orders_customer_id_fkey_new TO orders_customer_id_fkey;',
            'COMMIT;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'an explicit NO ACTION looks the same; ON UPDATE and MATCH FULL are kept; a composite key',
      setup: `CREATE TABLE accounts (tenant_id bigint, id bigint, PRIMARY KEY (tenant_id, id));
        CREATE TABLE "Invoice" (id bigint PRIMARY KEY, tenant_id bigint, account_id bigint,
          CONSTRAINT "Invoice_account" FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id)
            MATCH FULL ON DELETE NO ACTION ON UPDATE CASCADE);`,
      findings: [
        {
          object: 'public.Invoice.Invoice_account',
          fix: /ADD CONSTRAINT "Invoice_account_new" FOREIGN KEY \(tenant_id, account_id\) REFERENCES public.accounts \(tenant_id, id\) MATCH FULL ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;/,
        },
      ],
    },
    {
      name: 'fixAction writes another action',
      options: { fixAction: 'cascade' },
      setup: `${parent}
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));`,
      findings: [
        { fix: /^-- ON DELETE CASCADE: write the action you chose\n.* ON DELETE CASCADE NOT VALID;/ },
      ],
    },
    {
      name: 'a partitioned table (PostgreSQL 18 takes NOT VALID there too)',
      setup: `${parent}
        INSERT INTO customers SELECT FROM generate_series(1, 3);
        CREATE TABLE events (id bigint, at date, customer_id bigint REFERENCES customers (id), PRIMARY KEY (id, at))
          PARTITION BY RANGE (at);
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        INSERT INTO events VALUES (1, '2025-02-01', 1), (2, '2025-03-01', 3);`,
      findings: [{ object: 'public.events.events_customer_id_fkey', fix: /NOT VALID;/ }],
    },
  ],
});
