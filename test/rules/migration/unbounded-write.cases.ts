import rule from '../../../src/rules/migration/unbounded-write.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    { sql: 'DELETE FROM orders WHERE id = 1;', before: EXISTING_TABLES },
    { sql: "UPDATE orders SET note = 'x' WHERE id < 10;", before: EXISTING_TABLES },
  ],
  invalid: [
    { sql: 'DELETE FROM orders;', findings: [{ message: /^DELETE without WHERE/ }], before: EXISTING_TABLES },
    { sql: "UPDATE orders SET note = 'x';", before: EXISTING_TABLES },
  ],
});
