import rule from '../../../src/rules/schema/unused-index.js';
import { defineCases } from '../../helpers/rule-tester.js';

const orders = `CREATE TABLE customers (id bigint PRIMARY KEY);
  CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers, number text UNIQUE, note text);
  CREATE INDEX idx_orders_customer_id ON orders (customer_id);
  CREATE INDEX idx_orders_note ON orders (note);
  INSERT INTO customers SELECT generate_series(1, 100);
  INSERT INTO orders SELECT g, 1 + g % 100, 'N' || g, 'note ' || g FROM generate_series(1, 5000) g;
  SELECT pg_stat_force_next_flush();`;

export default defineCases(rule, {
  valid: [
    {
      name: 'a database created just now, never reset: its statistics are too recent (default minStatsDays 7)',
      setup: orders,
    },
    {
      name: 'statistics reset just now (default minStatsDays 7)',
      setup: `${orders}
        SELECT pg_stat_reset();`,
    },
    {
      name: 'an index the queries use',
      options: { minStatsDays: 0 },
      setup: `${orders}
        SET enable_seqscan = off;
        SELECT count(*) FROM orders WHERE note = 'note 7';
        RESET enable_seqscan;
        SELECT pg_stat_force_next_flush();`,
    },
    {
      name: 'a shadow database has no usage to read',
      source: 'shadow',
      options: { minStatsDays: 0 },
      setup: orders,
    },
  ],
  invalid: [
    {
      // (the tester sets the rule's level when a case has options: the info of a small index shows only in use)
      name: 'never scanned (minStatsDays 0); the keys, the unique index and the foreign key’s index are left alone',
      options: { minStatsDays: 0 },
      setup: orders,
      findings: [
        {
          object: 'public.idx_orders_note',
          message:
            /^index public\.idx_orders_note on public\.orders has had no scan in 0\.0 days of statistics \(since \d{4}-\d\d-\d\d\) and takes \d+ kB, while 5,000 inserted or \(non-HOT\) updated rows maintained it — check the replicas' statistics too: CREATE INDEX idx_orders_note ON public\.orders USING btree \(note\)$/,
          fix: 'DROP INDEX CONCURRENTLY public.idx_orders_note;',
        },
      ],
    },
    {
      name: 'a warning from smallIndexBytes on; an expression index says its statistics may matter',
      options: { minStatsDays: 0, smallIndexBytes: 0, maxScans: 5 },
      setup: `CREATE TABLE users (id bigint PRIMARY KEY, email text);
        CREATE INDEX idx_users_email_lower ON users (lower(email));
        INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 100) g;
        SET enable_seqscan = off;
        SELECT count(*) FROM users WHERE lower(email) = 'u7';
        RESET enable_seqscan;
        SELECT pg_stat_force_next_flush();`,
      findings: [
        {
          object: 'public.idx_users_email_lower',
          severity: 'warning',
          message: /has had 1 scans .*its expression statistics may still guide the planner/,
        },
      ],
    },
  ],
});
