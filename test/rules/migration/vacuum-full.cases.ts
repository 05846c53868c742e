import rule from '../../../src/rules/migration/vacuum-full.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    { sql: 'VACUUM orders;', noTransaction: true, before: EXISTING_TABLES },
    { sql: 'VACUUM (ANALYZE) orders;', noTransaction: true, before: EXISTING_TABLES },
  ],
  invalid: [
    {
      sql: 'VACUUM FULL orders;',
      noTransaction: true,
      findings: [{ message: /^VACUUM FULL rewrites "orders"/ }],
      before: EXISTING_TABLES,
    },
    { sql: 'CLUSTER orders USING orders_pkey;', before: EXISTING_TABLES },
  ],
});
