import rule from '../../../src/rules/plan/large-offset.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EVENTS } from './data.js';

const SERIAL = { max_parallel_workers_per_gather: '0' };

export default defineCases(rule, {
  valid: [
    {
      name: 'an OFFSET of 500 rows: fewer than 1,000 discarded',
      setup: EVENTS,
      settings: SERIAL,
      explain: 'SELECT * FROM events ORDER BY id LIMIT 20 OFFSET 500',
    },
    {
      name: 'OFFSET 2,000 for a page of 5,000 rows: less than half of what the Limit read is discarded',
      setup: EVENTS,
      settings: SERIAL,
      explain: 'SELECT * FROM events ORDER BY id LIMIT 5000 OFFSET 2000',
    },
    {
      name: 'the keyset rewrite: no OFFSET',
      setup: EVENTS,
      settings: SERIAL,
      explain: 'SELECT * FROM events WHERE id > 100000 ORDER BY id LIMIT 20',
    },
    {
      name: 'plan only: no row counts to judge',
      setup: EVENTS,
      settings: SERIAL,
      explain: 'SELECT * FROM events ORDER BY id LIMIT 20 OFFSET 100000',
      noAnalyze: true,
    },
  ],
  invalid: [
    {
      name: 'OFFSET 100,000 over a sort on created_at: keyset pagination on created_at',
      setup: EVENTS,
      settings: SERIAL,
      explain: 'SELECT id, kind, created_at FROM events ORDER BY created_at LIMIT 20 OFFSET 100000',
      findings: [
        {
          message:
            'Limit (node 1) read 100,020 rows to return 20: an OFFSET of about 100,000 rows (99.9% of what it read) produced only to be thrown away',
          fix: "-- keyset pagination: pass the last row's created_at of the previous page instead of an OFFSET\nWHERE created_at > $1 ORDER BY created_at LIMIT 20",
        },
      ],
    },
    {
      name: 'a descending two-column sort key: a row comparison',
      setup: EVENTS,
      settings: SERIAL,
      explain: 'SELECT * FROM events ORDER BY created_at DESC, id DESC LIMIT 50 OFFSET 5000',
      findings: [
        {
          message: /^Limit \(node 1\) read 5,050 rows to return 50: an OFFSET of about 5,000 rows/,
          fix: "-- keyset pagination: pass the last row's created_at, id of the previous page instead of an OFFSET\nWHERE (created_at, id) < ($1, $2) ORDER BY created_at DESC, id DESC LIMIT 50",
        },
      ],
    },
    {
      name: 'OFFSET 50,000 along the primary key (no sort): the generic keyset advice',
      setup: EVENTS,
      settings: SERIAL,
      explain: 'SELECT * FROM events ORDER BY id LIMIT 20 OFFSET 50000',
      findings: [
        {
          message: /^Limit \(node 1\) read 50,020 rows to return 20: an OFFSET of about 50,000 rows/,
          fix: /^-- keyset pagination: pass the last row's sort key of the previous page \(WHERE key > \$1 ORDER BY key LIMIT n\)/,
        },
      ],
    },
    {
      name: 'minOffset 100: a smaller OFFSET is reported',
      setup: EVENTS,
      settings: SERIAL,
      options: { minOffset: 100 },
      explain: 'SELECT * FROM events ORDER BY id LIMIT 20 OFFSET 500',
      findings: [{ message: /^Limit \(node 1\) read 520 rows to return 20: an OFFSET of about 500 rows/ }],
    },
  ],
});
