import rule from '../../../src/rules/plan/rows-removed-by-filter.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { ACCOUNTS_1K, EVENTS } from './data.js';

const SERIAL = { max_parallel_workers_per_gather: '0' };

export default defineCases(rule, {
  valid: [
    {
      // a plain equality a b-tree index would serve: plan/missing-index reports it
      name: 'a selective equality on a large table is a missing index, not this rule',
      setup: EVENTS,
      settings: SERIAL,
      explain: 'SELECT id FROM events WHERE account_id = 5',
    },
    {
      name: 'a filter that keeps most rows (about 1 in 8 md5 strings has no letter a)',
      setup: EVENTS,
      settings: SERIAL,
      explain: "SELECT count(*) FROM events WHERE payload LIKE '%a%'",
    },
    {
      name: 'a selective filter on a small table: fewer than 1,000 rows removed',
      setup: ACCOUNTS_1K,
      settings: SERIAL,
      explain: "SELECT id FROM accounts WHERE name LIKE '%77%'",
    },
    {
      name: 'an equality join: the hash join needs no Join Filter',
      setup: `${EVENTS}${ACCOUNTS_1K}`,
      settings: SERIAL,
      explain: 'SELECT count(*) FROM accounts a JOIN events e ON e.account_id = a.id',
    },
  ],
  invalid: [
    {
      name: 'a leading-wildcard LIKE scans the table to keep 1%',
      setup: EVENTS,
      settings: SERIAL,
      explain: "SELECT id FROM events WHERE payload LIKE '%abc%'",
      findings: [
        {
          message:
            /^Seq Scan on public\.events \(node 1\): its Filter \(events\.payload ~~ '%abc%'::text\) removes 99% of the rows it reads \([\d,]+ of 200,000\)$/,
          fix: 'CREATE EXTENSION IF NOT EXISTS pg_trgm;\nCREATE INDEX CONCURRENTLY idx_events_payload_trgm ON public.events USING gin (payload gin_trgm_ops);',
        },
      ],
    },
    {
      name: 'an OR across two columns keeps 200 rows of 200,000',
      setup: EVENTS,
      settings: SERIAL,
      explain: "SELECT id FROM events WHERE account_id = 5 OR kind = 'kind 9'",
      findings: [
        {
          message:
            /^Seq Scan on public\.events \(node 1\): its Filter .* OR .* removes 99\.9% of the rows it reads \(199,800 of 200,000\)$/,
          fix: /^-- an index on each column of the OR lets PostgreSQL combine them \(BitmapOr\)/,
        },
      ],
    },
    {
      name: 'a condition applied to the rows of a materialized CTE',
      setup: EVENTS,
      settings: SERIAL,
      explain: 'WITH e AS MATERIALIZED (SELECT * FROM events) SELECT * FROM e WHERE account_id = 5',
      findings: [
        {
          message:
            /^CTE Scan on e \(node 1\): its Filter \(e\.account_id = 5\) removes 99\.9% of the rows it reads \(199,800 of 200,000\)$/,
          fix: /^-- move the condition into the CTE e \(or declare it AS NOT MATERIALIZED/,
        },
      ],
    },
    {
      name: 'a nested loop whose Join Filter (not an equality) rejects almost every pair',
      setup: ACCOUNTS_1K,
      settings: SERIAL,
      explain: 'SELECT count(*) FROM accounts a JOIN accounts b ON abs(a.id - b.id) < 3',
      findings: [
        {
          message:
            /^Nested Loop \(node 2\): its Join Filter \(abs\(\(a\.id - b\.id\)\) < 3\) rejects 99\.\d% of the row pairs the join builds \(995,006 of 1,000,000\)$/,
          fix: /^-- write the join condition as an equality/,
        },
      ],
    },
  ],
});
