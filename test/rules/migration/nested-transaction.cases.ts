import rule from '../../../src/rules/migration/nested-transaction.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    {
      sql: 'BEGIN;\nALTER TABLE orders ADD COLUMN c int;\nCOMMIT;',
      noTransaction: true,
      before: EXISTING_TABLES,
    },
    { sql: 'ALTER TABLE orders ADD COLUMN c int;', before: EXISTING_TABLES },
  ],
  invalid: [
    {
      sql: 'BEGIN;\nALTER TABLE orders ADD COLUMN c int;\nCOMMIT;',
      name: "BEGIN inside the runner's transaction",
      findings: [{ line: 1 }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN c int;\nCOMMIT;\nALTER TABLE users ADD COLUMN d int;',
      name: "COMMIT ends the runner's transaction",
      findings: [{ line: 2, message: /half-way/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'BEGIN;\nBEGIN;\nCOMMIT;',
      name: 'BEGIN inside BEGIN',
      noTransaction: true,
      findings: [{ line: 2 }],
    },
  ],
});
