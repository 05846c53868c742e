import rule from '../../../src/rules/schema/partition-candidate.js';
import { defineCases } from '../../helpers/rule-tester.js';

const events = `CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(), kind text NOT NULL, payload jsonb);
  INSERT INTO events (created_at, kind) SELECT timestamptz '2025-01-01' + g * interval '1 minute', 'k' || g % 5
    FROM generate_series(1, 5000) g;
  SELECT pg_stat_force_next_flush();`;

export default defineCases(rule, {
  valid: [
    { name: 'under the thresholds (defaults: 10 GiB, 100 million rows)', setup: events },
    {
      name: 'a table partitioned already, and its partitions',
      options: { maxRows: 1000 },
      setup: `CREATE TABLE logs (id bigint NOT NULL, created_at timestamptz NOT NULL, PRIMARY KEY (id, created_at))
          PARTITION BY RANGE (created_at);
        CREATE TABLE logs_2025 PARTITION OF logs FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        INSERT INTO logs SELECT g, timestamptz '2025-01-01' + g * interval '1 minute' FROM generate_series(1, 5000) g;`,
    },
    {
      name: 'a shadow schema has no rows to count',
      source: 'shadow',
      options: { maxRows: 0, maxBytes: 0 },
      setup: events,
    },
  ],
  invalid: [
    {
      name: 'an append-only table with created_at: the key and the recipe',
      options: { maxRows: 1000 },
      setup: events,
      fixResolves: false,
      findings: [
        {
          object: 'public.events',
          severity: 'warning',
          message:
            'public.events is not partitioned (~5,000 rows, 288 kB); rows are only added (5,000 inserts, 0 updates, 0 deletes) and created_at (timestamp with time zone NOT NULL DEFAULT now()) records when: partition it by RANGE (created_at), a partition per month — old months are then dropped instead of deleted, VACUUM and index builds work a month at a time, and queries on recent rows read only recent partitions',
          fix: new RegExp(
            `^${[
              '-- partition public.events by RANGE (created_at), a partition per month; the existing rows become the first partition, without a copy',
              '-- 1. the partitioned table beside it; every primary key and unique key must include created_at:',
              '-- CREATE TABLE public.events_partitioned (LIKE public.events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE (created_at);',
              '-- ALTER TABLE public.events_partitioned ADD PRIMARY KEY (id, created_at);',
              '-- and the indexes the queries need',
              "-- CREATE TABLE public.events_Y_M PARTITION OF public.events_partitioned FOR VALUES FROM ('Y-M-01') TO ('Y-M-01');",
              "-- CREATE TABLE public.events_Y_M PARTITION OF public.events_partitioned FOR VALUES FROM ('Y-M-01') TO ('Y-M-01');",
              '-- … a job (or pg_partman) creates the next months ahead and drops or detaches the old ones',
              "-- 2. prove the old rows' range while reads and writes go on (switch before Y-M-01: from then on the CHECK refuses new rows):",
              "-- ALTER TABLE public.events ADD CONSTRAINT chk_events_created_at_before CHECK (created_at < 'Y-M-01') NOT VALID;",
              '-- ALTER TABLE public.events VALIDATE CONSTRAINT chk_events_created_at_before;',
              '-- CREATE UNIQUE INDEX CONCURRENTLY events_id_created_at_key ON public.events (id, created_at);',
              '-- 3. the switch, in one short transaction:',
              '-- BEGIN;',
              '-- ALTER TABLE public.events RENAME TO events_before_Y_M;',
              '-- ALTER TABLE public.events_before_Y_M DROP CONSTRAINT events_pkey;',
              '-- ALTER TABLE public.events_before_Y_M ALTER COLUMN id DROP IDENTITY;  -- the new parent generates id',
              '-- ALTER TABLE public.events_partitioned RENAME TO events;',
              "-- ALTER TABLE public.events ATTACH PARTITION public.events_before_Y_M FOR VALUES FROM (MINVALUE) TO ('Y-M-01');",
              '-- ALTER TABLE public.events ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (START WITH <max(id) + 1>);',
              '-- COMMIT;',
              '-- ALTER TABLE public.events_before_Y_M DROP CONSTRAINT chk_events_created_at_before;  -- the partition bound says it now',
            ]
              .join('\n')
              .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
              .replace(/Y([-_])M/g, '\\d{4}$1\\d{2}')}$`,
          ),
        },
      ],
    },
    {
      name: 'over maxBytes, rows updated, a serial key and a foreign key to it',
      options: { maxBytes: 100000 },
      setup: `CREATE TABLE orders (id serial PRIMARY KEY, number text NOT NULL UNIQUE, placed_at timestamptz NOT NULL DEFAULT now(), note text);
        CREATE TABLE order_notes (id bigint PRIMARY KEY, order_id integer REFERENCES orders (id));
        INSERT INTO orders (number, note) SELECT 'n' || g, repeat('x', 200) FROM generate_series(1, 3000) g;
        UPDATE orders SET note = 'y' WHERE id % 2 = 0;
        SELECT pg_stat_force_next_flush();`,
      fixResolves: false,
      findings: [
        {
          object: 'public.orders',
          severity: 'info',
          message:
            'public.orders is not partitioned (~3,000 rows, 888 kB); placed_at (timestamp with time zone NOT NULL DEFAULT now()) is the key to consider, RANGE (placed_at) with a partition per month, if queries and the retention filter on it (rows are updated too: 3,000 inserts, 1,500 updates, 0 deletes)',
          fix: /-- ALTER TABLE public.orders_partitioned ADD UNIQUE \(number, placed_at\); {2}-- was orders_number_key \(number\)\n[\s\S]*-- CREATE UNIQUE INDEX CONCURRENTLY orders_number_placed_at_key ON public.orders \(number, placed_at\);\n-- foreign keys that reference public.orders must reference \(id, placed_at\) on the new table: public.order_notes.order_notes_order_id_fkey\n[\s\S]*-- ALTER TABLE public.orders_before_\d{4}_\d{2} DROP CONSTRAINT orders_number_key;\n[\s\S]*-- ALTER SEQUENCE public.orders_id_seq OWNED BY public.orders.id; {2}-- else dropping the old partition drops it\n/,
        },
      ],
    },
    {
      name: 'a nullable created_at, no key, names that need quotes',
      options: { maxRows: 1000 },
      setup: `CREATE SCHEMA app;
        CREATE TABLE app."AuditLog" (created_at timestamp, message text);
        INSERT INTO app."AuditLog" SELECT timestamp '2025-01-01' + g * interval '1 second', 'm' FROM generate_series(1, 2000) g;
        SELECT pg_stat_force_next_flush();`,
      fixResolves: false,
      findings: [
        {
          object: 'app.AuditLog',
          severity: 'warning',
          message:
            /^app.AuditLog is not partitioned \(~2,000 rows, \d+ kB\); rows are only added \(2,000 inserts, 0 updates, 0 deletes\) and created_at \(timestamp without time zone\) records when/,
          fix: /^-- partition app.AuditLog by RANGE \(created_at\)[^\n]*\n-- first make created_at NOT NULL \(rows with NULL cannot go in a range partition\)\n[\s\S]*-- CREATE TABLE app."AuditLog_partitioned" \(LIKE app."AuditLog" INCLUDING[\s\S]*-- ALTER TABLE app."AuditLog_partitioned" RENAME TO "AuditLog";\n/,
        },
      ],
    },
    {
      name: 'no creation timestamp: advice without a key',
      options: { maxRows: 1000 },
      setup: `CREATE TABLE readings (sensor integer NOT NULL, value real NOT NULL);
        INSERT INTO readings SELECT g % 10, g FROM generate_series(1, 3000) g;`,
      findings: [{ object: 'public.readings', severity: 'info', fix: null }],
    },
  ],
});
