import rule from '../../../src/rules/schema/unique-naming.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'unique constraints and unique indexes named unq_{table}_{columns}',
      setup: `CREATE TABLE products (id bigint PRIMARY KEY, tenant_id uuid, sku text, name text,
          CONSTRAINT unq_products_tenant_id_sku UNIQUE (tenant_id, sku));
        CREATE UNIQUE INDEX unq_products_name ON products (name);`,
    },
    {
      name: 'an expression and a partial key: named by the columns read, any suffix',
      setup: `CREATE TABLE customers (id bigint PRIMARY KEY, tenant_id uuid, email text, deleted_at timestamptz);
        CREATE UNIQUE INDEX unq_customers_tenant_id_email ON customers (tenant_id, lower(email)) WHERE deleted_at IS NULL;
        CREATE UNIQUE INDEX unq_customers_email_lower ON customers (lower(email));`,
    },
    {
      name: 'primary keys, exclusion constraints and non-unique indexes are not checked',
      setup: `CREATE EXTENSION IF NOT EXISTS btree_gist;
        CREATE TABLE rooms (room_no int PRIMARY KEY);
        CREATE TABLE bookings (id bigint CONSTRAINT pk PRIMARY KEY, room_no int, during tstzrange,
          CONSTRAINT no_overlap EXCLUDE USING gist (room_no WITH =, during WITH &&));
        CREATE INDEX bookings_room_no ON bookings (room_no);`,
    },
    {
      name: 'the tenant column may be left out of the name',
      setup: `CREATE TABLE products (id bigint PRIMARY KEY, tenant_id uuid, sku text,
          CONSTRAINT unq_products_sku UNIQUE (tenant_id, sku));`,
    },
    {
      name: 'a reserved-word table',
      setup: 'CREATE TABLE "user" (id bigint PRIMARY KEY, email text CONSTRAINT unq_user_email UNIQUE);',
    },
    {
      name: 'another template',
      options: { template: '{table}_{columns}_key' },
      setup: 'CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE);',
    },
  ],
  invalid: [
    {
      name: 'Prisma’s names in a camelCase schema, detected: the fix keeps the project’s spelling',
      setup: `CREATE TABLE "User" ("id" text PRIMARY KEY, "email" text, "githubLogin" text, "apiKey" text);
        CREATE UNIQUE INDEX "User_email_key" ON "User" ("email");
        CREATE UNIQUE INDEX "User_githubLogin_key" ON "User" ("githubLogin");
        CREATE UNIQUE INDEX "uniqueApiKey" ON "User" ("apiKey");`,
      findings: [
        {
          object: 'public.uniqueApiKey',
          message: 'unique index uniqueApiKey on public.User (api_key) is not named User_apiKey_key',
          fix: 'ALTER INDEX public."uniqueApiKey" RENAME TO "User_apiKey_key";',
        },
      ],
    },
    {
      name: 'PostgreSQL generated names: a constraint and a unique index, under pgwarden’s template',
      options: { template: 'unq_{table}_{columns}' },
      setup: `CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE, handle text);
        CREATE UNIQUE INDEX ON users (lower(handle));`,
      findings: [
        {
          object: 'public.users.users_email_key',
          severity: 'warning',
          message: 'unique constraint users_email_key on public.users (email) is not named unq_users_email',
          fix: 'ALTER TABLE public.users RENAME CONSTRAINT users_email_key TO unq_users_email;',
        },
        {
          object: 'public.users_lower_idx',
          message: 'unique index users_lower_idx on public.users (handle) is not named unq_users_handle',
          fix: 'ALTER INDEX public.users_lower_idx RENAME TO unq_users_handle;',
        },
      ],
    },
    {
      name: 'multi-column, NULLS NOT DISTINCT, and the idx_ prefix of plain indexes',
      setup: `CREATE TABLE memberships (id bigint PRIMARY KEY, team_id bigint, user_id bigint, email text,
          CONSTRAINT uk1 UNIQUE NULLS NOT DISTINCT (team_id, user_id));
        CREATE UNIQUE INDEX idx_memberships_email ON memberships (email);`,
      findings: [
        {
          object: 'public.memberships.uk1',
          fix: 'ALTER TABLE public.memberships RENAME CONSTRAINT uk1 TO unq_memberships_team_id_user_id;',
        },
        {
          object: 'public.idx_memberships_email',
          fix: 'ALTER INDEX public.idx_memberships_email RENAME TO unq_memberships_email;',
        },
      ],
    },
    {
      name: 'mixed-case table and constraint names',
      schemaConfig: { naming: { tables: 'snake_case', columns: 'snake_case' } },
      setup: 'CREATE TABLE "Users" (id bigint PRIMARY KEY, "Email" text CONSTRAINT "UsersEmail" UNIQUE);',
      findings: [
        {
          object: 'public.Users.UsersEmail',
          fix: 'ALTER TABLE public."Users" RENAME CONSTRAINT "UsersEmail" TO unq_users_email;',
        },
      ],
    },
    {
      name: 'the conventional name is taken',
      setup: `CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE);
        CREATE UNIQUE INDEX unq_users_email ON users (email) WHERE id > 0;
        CREATE UNIQUE INDEX email_uidx ON users (email);`,
      findings: [
        { object: 'public.users.users_email_key', message: /that name is taken/, fix: null },
        { object: 'public.email_uidx', message: /that name is taken/, fix: null },
      ],
    },
  ],
});
