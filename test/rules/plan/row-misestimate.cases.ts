import rule from '../../../src/rules/plan/row-misestimate.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { CORRELATED_ADDRESSES, EVENTS } from './data.js';

const SERIAL = { max_parallel_workers_per_gather: '0' };

export default defineCases(rule, {
  valid: [
    {
      name: 'a BitmapOr, which always shows 0 actual rows (it builds a bitmap, not rows)',
      setup: `CREATE TABLE readings (id bigint PRIMARY KEY, sensor_id int NOT NULL, value float8 NOT NULL);
        INSERT INTO readings SELECT g, (g::bigint * 7919) % 1000, g * 0.5 FROM generate_series(1, 200000) g;
        CREATE INDEX readings_sensor_id_idx ON readings (sensor_id);`,
      settings: SERIAL,
      explain: 'SELECT * FROM readings WHERE sensor_id < 2 OR sensor_id > 997',
    },
    {
      name: 'one column tested: its statistics estimate it well',
      setup: CORRELATED_ADDRESSES,
      settings: SERIAL,
      explain: 'SELECT count(*) FROM addresses WHERE city = 7',
    },
    {
      name: 'the correlated columns with extended statistics on them',
      setup: `${CORRELATED_ADDRESSES}
CREATE STATISTICS addresses_city_zip_stats (dependencies, mcv) ON city, zip FROM addresses;`,
      settings: SERIAL,
      explain: 'SELECT count(*) FROM addresses WHERE city = 7 AND zip = 7',
    },
    {
      name: 'correlated columns on a small table: 200 rows instead of 2, both under 1,000',
      setup: `
CREATE TABLE shipments (id int PRIMARY KEY, city int NOT NULL, zip int NOT NULL);
INSERT INTO shipments SELECT g, g % 100, g % 100 FROM generate_series(1, 20000) g;`,
      settings: SERIAL,
      explain: 'SELECT count(*) FROM shipments WHERE city = 7 AND zip = 7',
    },
    {
      name: 'a scan below a Limit stops early: fewer rows than estimated is expected',
      setup: EVENTS,
      settings: SERIAL,
      explain: 'SELECT * FROM events LIMIT 10',
    },
  ],
  invalid: [
    {
      name: 'two correlated columns: 2,000 rows where the planner expected about 20',
      setup: CORRELATED_ADDRESSES,
      settings: SERIAL,
      explain: 'SELECT count(*) FROM addresses WHERE city = 7 AND zip = 7',
      findings: [
        {
          message:
            /^Seq Scan on public\.addresses \(node 2\): estimated \d+ rows, got 2,000 \([\d,]+× more\); it tests city, zip together and the planner treats them as independent, and Aggregate \(node 1\) was chosen from that estimate$/,
          fix: 'CREATE STATISTICS addresses_city_zip_stats (dependencies, mcv) ON city, zip FROM public.addresses;\nANALYZE public.addresses;',
        },
      ],
    },
    {
      name: 'two correlated columns never equal: none where the planner expected about 2,000',
      setup: CORRELATED_ADDRESSES,
      settings: SERIAL,
      explain: 'SELECT count(*) FROM addresses WHERE country = 3 AND language = 4',
      findings: [
        {
          message:
            /^Seq Scan on public\.addresses \(node 2\): estimated [\d,]+ rows, got 0 \([\d,]+× fewer\); it tests country, language together/,
          fix: /^CREATE STATISTICS addresses_country_language_stats \(dependencies, mcv\) ON country, language FROM public\.addresses;/,
        },
      ],
    },
    {
      // the join above is off by as much, but only where the error starts is reported
      name: 'the misestimate under a nested loop: reported at the scan, not at the join above it',
      setup: `${CORRELATED_ADDRESSES}
${EVENTS}
CREATE INDEX events_account_id_idx ON events (account_id);`,
      settings: SERIAL,
      explain:
        'SELECT count(*) FROM addresses a JOIN events e ON e.account_id = a.account_id WHERE a.city = 7 AND a.zip = 7',
      findings: [
        {
          message:
            /^Seq Scan on public\.addresses a \(node 3\): estimated \d+ rows, got 2,000 .*, and Nested Loop \(node 2\) was chosen from that estimate$/,
          fix: /^CREATE STATISTICS addresses_city_zip_stats/,
        },
      ],
    },
  ],
});
