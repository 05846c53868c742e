import rule from '../../../src/rules/migration/cannot-run-in-transaction.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    {
      sql: 'CREATE INDEX CONCURRENTLY idx_orders_note ON orders (note);',
      noTransaction: true,
      before: EXISTING_TABLES,
    },
    { sql: 'VACUUM orders;', noTransaction: true, before: EXISTING_TABLES },
    { sql: 'ANALYZE orders;', name: 'ANALYZE may run in a transaction', before: EXISTING_TABLES },
  ],
  invalid: [
    {
      sql: 'CREATE INDEX CONCURRENTLY idx_orders_note ON orders (note);',
      findings: [
        {
          message: /cannot run inside the migration runner's transaction/,
          fix: '-- pgwarden:no-transaction\nCREATE INDEX CONCURRENTLY idx_orders_note ON orders (note);',
        },
      ],
      before: EXISTING_TABLES,
    },
    {
      sql: 'BEGIN;\nDROP INDEX CONCURRENTLY idx_orders_user_id;\nCOMMIT;',
      noTransaction: true,
      findings: [
        {
          line: 2,
          message: /a transaction block \(BEGIN/,
          fix: '-- outside BEGIN … COMMIT\nDROP INDEX CONCURRENTLY idx_orders_user_id;',
        },
      ],
      before: EXISTING_TABLES,
    },
    { sql: 'VACUUM orders;', findings: [{ message: /^VACUUM cannot run/ }], before: EXISTING_TABLES },
  ],
});
