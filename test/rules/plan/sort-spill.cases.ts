import rule from '../../../src/rules/plan/sort-spill.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EVENTS } from './data.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'the sort fits in work_mem',
      setup: EVENTS,
      settings: { work_mem: '64MB' },
      explain: 'SELECT id, payload FROM events ORDER BY payload',
    },
    {
      name: 'plan only: no sort figures to judge',
      setup: EVENTS,
      settings: { work_mem: '64kB' },
      explain: 'SELECT id, payload FROM events ORDER BY payload',
      noAnalyze: true,
    },
  ],
  invalid: [
    {
      name: 'external merge at work_mem 64kB',
      setup: EVENTS,
      settings: { work_mem: '64kB', max_parallel_workers_per_gather: '0' },
      explain: 'SELECT id, payload FROM events ORDER BY payload',
      findings: [
        {
          message: /sorted 200,000 rows on disk .*because they did not fit in work_mem \(64kB\)/,
          fix: /^SET work_mem = '\d+(MB|kB)';$/,
        },
      ],
    },
  ],
});
