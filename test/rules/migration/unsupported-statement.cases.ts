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
  ],
  invalid: [
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
