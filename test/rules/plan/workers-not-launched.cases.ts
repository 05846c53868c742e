import rule from '../../../src/rules/plan/workers-not-launched.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EVENTS } from './data.js';

/** Parallel plans at any size: the planner plans 2 workers for a scan of EVENTS. */
const PARALLEL = {
  max_parallel_workers_per_gather: '2',
  parallel_setup_cost: '0',
  parallel_tuple_cost: '0',
  min_parallel_table_scan_size: '0',
};

export default defineCases(rule, {
  valid: [
    {
      name: 'no parallel plan (max_parallel_workers_per_gather = 0)',
      setup: EVENTS,
      settings: { ...PARALLEL, max_parallel_workers_per_gather: '0', max_parallel_workers: '0' },
      explain: 'SELECT count(*) FROM events',
    },
    {
      name: 'plan only: workers planned, none launched yet',
      setup: EVENTS,
      settings: { ...PARALLEL, max_parallel_workers: '0' },
      explain: 'SELECT count(*) FROM events',
      noAnalyze: true,
    },
  ],
  invalid: [
    {
      name: 'Gather planned 2 workers, max_parallel_workers = 0 launched none',
      setup: EVENTS,
      settings: { ...PARALLEL, max_parallel_workers: '0' },
      explain: 'SELECT count(*) FROM events',
      findings: [
        {
          message:
            /^Gather \(node 2\) planned 2 workers but launched 0 \(max_parallel_workers = 0\): the query ran with 1 process instead of 3$/,
          fix: 'SET max_parallel_workers = 8;',
        },
      ],
    },
    {
      // one worker at most: 1 launched, or 0 if another session holds the server's workers at that moment
      name: 'Gather Merge planned 2 workers, max_parallel_workers = 1 launched fewer',
      setup: EVENTS,
      settings: { ...PARALLEL, max_parallel_workers: '1' },
      explain: 'SELECT id, payload FROM events ORDER BY payload',
      findings: [
        {
          message:
            /^Gather Merge \(node 1\) planned 2 workers but launched [01] \(max_parallel_workers = 1\)/,
          fix: 'SET max_parallel_workers = 8;',
        },
      ],
    },
  ],
});
