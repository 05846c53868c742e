import rule from '../../../src/rules/plan/cache-misses.js';
import { defineCases } from '../../helpers/rule-tester.js';

const SERIAL = { max_parallel_workers_per_gather: '0' };

/**
 * A table that is not in shared buffers when the query runs: CREATE TABLE AS writes through a small ring of
 * buffers, then pg_buffercache_evict_relation (PostgreSQL 18) drops what is left of it from shared buffers. The
 * VACUUM/ANALYZE that follows reads it through its own small ring (vacuum_buffer_usage_limit, 2MB), so at most
 * about 256 of its blocks are in shared buffers when the query reads it.
 */
function coldReadings(rows: number, after = ''): string {
  return `
CREATE EXTENSION pg_buffercache;
CREATE TABLE readings AS
SELECT g AS id, g % 500 AS sensor_id, repeat('x', 200) AS note
FROM generate_series(1, ${rows}) g;
SELECT pg_buffercache_evict_relation('readings');
${after}`;
}

const SCAN = "SELECT count(*) FROM readings WHERE note <> ''";

export default defineCases(rule, {
  valid: [
    {
      // the finding's own fix: the same cold table (about 3,000 blocks), loaded back with pg_prewarm
      name: 'the table was prewarmed into shared buffers: every block is a hit',
      setup: coldReadings(100_000, "CREATE EXTENSION pg_prewarm;\nSELECT pg_prewarm('readings');"),
      settings: SERIAL,
      explain: SCAN,
    },
    {
      name: 'a cold table of about 600 blocks: fewer than 1,000 blocks read from outside shared buffers',
      setup: coldReadings(20_000),
      settings: SERIAL,
      explain: SCAN,
    },
    {
      name: 'plan only: no buffer counts to judge',
      setup: coldReadings(100_000),
      settings: SERIAL,
      explain: SCAN,
      noAnalyze: true,
    },
  ],
  invalid: [
    {
      name: 'a cold table (about 24MB), track_io_timing off: pg_prewarm it',
      setup: coldReadings(100_000),
      settings: SERIAL,
      explain: SCAN,
      findings: [
        {
          message:
            /^Seq Scan on public\.readings \(node 2\) read [\d,]+ blocks \(\d+MB\) from outside shared buffers and found \d+(\.\d)?% of its blocks there \(track_io_timing is off: the time it took is unknown\)$/,
          severity: 'info',
          fix: "CREATE EXTENSION IF NOT EXISTS pg_prewarm;\nSELECT pg_prewarm('public.readings');",
        },
      ],
    },
    {
      name: 'a cold table larger than half of shared_buffers (about 70MB), with track_io_timing: read less of it',
      setup: coldReadings(300_000),
      vacuum: false,
      settings: { ...SERIAL, track_io_timing: 'on' },
      explain: SCAN,
      findings: [
        {
          message:
            /^Seq Scan on public\.readings \(node 2\) read [\d,]+ blocks \(\d+MB\) from outside shared buffers and found \d+(\.\d)?% of its blocks there, in [\d.]+ m?s of I\/O$/,
          fix: /^-- public\.readings \(\d+MB\) is larger than shared_buffers \([\d.]+[kMG]B\): read less of it \(an index\), or raise shared_buffers/,
        },
      ],
    },
  ],
});
