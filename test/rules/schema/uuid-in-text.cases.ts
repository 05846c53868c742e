import rule from '../../../src/rules/schema/uuid-in-text.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'uuid columns, and text that is not UUIDs',
      setup: `CREATE TABLE sessions (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), token text, user_uuid uuid);
        INSERT INTO sessions (token) SELECT md5(g::text) FROM generate_series(1, 200) g;`,
    },
    {
      name: 'a column named *_uuid whose data are not UUIDs',
      setup: `CREATE TABLE imports (id bigint PRIMARY KEY, source_uuid text);
        INSERT INTO imports SELECT g, 'legacy-' || g FROM generate_series(1, 200) g;`,
    },
    {
      name: 'too few sampled values to judge (minSample), and a name that says nothing',
      setup: `CREATE TABLE things (id bigint PRIMARY KEY, ref text);
        INSERT INTO things SELECT g, gen_random_uuid()::text FROM generate_series(1, 5) g;`,
    },
    {
      name: 'UUIDs mixed with other values',
      setup: `CREATE TABLE refs (id bigint PRIMARY KEY, ref text);
        INSERT INTO refs SELECT g, CASE WHEN g % 10 = 0 THEN 'n/a' ELSE gen_random_uuid()::text END FROM generate_series(1, 300) g;`,
    },
  ],
  invalid: [
    {
      name: 'live: every sampled value is a UUID',
      setup: `CREATE TABLE sessions (id bigint PRIMARY KEY, token text NOT NULL);
        CREATE INDEX idx_sessions_token ON sessions (token);
        INSERT INTO sessions SELECT g, gen_random_uuid()::text FROM generate_series(1, 500) g;`,
      findings: [
        {
          object: 'public.sessions.token',
          severity: 'warning',
          message:
            /^public\.sessions\.token is text but all \d+ values ANALYZE sampled are UUIDs: as uuid it would take 16 bytes instead of 37/,
          fix: /\nALTER TABLE public\.sessions ALTER COLUMN token TYPE uuid USING token::uuid;$/,
        },
      ],
    },
    {
      name: 'live, upper-case UUIDs in varchar(36) with a text default',
      setup: `CREATE TABLE "Device" (id bigint PRIMARY KEY, "externalId" varchar(36) DEFAULT gen_random_uuid()::text);
        INSERT INTO "Device" SELECT g, upper(gen_random_uuid()::text) FROM generate_series(1, 300) g;`,
      findings: [
        {
          object: 'public.Device.externalId',
          fix: /ALTER TABLE public\."Device" ALTER COLUMN "externalId" DROP DEFAULT, ALTER COLUMN "externalId" TYPE uuid USING "externalId"::uuid, ALTER COLUMN "externalId" SET DEFAULT \(\(gen_random_uuid\(\)\)::text\)::uuid;$/,
        },
      ],
    },
    {
      name: 'shadow: the name says uuid (information only)',
      source: 'shadow',
      setup: 'CREATE TABLE sessions (id bigint PRIMARY KEY, user_uuid varchar(36), guid text, token text);',
      findings: [
        { object: 'public.sessions.user_uuid', severity: 'info', message: /its name says it holds UUIDs/ },
        { object: 'public.sessions.guid', severity: 'info' },
      ],
    },
    {
      name: 'in a foreign key: the fix is a plan, both sides change together',
      fixResolves: false,
      setup: `CREATE TABLE accounts (id text PRIMARY KEY);
        CREATE TABLE payments (id bigint PRIMARY KEY, account_id text REFERENCES accounts);
        INSERT INTO accounts SELECT gen_random_uuid()::text FROM generate_series(1, 100);
        INSERT INTO payments SELECT g, (SELECT id FROM accounts ORDER BY id OFFSET g % 100 LIMIT 1) FROM generate_series(1, 300) g;`,
      findings: [
        { object: 'public.accounts.id', fix: /^-- in a foreign key: drop it, change both sides to uuid/ },
        { object: 'public.payments.account_id' },
      ],
    },
  ],
});
