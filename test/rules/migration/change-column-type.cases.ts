import rule from '../../../src/rules/migration/change-column-type.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

const EVENTS = 'CREATE TABLE events (id bigint PRIMARY KEY, at timestamp, seen timestamptz);';

export default defineCases(rule, {
  valid: [
    {
      sql: 'ALTER TABLE orders ALTER COLUMN note TYPE text;',
      name: 'varchar to text',
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN note TYPE varchar(50);',
      name: 'a longer varchar',
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN total TYPE numeric(14, 2);',
      name: 'more numeric precision, same scale',
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN note TYPE text USING note::text;',
      name: 'USING the column as it is',
      before: EXISTING_TABLES,
    },
    {
      sql: "SET LOCAL TimeZone = 'UTC';\nALTER TABLE events ALTER COLUMN at TYPE timestamptz;",
      name: 'timestamp → timestamptz with the session TimeZone UTC (12+)',
      before: EVENTS,
    },
    {
      sql: "SET TIME ZONE 'Etc/UTC';\nALTER TABLE events ALTER COLUMN seen TYPE timestamp(3);",
      name: 'timestamptz → timestamp(3) under Etc/UTC',
      before: 'CREATE TABLE events (id bigint PRIMARY KEY, seen timestamptz(3));',
    },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE events ALTER COLUMN at TYPE timestamptz;',
      name: 'timestamp → timestamptz in a session of unknown TimeZone',
      before: EVENTS,
      findings: [
        {
          message: /unless the session's TimeZone is UTC/,
          fix: "-- the stored values are then read as UTC times: right only if they were written in UTC\nSET LOCAL TimeZone = 'UTC';\nALTER TABLE events ALTER COLUMN at TYPE timestamptz;",
        },
      ],
    },
    {
      sql: "SET TimeZone = 'Europe/London';\nALTER TABLE events ALTER COLUMN seen TYPE timestamp;",
      name: 'a zone with daylight saving time is not UTC, even at offset 0; outside a transaction the fix opens one',
      before: EVENTS,
      noTransaction: true,
      findings: [
        { line: 2, fix: /^BEGIN;\n-- the values then become UTC wall-clock times[\s\S]*\nCOMMIT;$/ },
      ],
    },
    {
      sql: "SET LOCAL TimeZone = 'UTC';\nALTER TABLE events ALTER COLUMN at TYPE timestamptz;",
      name: 'PostgreSQL 11 rewrites whatever the zone: expand and contract',
      before: EVENTS,
      pgVersion: 11,
      findings: [{ fix: /expand and contract/ }],
    },
    {
      sql: "SET LOCAL TimeZone = 'UTC';\nALTER TABLE events ALTER COLUMN at TYPE timestamptz(0);",
      name: 'less precision rewrites even under UTC',
      before: EVENTS,
      findings: [{ fix: /expand and contract/ }],
    },
    {
      sql: 'ALTER TABLE "User" ALTER COLUMN "order" TYPE "Rank" USING "order"::text::"Rank";',
      name: 'the fix keeps the case of a quoted type and quotes the names',
      before:
        'CREATE TYPE "Rank" AS ENUM (\'1\', \'2\');\nCREATE TABLE "User" (id bigint PRIMARY KEY, "order" int);',
      findings: [
        {
          fix: /^-- expand and contract instead of rewriting in place:\nALTER TABLE public."User" ADD COLUMN order_new "Rank";\n/,
        },
      ],
    },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN user_id TYPE integer;',
      findings: [{ severity: 'error', message: /TYPE bigint → integer rewrites "orders"/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN note TYPE varchar(10);',
      name: 'a shorter varchar',
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN total TYPE numeric(12, 3);',
      name: 'another scale',
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN note TYPE text USING upper(note);',
      name: 'USING transforms the value',
      findings: [{ message: /USING/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE legacy ALTER COLUMN c TYPE text;',
      name: 'the old type is unknown without --db',
      findings: [{ severity: 'warning', message: /does not know the old type/ }],
    },
  ],
});
