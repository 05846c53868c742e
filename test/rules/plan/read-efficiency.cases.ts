import rule from '../../../src/rules/plan/read-efficiency.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EVENTS } from './data.js';

/** EVENTS after deleting 9 rows in 10, evenly: every page keeps a live row, so no VACUUM gives the pages back. */
const THINNED_EVENTS = `${EVENTS}
DELETE FROM events WHERE id % 10 <> 0;
`;

const SERIAL = { max_parallel_workers_per_gather: '0' };

export default defineCases(rule, {
  valid: [
    {
      name: 'a freshly loaded table: its blocks hold its rows',
      setup: EVENTS,
      settings: SERIAL,
      explain: 'SELECT count(*) FROM events',
    },
    {
      name: 'a thinned-out table under 1,000 blocks',
      setup: `
        CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL);
        INSERT INTO notes SELECT g, md5(g::text) FROM generate_series(1, 20000) g;
        DELETE FROM notes WHERE id % 10 <> 0;
      `,
      vacuum: false,
      settings: SERIAL,
      explain: 'SELECT count(*) FROM notes',
    },
    {
      name: 'the thinned-out table read through its primary key, not scanned',
      setup: THINNED_EVENTS,
      vacuum: false,
      settings: SERIAL,
      explain: 'SELECT * FROM events WHERE id = 5000',
    },
    {
      name: 'plan only: no buffers to compare',
      setup: THINNED_EVENTS,
      vacuum: false,
      settings: SERIAL,
      explain: 'SELECT count(*) FROM events',
      noAnalyze: true,
    },
  ],
  invalid: [
    {
      name: '9 rows in 10 deleted: the scan reads ten times the blocks its rows need',
      setup: THINNED_EVENTS,
      vacuum: false,
      settings: SERIAL,
      explain: 'SELECT count(*) FROM events',
      findings: [
        {
          message:
            /^Seq Scan on public\.events \(node 2\) read 2,\d{3} blocks for 20,000 rows, which need about \d+ at their average width \(\d+ bytes\): (9|10|11)\.\d× too many/,
          fix: 'VACUUM (FULL, ANALYZE) public.events;',
        },
      ],
    },
    {
      name: 'every row updated twice: two dead versions per live row',
      setup: `${EVENTS}
        UPDATE events SET payload = upper(payload);
        UPDATE events SET payload = lower(payload);
      `,
      vacuum: false,
      settings: SERIAL,
      explain: "SELECT count(*) FROM events WHERE kind = 'kind 3'",
      findings: [
        {
          message:
            /^Seq Scan on public\.events \(node 2\) read \d,\d{3} blocks for 200,000 rows, which need about 2,\d{3} at their average width \(\d+ bytes\): [23]\.\d× too many/,
          fix: 'VACUUM (FULL, ANALYZE) public.events;',
        },
      ],
    },
  ],
});
