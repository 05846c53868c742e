import rule from '../../../src/rules/plan/planning-time.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { cliqueJoinQuery, EVENTS, joinTables } from './data.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'a one-table query plans in well under 10 ms',
      setup: EVENTS,
      explain: 'SELECT count(*) FROM events WHERE account_id = 7',
    },
    {
      name: 'ten joins in written order (join_collapse_limit = 1): no join order search',
      setup: joinTables(10),
      settings: { join_collapse_limit: '1' },
      explain: cliqueJoinQuery(10, true),
    },
    {
      // planning over 10 ms, but a second of execution makes it a few percent of the statement
      name: 'eight joins planned in tens of ms, executed in a second',
      setup: joinTables(8),
      explain: cliqueJoinQuery(8).replace('count(*)', 'count(*), pg_sleep(1)'),
    },
    {
      name: 'plan only: no planning time measured',
      setup: joinTables(10),
      explain: cliqueJoinQuery(10),
      noAnalyze: true,
    },
  ],
  invalid: [
    {
      name: 'ten tables all joined to each other: the join order search dwarfs executing on empty tables',
      setup: joinTables(10),
      explain: cliqueJoinQuery(10),
      findings: [
        {
          message: /^planning took [\d.]+ m?s, (9\d|100)(\.\d)?% of the statement's [\d.]+ m?s$/,
          fix: "-- prepare the statement (PREPARE / EXECUTE, or your driver's prepared statements) so its plan is reused",
        },
      ],
    },
    {
      name: 'the same joins written as JOIN … ON, reordered (join_collapse_limit = 10)',
      setup: joinTables(10),
      settings: { join_collapse_limit: '10' },
      explain: cliqueJoinQuery(10, true),
      findings: [{ message: /^planning took [\d.]+ m?s, (9\d|100)(\.\d)?% of the statement's/ }],
    },
  ],
});
