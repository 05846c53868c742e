import rule from '../../../src/rules/migration/prefer-robust-statements.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    {
      sql: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_note ON orders (note);',
      noTransaction: true,
      before: EXISTING_TABLES,
    },
    { sql: 'CREATE TABLE t (a int);', name: 'inside the runner transaction' },
  ],
  invalid: [
    {
      sql: 'CREATE INDEX CONCURRENTLY idx_orders_note ON orders (note);',
      noTransaction: true,
      findings: [{ fix: /^CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_note/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'DROP INDEX CONCURRENTLY idx_orders_user_id;',
      noTransaction: true,
      findings: [{ fix: /^DROP INDEX CONCURRENTLY IF EXISTS idx_orders_user_id/ }],
      before: EXISTING_TABLES,
    },
  ],
});
