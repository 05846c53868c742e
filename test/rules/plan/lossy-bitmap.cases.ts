import rule from '../../../src/rules/plan/lossy-bitmap.js';
import { defineCases } from '../../helpers/rule-tester.js';

const SERIAL = { max_parallel_workers_per_gather: '0' };

/**
 * 500,000 narrow readings (about 2,700 pages) from 1,000 sensors whose ids are scattered over the table: the rows
 * of a few sensors lie on more than 1,000 distinct pages, more than an exact bitmap holds in work_mem 64kB.
 */
const SCATTERED_READINGS = `
CREATE TABLE readings (
  id bigint PRIMARY KEY,
  sensor_id int NOT NULL,
  value float8 NOT NULL
);
INSERT INTO readings SELECT g, (g::bigint * 7919) % 1000, g * 0.5 FROM generate_series(1, 500000) g;
CREATE INDEX readings_sensor_id_idx ON readings (sensor_id);
`;

/** Ten sensors: 5,000 rows on about 2,300 pages. */
const TEN_SENSORS = 'SELECT * FROM readings WHERE sensor_id < 10';
/** An OR of two ranges: only a BitmapOr combines them through the index, so no setting is needed. */
const TWO_RANGES = 'SELECT * FROM readings WHERE sensor_id < 2 OR sensor_id > 997';

export default defineCases(rule, {
  valid: [
    {
      // the invalid case below suggests 256kB
      name: 'work_mem 256kB keeps the bitmap of 2,300 pages exact',
      setup: SCATTERED_READINGS,
      settings: { ...SERIAL, work_mem: '256kB', enable_indexscan: 'off' },
      explain: TEN_SENSORS,
    },
    {
      name: 'the OR of two ranges at the default work_mem (4MB)',
      setup: SCATTERED_READINGS,
      settings: SERIAL,
      explain: TWO_RANGES,
    },
    {
      name: 'plan only: no heap blocks to judge',
      setup: SCATTERED_READINGS,
      settings: { ...SERIAL, work_mem: '64kB', enable_indexscan: 'off' },
      explain: TEN_SENSORS,
      noAnalyze: true,
    },
  ],
  invalid: [
    {
      // at 64kB the planner would rather take a plain index scan: turned off to get the bitmap
      name: 'a bitmap of about 2,300 pages at work_mem 64kB',
      setup: SCATTERED_READINGS,
      settings: { ...SERIAL, work_mem: '64kB', enable_indexscan: 'off' },
      explain: TEN_SENSORS,
      findings: [
        {
          message:
            /^Bitmap Heap Scan on public\.readings \(node 1\) scanned [\d,]+ of its [\d,]+ pages lossily \(the bitmap outgrew work_mem, 64kB\), and the recheck removed [\d,]+ rows \(\d+% of those read\); work_mem = \d+kB keeps the bitmap exact$/,
          fix: /^SET work_mem = '\d+kB';$/,
        },
      ],
    },
    {
      name: 'a BitmapOr over two ranges at work_mem 64kB',
      setup: SCATTERED_READINGS,
      settings: { ...SERIAL, work_mem: '64kB' },
      explain: TWO_RANGES,
      findings: [
        {
          message:
            /^Bitmap Heap Scan on public\.readings \(node 1\) scanned [\d,]+ of its [\d,]+ pages lossily \(the bitmap outgrew work_mem, 64kB\), and the recheck removed [\d,]+ rows/,
          fix: /^SET work_mem = '\d+kB';$/,
        },
      ],
    },
  ],
});
