import rule from '../../../src/rules/schema/duplicate-index.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'indexes that differ in columns, predicate, method, operator class, collation, INCLUDE or uniqueness',
      setup: `CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text, tenant_id bigint);
        CREATE INDEX idx_users_email ON users (email);
        CREATE INDEX idx_users_email_active ON users (email) WHERE name IS NOT NULL;
        CREATE INDEX idx_users_email_hash ON users USING hash (email);
        CREATE INDEX idx_users_email_pattern ON users (email text_pattern_ops);
        CREATE INDEX idx_users_email_c ON users (email COLLATE "C");
        CREATE INDEX idx_users_email_desc ON users (email DESC);
        CREATE INDEX idx_users_email_name ON users (email) INCLUDE (name);
        CREATE UNIQUE INDEX unq_users_email ON users (email);
        CREATE INDEX idx_users_tenant_id_email ON users (tenant_id, email);
        CREATE INDEX idx_users_email_tenant_id ON users (email, tenant_id);`,
    },
    {
      name: 'an INVALID copy is schema/invalid-index’s business',
      setup: `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);
        CREATE INDEX idx_orders_customer_id ON orders (customer_id);
        CREATE INDEX idx_orders_customer_id_ccnew ON orders (customer_id);
        UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'idx_orders_customer_id_ccnew'::regclass;`,
    },
  ],
  invalid: [
    {
      name: 'a unique index beside the UNIQUE constraint on the same column: the constraint’s stays',
      setup: `CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);
        CREATE UNIQUE INDEX users_email_idx ON users (email);
        INSERT INTO users SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 1000) g;`,
      findings: [
        {
          object: 'public.users_email_idx',
          severity: 'warning',
          message:
            /^index public\.users_email_idx duplicates public\.users_email_key on public\.users \(.+\): CREATE UNIQUE INDEX users_email_key ON public\.users USING btree \(email\); CREATE UNIQUE INDEX users_email_idx ON public\.users USING btree \(email\)$/,
          fix: 'DROP INDEX CONCURRENTLY public.users_email_idx;',
        },
      ],
    },
    {
      name: 'two plain indexes: the conventionally named one stays, whatever their fillfactor',
      setup: `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);
        CREATE INDEX orders_customer_id_idx ON orders (customer_id) WITH (fillfactor = 70);
        CREATE INDEX idx_orders_customer_id ON orders (customer_id);`,
      findings: [
        {
          object: 'public.orders_customer_id_idx',
          fix: 'DROP INDEX CONCURRENTLY public.orders_customer_id_idx;',
        },
      ],
    },
    {
      name: 'three copies, none conventional: the oldest stays',
      setup: `CREATE TABLE events (id bigint PRIMARY KEY, kind text, at timestamptz);
        CREATE INDEX events_a ON events (kind, at) WHERE kind IS NOT NULL;
        CREATE INDEX events_b ON events (kind, at) WHERE kind IS NOT NULL;
        CREATE INDEX events_c ON events (kind, at) WHERE kind IS NOT NULL;`,
      findings: [{ object: 'public.events_b' }, { object: 'public.events_c' }],
    },
    {
      name: 'a UNIQUE constraint on the primary key’s column: the constraint goes',
      setup: `CREATE TABLE "Order" (id bigint PRIMARY KEY);
        ALTER TABLE "Order" ADD CONSTRAINT "Order_id_key" UNIQUE (id);`,
      findings: [
        {
          object: 'public.Order_id_key',
          fix: /ALTER TABLE public\."Order" DROP CONSTRAINT "Order_id_key";$/,
        },
      ],
    },
    {
      name: 'on a partitioned table (no CONCURRENTLY there)',
      setup: `CREATE TABLE measurements (id bigint, at date, sensor_id bigint, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
        CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE INDEX idx_measurements_sensor_id ON measurements (sensor_id);
        CREATE INDEX measurements_sensor ON measurements (sensor_id);`,
      findings: [{ object: 'public.measurements_sensor', fix: 'DROP INDEX public.measurements_sensor;' }],
    },
  ],
});
