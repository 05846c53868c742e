import rule from '../../../src/rules/schema/brin-candidate.js';
import { defineCases } from '../../helpers/rule-tester.js';

/** An append-only table of `rows` events in time order, with `index` on created_at. */
const events = (rows: number, index = '') => `
  CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(), kind text NOT NULL, happened_on date NOT NULL);
  ${index}
  INSERT INTO events (created_at, kind, happened_on)
    SELECT timestamptz '2025-01-01' + g * interval '1 minute', 'k' || g % 5, date '2025-01-01' + (g * 7919) % 365
    FROM generate_series(1, ${rows}) g;
  SELECT pg_stat_force_next_flush();`;

export default defineCases(rule, {
  valid: [
    { name: 'under minRows (default 1 million)', setup: events(5000) },
    {
      name: 'a BRIN index on the column already',
      options: { minRows: 1000 },
      setup: events(5000, 'CREATE INDEX idx_events_created_at ON events USING brin (created_at);'),
    },
    {
      name: 'a btree that does another job: leading a multi-column index, unique, partial',
      options: { minRows: 1000 },
      setup: `${events(5000, 'CREATE INDEX idx_events_created_at_kind ON events (created_at, kind);')}
        CREATE TABLE logs (id bigint PRIMARY KEY, at timestamptz NOT NULL UNIQUE);
        INSERT INTO logs SELECT g, timestamptz '2025-01-01' + g * interval '1 second' FROM generate_series(1, 3000) g;
        CREATE TABLE hits (id bigint PRIMARY KEY, at timestamptz NOT NULL);
        CREATE INDEX idx_hits_at_recent ON hits (at) WHERE at > '2025-06-01';
        INSERT INTO hits SELECT g, timestamptz '2025-01-01' + g * interval '1 second' FROM generate_series(1, 3000) g;
        SELECT pg_stat_force_next_flush();`,
    },
    {
      name: 'rows updated after they were inserted',
      options: { minRows: 1000 },
      setup: `${events(3000)}
        UPDATE events SET kind = 'x' WHERE id % 3 = 0;
        SELECT pg_stat_force_next_flush();`,
    },
    {
      name: 'values in random physical order (low correlation)',
      options: { minRows: 1000 },
      setup: `CREATE TABLE visits (id bigint PRIMARY KEY, seen_at timestamptz NOT NULL);
        INSERT INTO visits SELECT g, timestamptz '2025-01-01' + ((g * 7919) % 3000) * interval '1 minute'
          FROM generate_series(1, 3000) g;
        SELECT pg_stat_force_next_flush();`,
    },
    {
      name: 'a shadow schema has no statistics',
      source: 'shadow',
      options: { minRows: 0 },
      setup: events(100),
    },
  ],
  invalid: [
    {
      name: 'no index on created_at: a BRIN index (the key and the random date are left alone)',
      options: { minRows: 1000 },
      setup: events(5000),
      findings: [
        {
          object: 'public.events.created_at',
          severity: 'info',
          message:
            'public.events.created_at follows the physical order of the rows (correlation 1.00) in a table of ~5,000 rows that is only appended to (5,000 inserts, 0 updates, 0 deletes): no index serves range queries on it; a BRIN index of a few pages does',
          fix: 'CREATE INDEX CONCURRENTLY idx_events_created_at ON public.events USING brin (created_at);',
        },
      ],
    },
    {
      name: 'a btree on created_at alone: the BRIN index beside it, the drop left to decide',
      options: { minRows: 1000 },
      setup: events(5000, 'CREATE INDEX idx_events_created_at ON events (created_at);'),
      findings: [
        {
          message:
            /^public.events.created_at follows the physical order of the rows \(correlation 1.00\) in a table of ~5,000 rows that is only appended to \(5,000 inserts, 0 updates, 0 deletes\): a BRIN index on it is a small fraction of the size of idx_events_created_at \(btree, \d+ kB\) and serves range queries nearly as well$/,
          fix: [
            'CREATE INDEX CONCURRENTLY idx_events_created_at_brin ON public.events USING brin (created_at);',
            "-- then, once EXPLAIN shows the range queries use it and nothing needs idx_events_created_at's order (ORDER BY … LIMIT) or single-value lookups: DROP INDEX CONCURRENTLY public.idx_events_created_at;",
          ].join('\n'),
        },
      ],
    },
    {
      name: 'a generated integer without an index, and a date',
      options: { minRows: 1000 },
      setup: `CREATE TABLE readings (id bigint PRIMARY KEY, seq bigserial NOT NULL, taken_on date NOT NULL, value real);
        INSERT INTO readings (id, taken_on, value) SELECT g, date '2020-01-01' + g / 10, g FROM generate_series(1, 3000) g;
        SELECT pg_stat_force_next_flush();`,
      findings: [
        { object: 'public.readings.seq', fix: /USING brin \(seq\);$/ },
        {
          object: 'public.readings.taken_on',
          fix: /^CREATE INDEX CONCURRENTLY idx_readings_taken_on ON public.readings USING brin \(taken_on\);$/,
        },
      ],
    },
  ],
});
