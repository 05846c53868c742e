import rule from '../../../src/rules/migration/add-column-rewrite.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    {
      sql: 'ALTER TABLE orders ADD COLUMN priority int DEFAULT 0;',
      name: 'a constant default on 11 or later',
      pgVersion: 11,
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN seen_at timestamptz DEFAULT now();',
      name: 'a stable default',
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN matured_at timestamptz NOT NULL DEFAULT TO_TIMESTAMP(0);',
      name: 'a built-in function pg_catalog has as immutable (to_timestamp(double precision))',
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN double_id bigint GENERATED ALWAYS AS (id * 2) VIRTUAL;',
      name: 'a virtual generated column on 18',
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN priority int;',
      name: 'no default, even on 10',
      pgVersion: 10,
      before: EXISTING_TABLES,
    },
    {
      sql: 'CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN token uuid DEFAULT gen_random_uuid();',
      name: 'a table created in the same migration',
    },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE orders RENAME TO legacy_orders;\nALTER TABLE legacy_orders ADD COLUMN token uuid DEFAULT gen_random_uuid();',
      name: 'on a table renamed earlier in the migration',
      findings: [{ line: 2 }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();',
      findings: [
        {
          severity: 'error',
          message:
            'ADD COLUMN token with a volatile default (gen_random_uuid) rewrites "orders" under an ACCESS EXCLUSIVE lock',
        },
      ],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN priority int DEFAULT 0;',
      name: 'any default before 11',
      pgVersion: 10,
      findings: [{ message: /before PostgreSQL 11/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN seq serial;',
      findings: [{ message: /serial column/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN number bigint GENERATED ALWAYS AS IDENTITY;',
      findings: [{ message: /identity column/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN double_id bigint GENERATED ALWAYS AS (id * 2) STORED;',
      findings: [{ message: /STORED generated column/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN code text DEFAULT make_code();',
      name: 'an unknown function is assumed volatile',
      findings: [{ message: /cannot check without --db/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN code text DEFAULT app.to_timestamp(0);',
      name: "another schema's function of a built-in's name is the database's own: assumed volatile",
      findings: [{ message: /app\.to_timestamp/ }],
      before: EXISTING_TABLES,
    },
  ],
});
