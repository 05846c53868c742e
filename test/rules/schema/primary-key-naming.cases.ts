import rule from '../../../src/rules/schema/primary-key-naming.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { setup: 'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);' },
    {
      name: 'a join table keyed by its two foreign keys',
      setup: `CREATE TABLE users (id bigint PRIMARY KEY);
        CREATE TABLE roles (id bigint PRIMARY KEY);
        CREATE TABLE user_roles (user_id bigint REFERENCES users, role_id bigint REFERENCES roles,
          granted_at timestamptz, PRIMARY KEY (user_id, role_id));`,
    },
    {
      name: 'a table sharing its parent key',
      setup: `CREATE TABLE users (id bigint PRIMARY KEY);
        CREATE TABLE user_profiles (user_id bigint PRIMARY KEY REFERENCES users, bio text);`,
    },
    {
      name: 'id with the partition key, and id with the tenant column',
      setup: `CREATE TABLE events (id bigint, created_at timestamptz, PRIMARY KEY (id, created_at))
          PARTITION BY RANGE (created_at);
        CREATE TABLE invoices (tenant_id uuid, id bigint, PRIMARY KEY (tenant_id, id));`,
    },
    {
      name: 'a natural key is a key design question (schema/standard-id), not a name',
      setup: `CREATE TABLE countries (code char(2) PRIMARY KEY, name text);
        CREATE TABLE order_lines (order_no int, line_no int, PRIMARY KEY (order_no, line_no));`,
    },
    {
      name: 'another key column name by option',
      options: { column: 'order_id' },
      setup: 'CREATE TABLE orders (order_id bigint PRIMARY KEY);',
    },
  ],
  invalid: [
    {
      name: 'the key named after its table',
      setup: 'CREATE TABLE orders (order_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total numeric);',
      findings: [
        {
          object: 'public.orders.order_id',
          severity: 'warning',
          message: 'the primary key column of public.orders is named order_id, not id',
          fix: 'ALTER TABLE public.orders RENAME COLUMN order_id TO id;',
        },
      ],
    },
    {
      name: 'other spellings, referenced by foreign keys that follow the rename',
      setup: `CREATE TABLE categories ("CategoryID" bigint PRIMARY KEY);
        CREATE TABLE products (pk bigint PRIMARY KEY, category_id bigint REFERENCES categories);
        CREATE TABLE people (uuid uuid PRIMARY KEY);`,
      findings: [
        {
          object: 'public.categories.CategoryID',
          fix: 'ALTER TABLE public.categories RENAME COLUMN "CategoryID" TO id;',
        },
        { object: 'public.people.uuid', fix: 'ALTER TABLE public.people RENAME COLUMN uuid TO id;' },
        { object: 'public.products.pk', fix: 'ALTER TABLE public.products RENAME COLUMN pk TO id;' },
      ],
    },
    {
      name: 'inside a composite key of a partitioned table',
      setup: `CREATE TABLE orders (order_id bigint, created_at timestamptz, PRIMARY KEY (order_id, created_at))
        PARTITION BY RANGE (created_at);`,
      findings: [
        { object: 'public.orders.order_id', fix: 'ALTER TABLE public.orders RENAME COLUMN order_id TO id;' },
      ],
    },
    {
      name: 'another column is already named id: no fix',
      setup: 'CREATE TABLE orders (order_id bigint PRIMARY KEY, id text);',
      findings: [
        { object: 'public.orders.order_id', message: /another column is already named id/, fix: null },
      ],
    },
  ],
});
