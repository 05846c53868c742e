import rule from '../../../src/rules/migration/unsupported-statement.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    {
      sql: 'ALTER TABLE events DETACH PARTITION events_2025 CONCURRENTLY;',
      pgVersion: 14,
      noTransaction: true,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN double_id bigint GENERATED ALWAYS AS (id * 2) VIRTUAL;',
      pgVersion: 18,
      before: EXISTING_TABLES,
    },
    {
      name: 'MERGE on 15',
      sql: 'MERGE INTO orders USING users ON orders.user_id = users.id WHEN MATCHED THEN UPDATE SET note = NULL;',
      pgVersion: 15,
      before: EXISTING_TABLES,
    },
    {
      name: 'CREATE PROCEDURE on 11',
      sql: 'CREATE PROCEDURE touch() LANGUAGE sql AS $$ SELECT 1 $$;',
      pgVersion: 11,
    },
    {
      name: 'CREATE FUNCTION on 10',
      sql: 'CREATE FUNCTION one() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;',
      pgVersion: 10,
    },
  ],
  invalid: [
    {
      name: 'MERGE before 15',
      sql: 'MERGE INTO orders USING users ON orders.user_id = users.id WHEN MATCHED THEN UPDATE SET note = NULL;',
      pgVersion: 14,
      before: EXISTING_TABLES,
      findings: [{ message: 'MERGE needs PostgreSQL 15; the target is 14' }],
    },
    {
      name: 'CREATE PROCEDURE before 11',
      sql: 'CREATE PROCEDURE touch() LANGUAGE sql AS $$ SELECT 1 $$;',
      pgVersion: 10,
      findings: [{ message: 'CREATE PROCEDURE needs PostgreSQL 11; the target is 10' }],
    },
    {
      sql: 'ALTER TABLE events DETACH PARTITION events_2025 CONCURRENTLY;',
      pgVersion: 13,
      noTransaction: true,
      findings: [{ message: 'DETACH PARTITION CONCURRENTLY needs PostgreSQL 14; the target is 13' }],
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN double_id bigint GENERATED ALWAYS AS (id * 2) VIRTUAL;',
      pgVersion: 17,
      findings: [{ message: /needs PostgreSQL 18; the target is 17/ }],
      before: EXISTING_TABLES,
    },
  ],
});
