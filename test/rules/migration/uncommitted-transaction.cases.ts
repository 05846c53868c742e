import rule from '../../../src/rules/migration/uncommitted-transaction.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    {
      sql: 'BEGIN;\nALTER TABLE orders ADD COLUMN c int;\nCOMMIT;',
      noTransaction: true,
      before: EXISTING_TABLES,
    },
  ],
  invalid: [
    {
      sql: 'BEGIN;\nALTER TABLE orders ADD COLUMN c int;',
      noTransaction: true,
      findings: [{ line: 1, fix: 'COMMIT;' }],
      before: EXISTING_TABLES,
    },
  ],
});
