import rule from '../../../src/rules/plan/repeated-subplan.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { ACCOUNTS_1K, EVENTS } from './data.js';

/** EVENTS indexed on account_id (200 events per account) and the 1,000 accounts they belong to. */
const ACCOUNT_EVENTS = `${EVENTS}
CREATE INDEX events_account_id_idx ON events (account_id);
${ACCOUNTS_1K}`;

const SERIAL = { max_parallel_workers_per_gather: '0' };

/** The seven kinds of EVENTS, materialized once. */
const KINDS_CTE = 'WITH k AS MATERIALIZED (SELECT DISTINCT kind FROM events)';

export default defineCases(rule, {
  valid: [
    {
      name: 'the count written as a join with GROUP BY: no SubPlan',
      setup: ACCOUNT_EVENTS,
      settings: SERIAL,
      explain:
        'SELECT a.id, count(e.id) FROM accounts a LEFT JOIN events e ON e.account_id = a.id GROUP BY a.id',
    },
    {
      name: 'a correlated subquery run for 50 rows only',
      setup: ACCOUNT_EVENTS,
      settings: SERIAL,
      explain:
        'SELECT a.id, (SELECT count(*) FROM events e WHERE e.account_id = a.id) FROM accounts a WHERE a.id < 50',
    },
    {
      name: 'NOT IN over a hashed SubPlan: run once',
      setup: ACCOUNT_EVENTS,
      settings: SERIAL,
      explain:
        "SELECT count(*) FROM accounts a WHERE a.id NOT IN (SELECT account_id FROM events WHERE kind = 'kind 1')",
    },
    {
      name: 'a CTE scanned once, on the outer side of the join',
      setup: ACCOUNT_EVENTS,
      settings: SERIAL,
      explain: `${KINDS_CTE} SELECT count(*) FROM accounts a JOIN k ON k.kind <> a.name`,
    },
  ],
  invalid: [
    {
      name: 'a correlated count(*) in the SELECT list, run for each of 1,000 accounts',
      setup: ACCOUNT_EVENTS,
      settings: SERIAL,
      explain: 'SELECT a.id, (SELECT count(*) FROM events e WHERE e.account_id = a.id) FROM accounts a',
      findings: [
        {
          message:
            /^SubPlan \d+ \(Aggregate \(node 2\)\) ran 1,000 times, once per outer row, for [\d.,]+ m?s \(\d+(\.\d)?% of the query\)$/,
          fix: /^-- rewrite the correlated subquery of SubPlan \d+ as a join/,
        },
      ],
    },
    {
      // without Materialize the planner rescans the CTE (cheap to rescan) once per account
      name: 'a CTE rescanned on the inner side of a nested loop, once per outer row',
      setup: ACCOUNT_EVENTS,
      settings: { ...SERIAL, enable_material: 'off' },
      explain: `${KINDS_CTE} SELECT count(*) FROM accounts a JOIN k ON k.kind <> a.name`,
      findings: [
        {
          message:
            /^CTE k \(CTE Scan on k \(node \d+\)\) ran 1,000 times, once per outer row, for [\d.,]+ m?s/,
          fix: /^-- join CTE k with a hash or merge join instead of rescanning it per row/,
        },
      ],
    },
  ],
});
