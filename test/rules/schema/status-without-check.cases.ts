import rule from '../../../src/rules/schema/status-without-check.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'a CHECK, an enum, a domain, a lookup table',
      setup: `CREATE TYPE order_status AS ENUM ('pending', 'paid');
        CREATE DOMAIN account_kind AS text CHECK (VALUE IN ('personal', 'business'));
        CREATE TABLE roles (code text PRIMARY KEY);
        CREATE TABLE accounts (id bigint PRIMARY KEY,
          status text NOT NULL CONSTRAINT chk_accounts_status CHECK (status IN ('active', 'closed')),
          order_status order_status, kind account_kind, role text REFERENCES roles);`,
    },
    {
      name: 'names that do not match, and open-ended types',
      setup: `CREATE TABLE files (id bigint PRIMARY KEY, content_type text, mime_type text, statement text,
        typed_by text, prototype text, status_code int);`,
    },
    {
      name: 'a column with many distinct values is not an enumeration (live statistics)',
      setup: `CREATE TABLE events (id bigint PRIMARY KEY, type text);
        INSERT INTO events SELECT g, 'event.' || (g % 200) FROM generate_series(1, 2000) g;`,
    },
    {
      name: 'a CHECK on several columns counts',
      setup: `CREATE TABLE t (id bigint PRIMARY KEY, state text, region text,
        CHECK (state IN ('a', 'b') OR region IS NULL));`,
    },
  ],
  invalid: [
    {
      name: 'live: the values ANALYZE found make the CHECK',
      setup: `CREATE TABLE accounts (id bigint PRIMARY KEY, status text);
        INSERT INTO accounts SELECT g, CASE WHEN g % 10 = 0 THEN NULL WHEN g % 3 = 0 THEN 'closed' ELSE 'active' END
          FROM generate_series(1, 1000) g;`,
      findings: [
        {
          object: 'public.accounts.status',
          severity: 'warning',
          message:
            "public.accounts.status is text with no CHECK constraint, enum or lookup table: any string is a valid status (the data has 'active', 'closed')",
          fix: [
            '-- the values ANALYZE found: check them against the application',
            "ALTER TABLE public.accounts ADD CONSTRAINT chk_accounts_status CHECK (status IN ('active', 'closed')) NOT VALID;",
            'ALTER TABLE public.accounts VALIDATE CONSTRAINT chk_accounts_status;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'suffixes match; values that need quoting; a quoted table',
      setup: `CREATE TABLE "Order" (id bigint PRIMARY KEY, payment_state varchar(20) NOT NULL);
        INSERT INTO "Order" SELECT g, CASE WHEN g % 2 = 0 THEN 'o''clock' ELSE 'due' END FROM generate_series(1, 100) g;`,
      findings: [
        {
          object: 'public.Order.payment_state',
          fix: /ADD CONSTRAINT "chk_Order_payment_state" CHECK \(payment_state IN \('due', 'o''clock'\)\) NOT VALID;/,
        },
      ],
    },
    {
      name: 'shadow: a template to fill in (not runnable as is)',
      source: 'shadow',
      setup: 'CREATE TABLE users (id bigint PRIMARY KEY, role text NOT NULL, kind text);',
      fixResolves: false,
      findings: [
        {
          object: 'public.users.role',
          message:
            'public.users.role is text with no CHECK constraint, enum or lookup table: any string is a valid role',
          fix: [
            '-- list the values the application uses:',
            'ALTER TABLE public.users ADD CONSTRAINT chk_users_role CHECK (role IN (<the allowed values>)) NOT VALID;',
            'ALTER TABLE public.users VALIDATE CONSTRAINT chk_users_role;',
          ].join('\n'),
        },
        { object: 'public.users.kind' },
      ],
    },
    {
      name: 'names are an option',
      options: { names: ['level'] },
      setup: `CREATE TABLE logs (id bigint PRIMARY KEY, level text, status text);
        INSERT INTO logs SELECT g, 'info', 'x' FROM generate_series(1, 10) g;`,
      findings: [{ object: 'public.logs.level' }],
    },
  ],
});
