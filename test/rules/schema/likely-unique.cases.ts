import rule from '../../../src/rules/schema/likely-unique.js';
import { defineCases } from '../../helpers/rule-tester.js';

const tenants = 'CREATE TABLE tenants (id uuid PRIMARY KEY DEFAULT gen_random_uuid());';

export default defineCases(rule, {
  valid: [
    {
      name: 'case-insensitive unique keys: lower(), citext, a CHECK that folds, a slug as is',
      setup: `CREATE EXTENSION citext;
        CREATE TABLE a (id bigint PRIMARY KEY, email text NOT NULL, slug text UNIQUE);
        CREATE UNIQUE INDEX unq_a_email ON a (lower(email));
        CREATE TABLE b (id bigint PRIMARY KEY, email citext UNIQUE, username varchar(40));
        CREATE UNIQUE INDEX unq_b_username ON b (upper(username));
        CREATE TABLE c (id bigint PRIMARY KEY, login text UNIQUE CHECK (login = lower(login)));`,
    },
    {
      name: 'per tenant and among live rows',
      setup: `${tenants}
        CREATE TABLE users (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
          email text NOT NULL, handle text, deleted_at timestamptz);
        CREATE UNIQUE INDEX unq_users_tenant_id_email ON users (tenant_id, lower(email)) WHERE deleted_at IS NULL;
        CREATE UNIQUE INDEX unq_users_handle ON users (tenant_id, lower(handle));`,
    },
    {
      name: 'a foreign key column names another table’s row',
      setup: `CREATE TABLE users (id bigint PRIMARY KEY, email text);
        CREATE UNIQUE INDEX unq_users_email ON users (lower(email));
        CREATE TABLE users_by_email (email text PRIMARY KEY CHECK (email = lower(email)));
        CREATE TABLE mails (id bigint PRIMARY KEY, email text REFERENCES users_by_email);`,
    },
    {
      name: 'other names and types; the columns are an option',
      options: { columns: ['nickname'] },
      setup: `CREATE TABLE a (id bigint PRIMARY KEY, email text, contact_email text, slug int,
        nickname text UNIQUE);`,
    },
    {
      name: 'audit, log, history and event tables, and the addresses of messages sent, repeat by nature',
      setup: `CREATE TABLE audit_logs (id bigint PRIMARY KEY, username text NOT NULL, email text);
        CREATE TABLE login_history (id bigint PRIMARY KEY, login text NOT NULL);
        CREATE TABLE "AuditEvent" (id bigint PRIMARY KEY, email text NOT NULL);
        CREATE TABLE notifications (id bigint PRIMARY KEY, email text NOT NULL);
        CREATE TABLE sent_mails (id bigint PRIMARY KEY, email text NOT NULL, handle text);`,
    },
    {
      name: 'the data says most values repeat: not an identifier',
      setup: `CREATE TABLE subscriptions (id bigint PRIMARY KEY, email text NOT NULL);
        INSERT INTO subscriptions SELECT g, 'user' || (g % 40) || '@example.com' FROM generate_series(1, 2000) g;
        ANALYZE subscriptions;`,
    },
  ],
  invalid: [
    {
      name: 'a table of addresses is not a table of messages, and its values are distinct',
      setup: `CREATE TABLE user_emails (id bigint PRIMARY KEY, email text NOT NULL);
        INSERT INTO user_emails SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 2000) g;
        ANALYZE user_emails;`,
      findings: [{ object: 'public.user_emails.email', fix: /^-- fails on duplicates/ }],
    },
    {
      name: 'no unique key (shadow)',
      source: 'shadow',
      setup: 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, slug text);',
      findings: [
        {
          object: 'public.users.email',
          severity: 'warning',
          message:
            'public.users.email identifies a row but no unique index covers it: concurrent inserts can create two rows with the same email',
          fix: [
            '-- fails on duplicates (values that differ only by case too): SELECT lower(email), count(*) FROM public.users GROUP BY 1 HAVING count(*) > 1;',
            'CREATE UNIQUE INDEX CONCURRENTLY unq_users_email ON public.users (lower(email));',
          ].join('\n'),
        },
        {
          object: 'public.users.slug',
          fix: [
            '-- fails on duplicates: SELECT slug, count(*) FROM public.users GROUP BY 1 HAVING count(*) > 1;',
            'CREATE UNIQUE INDEX CONCURRENTLY unq_users_slug ON public.users (slug);',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'a tenant table with soft delete: per tenant, among live rows (live data without duplicates)',
      setup: `${tenants}
        INSERT INTO tenants DEFAULT VALUES;
        CREATE TABLE users (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
          username text, deleted_at timestamptz);
        INSERT INTO users SELECT g, (SELECT id FROM tenants), CASE WHEN g % 3 = 0 THEN NULL ELSE 'user' || g END
          FROM generate_series(1, 300) g;`,
      findings: [
        {
          object: 'public.users.username',
          message: /no unique index covers it: concurrent inserts/,
          fix: [
            '-- fails on duplicates (values that differ only by case too): SELECT tenant_id, lower(username), count(*) FROM public.users WHERE deleted_at IS NULL GROUP BY 1, 2 HAVING count(*) > 1;',
            'CREATE UNIQUE INDEX CONCURRENTLY unq_users_tenant_id_username ON public.users (tenant_id, lower(username)) WHERE deleted_at IS NULL;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'live data with duplicates: the index cannot be built until they are resolved',
      setup: `CREATE TABLE users (id bigint PRIMARY KEY, email text);
        INSERT INTO users SELECT g, 'user' || (g % 400) || '@example.com' FROM generate_series(1, 500) g;`,
      fixResolves: false,
      findings: [
        {
          message:
            'public.users.email identifies a row but no unique index covers it; ANALYZE saw repeated values (~400 distinct in ~500 rows): concurrent inserts can create two rows with the same email',
          fix: /^-- resolve the duplicates first \(the build fails on the first one\): SELECT lower\(email\), count\(\*\) FROM public.users GROUP BY 1 HAVING count\(\*\) > 1;\n/,
        },
      ],
    },
    {
      name: 'a case-sensitive UNIQUE constraint becomes a lower() index under its name',
      setup: `CREATE TABLE users (id bigint PRIMARY KEY, email varchar(200) NOT NULL CONSTRAINT users_email_key UNIQUE);
        INSERT INTO users SELECT g, 'User' || g || '@example.com' FROM generate_series(1, 100) g;`,
      findings: [
        {
          object: 'public.users.email',
          message:
            "public.users.email is unique only case-sensitively (users_email_key (email)): 'Alice@example.com' and 'alice@example.com' are two different emails",
          fix: [
            '-- the new key: lower(email); it fails if two rows differ only by case',
            'CREATE UNIQUE INDEX CONCURRENTLY users_email_key_lower ON public.users (lower(email));',
            'ALTER TABLE public.users DROP CONSTRAINT users_email_key;',
            'ALTER INDEX public.users_email_key_lower RENAME TO users_email_key;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'a case-sensitive index per tenant and partial keeps its shape',
      setup: `${tenants}
        CREATE TABLE users (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
          handle text, deleted_at timestamptz);
        CREATE UNIQUE INDEX unq_users_handle ON users (tenant_id, handle) WHERE deleted_at IS NULL;`,
      findings: [
        {
          fix: /CREATE UNIQUE INDEX CONCURRENTLY unq_users_handle_lower ON public.users \(tenant_id, lower\(handle\)\) WHERE \(deleted_at IS NULL\);\nDROP INDEX CONCURRENTLY public.unq_users_handle;\nALTER INDEX public.unq_users_handle_lower RENAME TO unq_users_handle;$/,
        },
      ],
    },
    {
      name: 'a key that foreign keys reference stays',
      setup: `CREATE TABLE users (id bigint PRIMARY KEY, username text UNIQUE);
        CREATE TABLE follows (id bigint PRIMARY KEY, username text REFERENCES users (username));`,
      findings: [
        {
          fix: /ON public.users \(lower\(username\)\);\n-- foreign keys reference users_username_key: move them to the new key, then:\n-- ALTER TABLE public.users DROP CONSTRAINT users_username_key;\n/,
        },
      ],
    },
    {
      name: 'a case-sensitive primary key stays, with a lower() unique index beside it',
      setup: 'CREATE TABLE accounts (login text PRIMARY KEY);',
      findings: [
        {
          fix: [
            '-- fails if two rows differ only by case: SELECT lower(login), count(*) FROM public.accounts GROUP BY 1 HAVING count(*) > 1;',
            'CREATE UNIQUE INDEX CONCURRENTLY unq_accounts_login ON public.accounts (lower(login));',
          ].join('\n'),
        },
      ],
    },
  ],
});
