import rule from '../../../src/rules/schema/soft-delete-index.js';
import { defineCases } from '../../helpers/rule-tester.js';

const users =
  'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL, name text, org_id bigint, deleted_at timestamptz);';

export default defineCases(rule, {
  valid: [
    {
      name: 'partial unique and plain indexes; the primary key',
      setup: `${users}
        CREATE UNIQUE INDEX unq_users_email ON users (lower(email)) WHERE deleted_at IS NULL;
        CREATE INDEX idx_users_name ON users (name) WHERE (name IS NOT NULL AND deleted_at IS NULL);`,
    },
    {
      name: 'a table without the soft-delete column',
      setup:
        'CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE, name text); CREATE INDEX ON users (name);',
    },
    {
      name: 'indexes that serve a foreign key, and indexes on deleted_at itself, stay as they are',
      setup: `CREATE TABLE orgs (id bigint PRIMARY KEY);
        ${users.replace('org_id bigint', 'org_id bigint REFERENCES orgs (id)')}
        CREATE INDEX idx_users_org_id ON users (org_id);
        CREATE INDEX idx_users_deleted_at ON users (deleted_at) WHERE deleted_at IS NOT NULL;
        CREATE INDEX idx_users_purge ON users (id, deleted_at);`,
    },
    {
      name: 'a unique key a foreign key references must stay whole; a generated surrogate key',
      setup: `${users.replace('email text NOT NULL', 'email text NOT NULL UNIQUE, public_id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE')}
        CREATE TABLE invites (id bigint PRIMARY KEY, email text REFERENCES users (email));`,
    },
    {
      name: 'plainIndexes: false',
      options: { plainIndexes: false },
      setup: `${users} CREATE INDEX idx_users_name ON users (name);`,
    },
    {
      name: 'another soft-delete column by config',
      schemaConfig: { softDeleteColumn: 'archived_at' },
      setup: `${users.replace('deleted_at', 'archived_at')}
        CREATE UNIQUE INDEX unq_users_email ON users (email) WHERE archived_at IS NULL;`,
    },
  ],
  invalid: [
    {
      name: 'a UNIQUE constraint: partial twin, drop, rename',
      setup: `${users.replace('name text', 'name text UNIQUE')}
        INSERT INTO users (email, name, deleted_at) SELECT 'u' || g || '@example.com', 'n' || g, CASE WHEN g % 5 = 0 THEN now() END
          FROM generate_series(1, 100) g;`,
      findings: [
        {
          object: 'public.users.users_name_key',
          severity: 'warning',
          message:
            'unique constraint users_name_key (name) on public.users counts soft-deleted rows: a deleted row keeps its values taken; make it partial, WHERE deleted_at IS NULL',
          fix: [
            '-- the new key: live rows only (deleted_at IS NULL)',
            'CREATE UNIQUE INDEX CONCURRENTLY users_name_key_live ON public.users (name) WHERE deleted_at IS NULL;',
            'ALTER TABLE public.users DROP CONSTRAINT users_name_key;',
            'ALTER INDEX public.users_name_key_live RENAME TO users_name_key;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'the new key also follows the other conventions: per tenant, lower(email)',
      setup: `CREATE TABLE tenants (id bigint PRIMARY KEY);
        CREATE TABLE members (id bigint PRIMARY KEY, tenant_id bigint NOT NULL REFERENCES tenants ON DELETE CASCADE,
          email text NOT NULL UNIQUE, deleted_at timestamptz);`,
      findings: [
        {
          object: 'public.members.members_email_key',
          fix: [
            '-- the new key: per tenant (tenant_id), lower(email), live rows only (deleted_at IS NULL); it fails if two rows differ only by case',
            'CREATE UNIQUE INDEX CONCURRENTLY members_email_key_live ON public.members (tenant_id, lower(email)) WHERE deleted_at IS NULL;',
            'ALTER TABLE public.members DROP CONSTRAINT members_email_key;',
            'ALTER INDEX public.members_email_key_live RENAME TO members_email_key;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'a unique index with an expression, INCLUDE and a predicate keeps them all',
      setup: `${users}
        CREATE UNIQUE INDEX "Users_Email" ON users (org_id, lower(email)) INCLUDE (name) WHERE org_id IS NOT NULL;`,
      findings: [
        {
          object: 'public.Users_Email',
          message:
            /^unique index Users_Email \(org_id, lower\(email\)\) WHERE \(org_id IS NOT NULL\) on public.users/,
          fix: [
            '-- the new key: live rows only (deleted_at IS NULL)',
            'CREATE UNIQUE INDEX CONCURRENTLY "Users_Email_live" ON public.users (org_id, lower(email)) INCLUDE (name) WHERE (org_id IS NOT NULL) AND deleted_at IS NULL;',
            'DROP INDEX CONCURRENTLY public."Users_Email";',
            'ALTER INDEX public."Users_Email_live" RENAME TO "Users_Email";',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'a plain index that serves no foreign key: info',
      setup: `${users} CREATE INDEX idx_users_name ON users USING hash (name);`,
      findings: [
        {
          object: 'public.idx_users_name',
          severity: 'info',
          message:
            'index idx_users_name (name) on public.users includes soft-deleted rows: if the queries it serves filter deleted_at IS NULL, make it partial',
          fix: [
            'CREATE INDEX CONCURRENTLY idx_users_name_live ON public.users USING hash (name) WHERE deleted_at IS NULL;',
            'DROP INDEX CONCURRENTLY public.idx_users_name;',
            'ALTER INDEX public.idx_users_name_live RENAME TO idx_users_name;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'a partitioned table',
      setup: `CREATE TABLE docs (id bigint, at date, slug text, deleted_at timestamptz, PRIMARY KEY (id, at),
          UNIQUE (slug, at)) PARTITION BY RANGE (at);
        CREATE TABLE docs_2025 PARTITION OF docs FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');`,
      findings: [
        {
          object: 'public.docs.docs_slug_at_key',
          fix: [
            '-- the new key: live rows only (deleted_at IS NULL)',
            'CREATE UNIQUE INDEX docs_slug_at_key_live ON ONLY public.docs (slug, at) WHERE deleted_at IS NULL;',
            'CREATE UNIQUE INDEX CONCURRENTLY docs_2025_docs_slug_at_key_live ON public.docs_2025 (slug, at) WHERE deleted_at IS NULL;',
            'ALTER INDEX public.docs_slug_at_key_live ATTACH PARTITION public.docs_2025_docs_slug_at_key_live;',
            'ALTER TABLE public.docs DROP CONSTRAINT docs_slug_at_key;',
            'ALTER INDEX public.docs_slug_at_key_live RENAME TO docs_slug_at_key;',
          ].join('\n'),
        },
      ],
    },
  ],
});
