import rule from '../../../src/rules/schema/tenant-in-keys.js';
import { defineCases } from '../../helpers/rule-tester.js';

const tenants = 'CREATE TABLE tenants (id uuid PRIMARY KEY DEFAULT gen_random_uuid());';
const users = `${tenants}
  CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE, email text NOT NULL, name text, team text);`;

export default defineCases(rule, {
  valid: [
    {
      name: 'keys and indexes with the tenant column; a surrogate primary key',
      setup: `${users}
        CREATE UNIQUE INDEX unq_users_tenant_id_email ON users (tenant_id, lower(email));
        ALTER TABLE users ADD CONSTRAINT unq_users_name UNIQUE (name, tenant_id);
        CREATE INDEX idx_users_tenant_id_team_name ON users (tenant_id, team, name);`,
    },
    {
      name: 'unique by construction: a generated column; a key that includes a row of another tenant table',
      setup: `${users}
        ALTER TABLE users ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE;
        CREATE TABLE user_emails (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
          user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE, position int NOT NULL,
          UNIQUE (user_id, position));`,
    },
    {
      name: 'an index that serves a foreign key, and single-column indexes',
      setup: `${users}
        CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
          user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE, placed_at timestamptz);
        CREATE INDEX idx_orders_user_id_placed_at ON orders (user_id, placed_at);
        CREATE INDEX idx_orders_placed_at ON orders (placed_at);`,
    },
    {
      name: 'the tenants table itself, global tables, tables without the column',
      schemaConfig: { tenancy: { globalTables: ['plans'] } },
      setup: `${tenants}
        ALTER TABLE tenants ADD COLUMN slug text UNIQUE;
        CREATE TABLE plans (id bigint PRIMARY KEY, tenant_id uuid, code text UNIQUE);
        CREATE TABLE countries (code text PRIMARY KEY, name text UNIQUE);`,
    },
    {
      name: 'multi-column indexes by option; tenancy off',
      options: { indexes: false },
      setup: `${users} CREATE INDEX idx_users_team_name ON users (team, name);`,
    },
    {
      name: 'tenancy off',
      schemaConfig: { tenancy: { mode: 'off' } },
      setup: `${users} ALTER TABLE users ADD UNIQUE (email);`,
    },
  ],
  invalid: [
    {
      name: 'a UNIQUE constraint without the tenant column',
      setup: `${users}
        ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
        INSERT INTO tenants DEFAULT VALUES;
        INSERT INTO users (tenant_id, email) SELECT (SELECT id FROM tenants), 'u' || g FROM generate_series(1, 20) g;`,
      findings: [
        {
          object: 'public.users.users_email_key',
          severity: 'warning',
          message:
            "unique constraint users_email_key (email) on public.users does not include tenant_id: uniqueness leaks across tenants (one tenant's row blocks the same key in every other tenant)",
          fix: [
            '-- the new key: per tenant (tenant_id), lower(email); it fails if two rows differ only by case',
            'CREATE UNIQUE INDEX CONCURRENTLY users_email_key_tenant ON public.users (tenant_id, lower(email));',
            'ALTER TABLE public.users DROP CONSTRAINT users_email_key;',
            'ALTER INDEX public.users_email_key_tenant RENAME TO users_email_key;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'a unique expression index with a predicate keeps both',
      setup: `${users}
        ALTER TABLE users ADD COLUMN deleted_at timestamptz;
        CREATE UNIQUE INDEX unq_users_email ON users (lower(email)) WHERE deleted_at IS NULL;`,
      findings: [
        {
          object: 'public.unq_users_email',
          fix: [
            '-- the new key: per tenant (tenant_id)',
            'CREATE UNIQUE INDEX CONCURRENTLY unq_users_email_tenant ON public.users (tenant_id, lower(email)) WHERE (deleted_at IS NULL);',
            'DROP INDEX CONCURRENTLY public.unq_users_email;',
            'ALTER INDEX public.unq_users_email_tenant RENAME TO unq_users_email;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'a natural primary key is swapped in one short transaction',
      setup: `${tenants}
        CREATE TABLE settings (key text PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants ON DELETE CASCADE, value text);`,
      findings: [
        {
          object: 'public.settings.settings_pkey',
          message: /^primary key settings_pkey \(key\) on public.settings does not include tenant_id/,
          fix: [
            '-- the new key: per tenant (tenant_id)',
            'CREATE UNIQUE INDEX CONCURRENTLY settings_pkey_tenant ON public.settings (tenant_id, key);',
            'BEGIN;',
            'ALTER TABLE public.settings DROP CONSTRAINT settings_pkey;',
            'ALTER TABLE public.settings ADD CONSTRAINT settings_pkey PRIMARY KEY USING INDEX settings_pkey_tenant;',
            'COMMIT;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'a unique key that foreign keys reference: they must move first',
      setup: `${users}
        ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
        CREATE TABLE invites (id bigint PRIMARY KEY, email text REFERENCES users (email));`,
      fixResolves: false,
      findings: [
        {
          fix: /ON public.users \(tenant_id, lower\(email\)\);\n-- foreign keys reference users_email_key: move them to the new key, then:\n-- ALTER TABLE public.users DROP CONSTRAINT users_email_key;\n-- ALTER INDEX public.users_email_key_tenant RENAME TO users_email_key;$/,
        },
      ],
    },
    {
      name: 'a multi-column index without the tenant column: info',
      setup: `${users} CREATE INDEX idx_users_team_name ON users (team, name);`,
      findings: [
        {
          object: 'public.idx_users_team_name',
          severity: 'info',
          message:
            'index idx_users_team_name (team, name) on public.users does not include tenant_id: every query of a tenant table filters by tenant_id; lead with it',
          fix: [
            'CREATE INDEX CONCURRENTLY idx_users_team_name_tenant ON public.users (tenant_id, team, name);',
            'DROP INDEX CONCURRENTLY public.idx_users_team_name;',
            'ALTER INDEX public.idx_users_team_name_tenant RENAME TO idx_users_team_name;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'a partitioned tenant table',
      setup: `${tenants}
        CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY, at date, tenant_id uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
          code text, PRIMARY KEY (id, at), UNIQUE (code, at)) PARTITION BY RANGE (at);
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');`,
      findings: [
        {
          object: 'public.events.events_code_at_key',
          fix: /^-- the new key: per tenant \(tenant_id\)\nCREATE UNIQUE INDEX events_code_at_key_tenant ON ONLY public.events \(tenant_id, code, at\);\nCREATE UNIQUE INDEX CONCURRENTLY/,
        },
      ],
    },
  ],
});
