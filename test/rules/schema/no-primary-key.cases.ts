import rule from '../../../src/rules/schema/no-primary-key.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { setup: 'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);' },
    {
      name: 'partitions share the parent key; views are not tables',
      setup: `CREATE TABLE events (id bigint, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE VIEW recent AS SELECT * FROM events;`,
    },
    {
      name: 'excluded by the config',
      setup: 'CREATE TABLE legacy_log (line text);',
      schemaConfig: { exclude: ['public.legacy_*'] },
    },
    {
      name: 'accepted in a COMMENT',
      setup: `CREATE TABLE audit_log (line text);
        COMMENT ON TABLE audit_log IS 'append-only; pgwarden-ignore schema/no-primary-key: written by COPY only, never updated';`,
    },
  ],
  invalid: [
    {
      name: 'an id column without a key: the key is made of it (ADD COLUMN id would fail)',
      setup: 'CREATE TABLE visits (id bigint, at timestamptz);',
      findings: [
        {
          object: 'public.visits',
          fix: 'ALTER TABLE public.visits ADD CONSTRAINT visits_pkey PRIMARY KEY (id);  -- scans the table: fails if id has NULLs or duplicates',
        },
      ],
    },
    {
      name: 'a partitioned table: the key includes the partition key',
      setup: `CREATE TABLE "Event" (at timestamptz NOT NULL, payload text) PARTITION BY RANGE (at);
        CREATE TABLE "Event_2024" PARTITION OF "Event" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');`,
      findings: [
        {
          object: 'public.Event',
          fix: 'ALTER TABLE public."Event" ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;  -- rewrites the table\nALTER TABLE public."Event" ADD CONSTRAINT "Event_pkey" PRIMARY KEY (id, at);',
        },
      ],
    },
    {
      setup: 'CREATE TABLE events (happened_at timestamptz, payload jsonb);',
      findings: [
        {
          object: 'public.events',
          message: 'public.events has no primary key',
          fix: /ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY/,
        },
      ],
    },
    {
      name: 'a unique NOT NULL key to promote',
      setup: 'CREATE TABLE countries (code char(2) NOT NULL UNIQUE, name text);',
      findings: [
        {
          message: /unique key on NOT NULL columns \(code\) can become one/,
          fix: /CREATE UNIQUE INDEX CONCURRENTLY countries_pkey ON public.countries \(code\)/,
        },
      ],
    },
    {
      name: 'a unique index (no constraint) on NOT NULL columns becomes the key itself',
      setup:
        'CREATE TABLE users (email text NOT NULL); CREATE UNIQUE INDEX users_email_idx ON users (email);',
      findings: [
        {
          fix: 'ALTER TABLE public.users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_email_idx;',
        },
      ],
    },
    {
      name: 'names that need quoting are quoted in the fix',
      setup: 'CREATE TABLE "Order" ("Code" text NOT NULL UNIQUE, "user" text);',
      findings: [
        {
          object: 'public.Order',
          fix: /CREATE UNIQUE INDEX CONCURRENTLY "Order_pkey" ON public."Order" \("Code"\)/,
        },
      ],
    },
    {
      name: 'in another schema',
      setup: 'CREATE SCHEMA app; CREATE TABLE app.things (name text);',
      findings: [{ object: 'app.things' }],
    },
  ],
});
