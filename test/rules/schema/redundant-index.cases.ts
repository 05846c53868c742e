import rule from '../../../src/rules/schema/redundant-index.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'not a leading prefix, another predicate, unique, INCLUDE not held, INCLUDE not a key, another method',
      setup: `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, placed_at timestamptz, note text, email text);
        CREATE INDEX idx_orders_customer_id_placed_at ON orders (customer_id, placed_at);
        CREATE INDEX idx_orders_placed_at ON orders (placed_at);
        CREATE INDEX idx_orders_customer_id_open ON orders (customer_id) WHERE note IS NULL;
        CREATE UNIQUE INDEX unq_orders_customer_id_note ON orders (customer_id, note);
        CREATE INDEX idx_orders_note ON orders (note) INCLUDE (email);
        CREATE INDEX idx_orders_note_placed_at ON orders (note, placed_at);
        CREATE INDEX idx_orders_email_note ON orders (email, note);
        CREATE INDEX idx_orders_email ON orders (email) INCLUDE (note, placed_at);
        CREATE INDEX idx_orders_email_hash ON orders USING hash (email);
        CREATE INDEX idx_orders_email_lower ON orders (lower(email));
        CREATE INDEX idx_orders_email_desc ON orders (email DESC, placed_at);`,
    },
    {
      name: 'exact duplicates are schema/duplicate-index’s business',
      setup: `CREATE TABLE t (id bigint PRIMARY KEY, a int);
        CREATE INDEX idx_t_a ON t (a);
        CREATE INDEX t_a_idx ON t (a);`,
    },
    {
      name: 'a constraint’s index is never redundant',
      setup: `CREATE TABLE t (a int, b int, CONSTRAINT t_pkey PRIMARY KEY (a));
        CREATE INDEX idx_t_a_b ON t (a, b);`,
    },
  ],
  invalid: [
    {
      name: 'the foreign key’s index, next to a longer one that serves the foreign key too',
      setup: `CREATE TABLE customers (id bigint PRIMARY KEY);
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers, placed_at timestamptz);
        CREATE INDEX idx_orders_customer_id ON orders (customer_id);
        CREATE INDEX idx_orders_customer_id_placed_at ON orders (customer_id, placed_at);
        INSERT INTO customers SELECT generate_series(1, 100);
        INSERT INTO orders SELECT g, 1 + g % 100, now() FROM generate_series(1, 2000) g;`,
      findings: [
        {
          object: 'public.idx_orders_customer_id',
          severity: 'warning',
          message:
            /^index public\.idx_orders_customer_id \(customer_id\) on public\.orders is redundant: public\.idx_orders_customer_id_placed_at \(customer_id, placed_at\) leads with the same key/,
          fix: 'DROP INDEX CONCURRENTLY public.idx_orders_customer_id;',
        },
      ],
    },
    {
      name: 'a plain index on the columns of a unique one',
      setup: `CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE);
        CREATE INDEX idx_users_email ON users (email);`,
      findings: [{ object: 'public.idx_users_email', message: /public\.users_email_key \(email\)/ }],
    },
    {
      name: 'INCLUDE columns held as keys, expressions, the same predicate; the longest cover is named',
      setup: `CREATE TABLE users (id bigint PRIMARY KEY, email text, name text, deleted_at timestamptz);
        CREATE INDEX idx_users_email_name ON users (lower(email)) INCLUDE (name) WHERE deleted_at IS NULL;
        CREATE INDEX idx_users_email_name_id ON users (lower(email), name) WHERE deleted_at IS NULL;
        CREATE INDEX idx_users_email_name_id_2 ON users (lower(email), name, id) WHERE deleted_at IS NULL;`,
      findings: [
        {
          object: 'public.idx_users_email_name',
          message: /idx_users_email_name_id_2 \(lower\(email\), name, id\)/,
        },
        { object: 'public.idx_users_email_name_id' },
      ],
    },
    {
      name: 'names that need quotes',
      setup: `CREATE TABLE "Order" (id bigint PRIMARY KEY, "Customer" bigint, "user" text);
        CREATE INDEX "Order_Customer" ON "Order" ("Customer");
        CREATE INDEX "Order_Customer_user" ON "Order" ("Customer", "user");`,
      findings: [
        { object: 'public.Order_Customer', fix: 'DROP INDEX CONCURRENTLY public."Order_Customer";' },
      ],
    },
  ],
});
