import rule from '../../../src/rules/schema/prefer-timestamptz.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { sql: 'CREATE TABLE t (at timestamptz);' },
    {
      name: 'a live timestamptz column',
      setup: `CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamptz NOT NULL DEFAULT now());
        INSERT INTO events (at) SELECT now() - g * interval '1 hour' FROM generate_series(1, 100) g;`,
    },
  ],
  invalid: [
    {
      sql: 'CREATE TABLE t (id bigint, at timestamp NOT NULL);',
      findings: [{ line: 1, column: 28, fix: 'at timestamptz' }],
    },
    { sql: 'ALTER TABLE t ADD COLUMN at timestamp without time zone;' },
    { sql: 'ALTER TABLE t ALTER COLUMN at TYPE timestamp;', name: 'changed to timestamp' },
    {
      name: 'a live column with rows, a default and an index (the fix rewrites and runs)',
      setup: `CREATE TABLE "Event" (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "happenedAt" timestamp NOT NULL DEFAULT now());
        CREATE INDEX idx_event_happened_at ON "Event" ("happenedAt");
        INSERT INTO "Event" ("happenedAt") SELECT timestamp '2025-01-01' + g * interval '1 hour' FROM generate_series(1, 500) g;`,
      findings: [
        {
          object: 'public.Event.happenedAt',
          fix: /ALTER TABLE public."Event" ALTER COLUMN "happenedAt" TYPE timestamptz USING "happenedAt" AT TIME ZONE 'UTC';/,
        },
      ],
    },
    {
      name: 'a shadow schema',
      source: 'shadow',
      setup:
        'CREATE SCHEMA app; CREATE TABLE app.sessions (id bigint PRIMARY KEY, started_at timestamp without time zone);',
      findings: [{ object: 'app.sessions.started_at', severity: 'warning' }],
    },
  ],
});
