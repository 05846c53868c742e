import rule from '../../../src/rules/migration/truncate.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [{ sql: 'CREATE TABLE t (a int);\nTRUNCATE t;', name: 'a table created in the same migration' }],
  invalid: [
    { sql: 'TRUNCATE orders;', before: EXISTING_TABLES },
    {
      sql: 'TRUNCATE orders CASCADE;',
      findings: [{ message: /CASCADE also empties/ }],
      before: EXISTING_TABLES,
    },
  ],
});
