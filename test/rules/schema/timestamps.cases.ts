import rule from '../../../src/rules/schema/timestamps.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'both columns, every way of saying now',
      setup: `CREATE TABLE a (created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP);
        CREATE TABLE b (created_at timestamptz NOT NULL DEFAULT clock_timestamp(), updated_at timestamptz NOT NULL DEFAULT transaction_timestamp());
        CREATE TABLE c (created_at timestamptz NOT NULL DEFAULT statement_timestamp(), updated_at timestamptz NOT NULL DEFAULT ('now'::text)::timestamptz);
        CREATE TABLE d (created_at timestamptz NOT NULL DEFAULT pg_catalog.now(), updated_at timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3));`,
    },
    {
      name: 'timestamp without time zone is schema/prefer-timestamptz’s finding',
      setup:
        'CREATE TABLE a (created_at timestamp NOT NULL DEFAULT now(), updated_at timestamp NOT NULL DEFAULT now());',
    },
    {
      name: 'the required columns are an option',
      options: { columns: ['inserted_at'] },
      setup: 'CREATE TABLE a (inserted_at timestamptz NOT NULL DEFAULT now());',
    },
    {
      name: 'partitions are reviewed through their parent',
      setup: `CREATE TABLE e (id bigint, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now())
          PARTITION BY RANGE (created_at);
        CREATE TABLE e_2025 PARTITION OF e FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');`,
    },
    {
      name: 'camelCase createdAt / updatedAt in a camelCase project',
      setup: `CREATE TABLE "User" ("id" text PRIMARY KEY, "passwordHash" text,
          "createdAt" timestamptz NOT NULL DEFAULT now(), "updatedAt" timestamptz NOT NULL DEFAULT now());`,
    },
    {
      name: 'junction tables (the primary key is their foreign keys) need no timestamps',
      setup: `CREATE TABLE users (id bigint PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE roles (id bigint PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE user_roles (user_id bigint REFERENCES users, role_id bigint REFERENCES roles, assigned_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (user_id, role_id));
        CREATE TABLE "_RoleToUser" ("A" bigint NOT NULL REFERENCES roles, "B" bigint NOT NULL REFERENCES users, PRIMARY KEY ("A", "B"));`,
    },
  ],
  invalid: [
    {
      name: 'a camelCase project: a missing column is named in its case',
      setup: `CREATE TABLE "User" ("id" text PRIMARY KEY, "passwordHash" text, "createdAt" timestamptz NOT NULL DEFAULT now());`,
      findings: [
        {
          object: 'public.User',
          message: 'public.User has no updatedAt column',
          fix: 'ALTER TABLE public."User" ADD COLUMN "updatedAt" timestamptz NOT NULL DEFAULT now();  -- no rewrite (PostgreSQL 11+): existing rows get the time of the migration',
        },
      ],
    },
    {
      name: 'one choice on many tables (an ORM sets updatedAt itself): one finding names them all',
      setup: `CREATE TABLE "A1" ("id" int PRIMARY KEY, "createdAt" timestamptz NOT NULL DEFAULT now(), "updatedAt" timestamptz NOT NULL);
        CREATE TABLE "A2" (LIKE "A1" INCLUDING DEFAULTS); CREATE TABLE "A3" (LIKE "A1" INCLUDING DEFAULTS);
        CREATE TABLE "A4" (LIKE "A1" INCLUDING DEFAULTS); CREATE TABLE "A5" (LIKE "A1" INCLUDING DEFAULTS);
        CREATE TABLE "A6" (LIKE "A1" INCLUDING DEFAULTS);`,
      findings: [
        {
          object: 'public',
          message:
            '6 tables: updatedAt has no default (public.A1, public.A2, public.A3, public.A4, public.A5, public.A6)',
          fix: /^ALTER TABLE public."A1" ALTER COLUMN "updatedAt" SET DEFAULT now\(\); {2}-- catalog only\n(.*\n){4}ALTER TABLE public."A6" ALTER COLUMN "updatedAt" SET DEFAULT now\(\); {2}-- catalog only$/,
        },
      ],
    },
    {
      name: 'both columns missing',
      setup: 'CREATE TABLE orders (id bigint); INSERT INTO orders SELECT generate_series(1, 10);',
      findings: [
        {
          object: 'public.orders',
          message: 'public.orders has no created_at column',
          fix: 'ALTER TABLE public.orders ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();  -- no rewrite (PostgreSQL 11+): existing rows get the time of the migration',
        },
        { object: 'public.orders', message: 'public.orders has no updated_at column' },
      ],
    },
    {
      name: 'nullable without a default (no NULLs yet): default, then the NOT NULL recipe',
      setup: `CREATE TABLE "Order" (created_at timestamptz, updated_at timestamptz NOT NULL DEFAULT now());
        INSERT INTO "Order" SELECT now() FROM generate_series(1, 10);`,
      findings: [
        {
          object: 'public.Order.created_at',
          severity: 'warning',
          message: 'public.Order.created_at has no default and is nullable',
          fix: [
            'ALTER TABLE public."Order" ALTER COLUMN created_at SET DEFAULT now();  -- catalog only',
            'ALTER TABLE public."Order" ADD CONSTRAINT "chk_Order_created_at_not_null" CHECK (created_at IS NOT NULL) NOT VALID;',
            'ALTER TABLE public."Order" VALIDATE CONSTRAINT "chk_Order_created_at_not_null";',
            'ALTER TABLE public."Order" ALTER COLUMN created_at SET NOT NULL;',
            'ALTER TABLE public."Order" DROP CONSTRAINT "chk_Order_created_at_not_null";',
          ].join('\n'),
        },
      ],
    },
    {
      name: "DEFAULT 'now' is the time of the CREATE TABLE, frozen",
      setup: `CREATE TABLE a (created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT 'now');`,
      findings: [
        {
          object: 'public.a.updated_at',
          message: /^public.a.updated_at defaults to '.*'::timestamp with time zone, not now\(\)$/,
        },
      ],
    },
    {
      name: 'a default that is not the current time',
      source: 'shadow',
      setup: `CREATE TABLE a (created_at timestamptz NOT NULL DEFAULT '2000-01-01', updated_at timestamptz NOT NULL DEFAULT now());`,
      findings: [
        {
          message:
            "public.a.created_at defaults to '2000-01-01 00:00:00+00'::timestamp with time zone, not now()",
          fix: 'ALTER TABLE public.a ALTER COLUMN created_at SET DEFAULT now();  -- catalog only',
        },
      ],
    },
    {
      name: 'NULLs in the data: backfill first (the recipe cannot run as is)',
      setup: `CREATE TABLE a (created_at timestamptz DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());
        INSERT INTO a SELECT CASE WHEN g % 4 = 0 THEN NULL ELSE now() END FROM generate_series(1, 100) g;`,
      fixResolves: false,
      findings: [
        {
          message: 'public.a.created_at is nullable, and ~25% of the rows are NULL',
          fix: /^-- backfill the NULLs first, in batches, with the best value you have \(here: the time of the backfill\):\n-- UPDATE public.a SET created_at = now\(\) WHERE created_at IS NULL;\nALTER TABLE public.a ADD CONSTRAINT/,
        },
      ],
    },
    {
      name: 'another type',
      setup: 'CREATE TABLE a (created_at date NOT NULL DEFAULT CURRENT_DATE, updated_at bigint NOT NULL);',
      fixResolves: false,
      findings: [
        { object: 'public.a.created_at', message: 'public.a.created_at is date, not timestamptz' },
        { object: 'public.a.updated_at', message: 'public.a.updated_at is bigint, not timestamptz' },
      ],
    },
  ],
});
