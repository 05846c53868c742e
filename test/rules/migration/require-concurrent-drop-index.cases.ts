import rule from '../../../src/rules/migration/require-concurrent-drop-index.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    { sql: 'DROP INDEX CONCURRENTLY idx_orders_user_id;', noTransaction: true, before: EXISTING_TABLES },
    {
      sql: 'CREATE TABLE t (a int);\nCREATE INDEX idx_t_a ON t (a);\nDROP INDEX idx_t_a;',
      name: 'an index created in the same transaction',
    },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE orders RENAME TO legacy_orders;\nALTER INDEX idx_orders_user_id RENAME TO idx_legacy_orders_user_id;\nDROP INDEX idx_legacy_orders_user_id;',
      name: 'a renamed index of a renamed table',
      findings: [{ line: 3, message: /ACCESS EXCLUSIVE lock on "legacy_orders"/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'DROP INDEX idx_orders_user_id;',
      findings: [
        { message: /ACCESS EXCLUSIVE lock on "orders"/, fix: /^DROP INDEX CONCURRENTLY idx_orders_user_id/ },
      ],
      before: EXISTING_TABLES,
    },
    {
      sql: 'DROP INDEX idx_unknown;',
      name: 'an index pgwarden does not know',
      findings: [{ message: /the index's table/ }],
    },
  ],
});
