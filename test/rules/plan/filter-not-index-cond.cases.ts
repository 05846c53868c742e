import rule from '../../../src/rules/plan/filter-not-index-cond.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { CUSTOMER_ORDERS, EVENTS } from './data.js';

const SERIAL = { max_parallel_workers_per_gather: '0' };

/** 100 customers (10,000 orders, clustered): the index on customer_id finds them, the status filter keeps 10%. */
const PAID_OF_100_CUSTOMERS =
  "SELECT * FROM orders WHERE customer_id BETWEEN 100 AND 199 AND status = 'paid'";

export default defineCases(rule, {
  valid: [
    {
      name: 'the filter removes 10% of what the index found',
      setup: CUSTOMER_ORDERS,
      settings: SERIAL,
      explain: "SELECT * FROM orders WHERE customer_id BETWEEN 100 AND 199 AND status <> 'paid'",
    },
    {
      name: 'the filter removes 90%, but only 900 rows (10 customers)',
      setup: CUSTOMER_ORDERS,
      settings: SERIAL,
      explain: "SELECT * FROM orders WHERE customer_id BETWEEN 100 AND 109 AND status = 'paid'",
    },
    {
      // whether the planner takes the composite index or passes it over, there is no index to suggest
      name: 'an index on (status, customer_id) already exists',
      setup: `${CUSTOMER_ORDERS}\nCREATE INDEX orders_status_customer_id_idx ON orders (status, customer_id);`,
      settings: SERIAL,
      explain: PAID_OF_100_CUSTOMERS,
    },
    {
      name: 'a Seq Scan filter is a missing index, not this rule',
      setup: EVENTS,
      settings: SERIAL,
      explain: "SELECT * FROM events WHERE account_id BETWEEN 1 AND 10 AND kind = 'kind 3'",
    },
  ],
  invalid: [
    {
      name: 'Index Scan on customer_id whose status filter removes 90%: (status, customer_id)',
      setup: CUSTOMER_ORDERS,
      settings: SERIAL,
      explain: PAID_OF_100_CUSTOMERS,
      findings: [
        {
          message:
            /^Index Scan using orders_customer_id_idx on public\.orders \(node 1\) finds 10,000 rows with \(\(orders\.customer_id >= 100\) AND \(orders\.customer_id <= 199\)\), then its Filter \(orders\.status = 'paid'::text\) throws away 90% of them; an index on \(status, customer_id\) would find only the rows kept/,
          fix: 'CREATE INDEX CONCURRENTLY idx_orders_status_customer_id ON public.orders (status, customer_id);',
        },
      ],
    },
    {
      // account_id = id % 1000: the 2,000 rows of 10 accounts are spread over the table, so a bitmap scan
      name: 'Bitmap Heap Scan on account_id whose kind filter removes 6 rows in 7: (kind, account_id)',
      setup: `${EVENTS}\nCREATE INDEX events_account_id_idx ON events (account_id);`,
      settings: SERIAL,
      explain: "SELECT * FROM events WHERE account_id BETWEEN 1 AND 10 AND kind = 'kind 3'",
      findings: [
        {
          message:
            /^Bitmap Heap Scan on public\.events \(node 1\) finds 2,000 rows with \(\(events\.account_id >= 1\) AND \(events\.account_id <= 10\)\), then its Filter \(events\.kind = 'kind 3'::text\) throws away 86% of them; an index on \(kind, account_id\) would find only the rows kept/,
          fix: 'CREATE INDEX CONCURRENTLY idx_events_kind_account_id ON public.events (kind, account_id);',
        },
      ],
    },
  ],
});
