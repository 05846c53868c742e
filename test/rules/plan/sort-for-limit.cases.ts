import rule from '../../../src/rules/plan/sort-for-limit.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { ACCOUNTS_1K, EVENTS } from './data.js';

const SERIAL = { max_parallel_workers_per_gather: '0' };

export default defineCases(rule, {
  valid: [
    {
      name: 'an index in the ORDER BY order: the Limit reads 20 entries, no Sort',
      setup: `${EVENTS}
CREATE INDEX events_created_at_idx ON events (created_at);`,
      settings: SERIAL,
      explain: 'SELECT * FROM events ORDER BY created_at DESC LIMIT 20',
    },
    {
      name: 'a small table: 1,000 rows sorted',
      setup: ACCOUNTS_1K,
      settings: SERIAL,
      explain: 'SELECT * FROM accounts ORDER BY name LIMIT 5',
    },
    {
      name: 'a Limit that keeps a quarter of the sorted rows',
      setup: EVENTS,
      settings: SERIAL,
      explain: 'SELECT * FROM events ORDER BY created_at DESC LIMIT 50000',
    },
    {
      name: 'ORDER BY without LIMIT',
      setup: EVENTS,
      settings: SERIAL,
      explain: 'SELECT id FROM events ORDER BY created_at DESC',
    },
  ],
  invalid: [
    {
      name: 'the 20 latest of 200,000 rows: a top-N sort of the whole table',
      setup: EVENTS,
      settings: SERIAL,
      explain: 'SELECT * FROM events ORDER BY created_at DESC LIMIT 20',
      findings: [
        {
          message:
            /^Limit \(node 1\) returns 20 rows, but first Sort \(node 2\) sorts all 200,000 rows \(top-N heapsort, key events\.created_at DESC\); an index on \(created_at DESC\) returns them in order without sorting/,
          fix: 'CREATE INDEX CONCURRENTLY idx_events_created_at ON public.events (created_at DESC);',
        },
      ],
    },
    {
      name: 'an equality filter, then a parallel sort under a Gather Merge: the index leads with the filtered column',
      setup: EVENTS,
      settings: { max_parallel_workers_per_gather: '2', parallel_setup_cost: '0', parallel_tuple_cost: '0' },
      explain: "SELECT * FROM events WHERE kind = 'kind 3' ORDER BY created_at DESC LIMIT 10",
      findings: [
        {
          message:
            /^Limit \(node 1\) returns 10 rows, but first Sort \(node 3\) sorts all 28,572 rows \(top-N heapsort, key events\.created_at DESC\); an index on \(kind, created_at DESC\) returns them in order without sorting/,
          fix: 'CREATE INDEX CONCURRENTLY idx_events_kind_created_at ON public.events (kind, created_at DESC);',
        },
      ],
    },
  ],
});
