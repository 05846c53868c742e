import rule from '../../../src/rules/migration/require-concurrent-reindex.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    { sql: 'REINDEX INDEX CONCURRENTLY idx_orders_user_id;', noTransaction: true, before: EXISTING_TABLES },
  ],
  invalid: [
    {
      sql: 'REINDEX INDEX idx_orders_user_id;',
      findings: [{ fix: /^REINDEX INDEX CONCURRENTLY idx_orders_user_id/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'REINDEX INDEX idx_orders_user_id;',
      pgVersion: 11,
      name: 'before 12 the advice rebuilds by hand',
      findings: [{ fix: /has no REINDEX CONCURRENTLY/ }],
      before: EXISTING_TABLES,
    },
  ],
});
