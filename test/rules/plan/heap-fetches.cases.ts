import rule from '../../../src/rules/plan/heap-fetches.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { CUSTOMER_ORDERS } from './data.js';

const SERIAL = { max_parallel_workers_per_gather: '0' };

/** The orders, loaded and analyzed but never vacuumed (autovacuum off, so it cannot run before the query). */
const UNVACUUMED = `${CUSTOMER_ORDERS}\nALTER TABLE orders SET (autovacuum_enabled = false);`;

/**
 * The orders, vacuumed. The embedded server runs with synchronous_commit off: a VACUUM right after the load may
 * find the inserting transaction's commit not yet flushed, leave its rows without hint bits, and so mark no page
 * all-visible. Committing the load synchronously lets the VACUUM after the setup set the visibility map.
 */
const VACUUMED = `SET synchronous_commit = on;\n${CUSTOMER_ORDERS}`;

export default defineCases(rule, {
  valid: [
    {
      name: 'a vacuumed table: the visibility map answers for every page',
      setup: VACUUMED,
      settings: SERIAL,
      explain: 'SELECT customer_id FROM orders WHERE customer_id BETWEEN 100 AND 199',
    },
    {
      name: 'never vacuumed, but LIMIT 50 stops the Index Only Scan after 50 heap fetches (fewer than 100)',
      setup: UNVACUUMED,
      vacuum: false,
      settings: SERIAL,
      explain:
        'SELECT customer_id FROM orders WHERE customer_id BETWEEN 100 AND 199 ORDER BY customer_id LIMIT 50',
    },
    {
      name: 'an Index Scan (not index-only) reads the table anyway',
      setup: UNVACUUMED,
      vacuum: false,
      settings: SERIAL,
      explain: 'SELECT * FROM orders WHERE customer_id BETWEEN 100 AND 199',
    },
  ],
  invalid: [
    {
      name: 'never vacuumed: the Index Only Scan fetches every row from the table',
      setup: UNVACUUMED,
      vacuum: false,
      settings: SERIAL,
      explain: 'SELECT customer_id FROM orders WHERE customer_id BETWEEN 100 AND 199',
      findings: [
        {
          message:
            'Index Only Scan using orders_customer_id_idx on public.orders (node 1) fetched 10,000 rows from the table (100% of the rows it read): the visibility map does not mark their pages all-visible (0.0% of its pages are all-visible; never vacuumed), so the index-only scan still reads the table',
          fix: 'VACUUM (ANALYZE) public.orders;',
        },
      ],
    },
    {
      name: 'a count over an index range on a never-vacuumed table',
      setup: UNVACUUMED,
      vacuum: false,
      settings: SERIAL,
      explain: 'SELECT count(*) FROM orders WHERE customer_id < 500',
      findings: [
        {
          message:
            /^Index Only Scan using orders_customer_id_idx on public\.orders \(node 2\) fetched 49,999 rows from the table \(100% of the rows it read\)/,
          fix: 'VACUUM (ANALYZE) public.orders;',
        },
      ],
    },
  ],
});
