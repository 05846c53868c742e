import rule from '../../../src/rules/plan/nested-loop-many-loops.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { ACCOUNTS_1K, CORRELATED_ADDRESSES, EVENTS, UNINDEXED_REGIONS } from './data.js';

const SERIAL = { max_parallel_workers_per_gather: '0' };
/** Only nested loops: what the planner falls back to when it cannot hash or merge. */
const NESTED_LOOPS_ONLY = { ...SERIAL, enable_hashjoin: 'off', enable_mergejoin: 'off' };

/** Correlated addresses and EVENTS indexed on account_id: 200 events per address to look up. */
const ADDRESS_EVENTS = `${CORRELATED_ADDRESSES}
${EVENTS}
CREATE INDEX events_account_id_idx ON events (account_id);`;

export default defineCases(rule, {
  valid: [
    {
      name: 'a hash join: no nested loop',
      setup: `${EVENTS}${UNINDEXED_REGIONS}`,
      settings: SERIAL,
      explain: 'SELECT count(*) FROM events e JOIN regions r ON r.code = e.account_id WHERE e.id <= 5000',
    },
    {
      name: 'a nested loop over an index lookup, with the outer rows estimated well',
      setup: `${EVENTS}${ACCOUNTS_1K}`,
      settings: { ...NESTED_LOOPS_ONLY, enable_memoize: 'off' },
      explain: 'SELECT count(*) FROM events e JOIN accounts a ON a.id = e.account_id WHERE e.id <= 5000',
    },
    {
      name: 'a nested loop over an unindexed table for 100 outer rows',
      setup: `${EVENTS}${UNINDEXED_REGIONS}`,
      settings: NESTED_LOOPS_ONLY,
      explain: 'SELECT count(*) FROM events e JOIN regions r ON r.code = e.account_id WHERE e.id <= 100',
    },
  ],
  invalid: [
    {
      name: 'the planner expected 20 outer rows (correlated columns), got 2,000 lookups',
      setup: ADDRESS_EVENTS,
      settings: SERIAL,
      explain:
        'SELECT count(*) FROM addresses a JOIN events e ON e.account_id = a.account_id WHERE a.city = 7 AND a.zip = 7',
      findings: [
        {
          message:
            /^Nested Loop \(node 2\) ran .* on public\.events e \(node 4\) 2,000 times: the planner expected \d+ outer rows and got 2,000; with the right estimate it would pick a hash or merge join\. The estimate goes wrong at Seq Scan on public\.addresses a \(node 3\): it tests city, zip together and the planner treats them as independent$/,
          fix: 'CREATE STATISTICS addresses_city_zip_stats (dependencies, mcv) ON city, zip FROM public.addresses;\nANALYZE public.addresses;',
        },
      ],
    },
    {
      name: 'a table without an index on the join key, scanned again for each of 5,000 outer rows',
      setup: `${EVENTS}${UNINDEXED_REGIONS}`,
      settings: NESTED_LOOPS_ONLY,
      explain: 'SELECT count(*) FROM events e JOIN regions r ON r.code = e.account_id WHERE e.id <= 5000',
      findings: [
        {
          message:
            /^Nested Loop \(node 2\) ran Materialize \(node 4\) 5,000 times, each time scanning the table without an index on the join key; an index on \(code\) lets each loop look up its rows/,
          fix: 'CREATE INDEX CONCURRENTLY idx_regions_code ON public.regions (code);',
        },
      ],
    },
  ],
});
