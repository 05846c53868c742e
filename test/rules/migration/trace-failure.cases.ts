import rule from '../../../src/rules/migration/trace-failure.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [{ sql: 'ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0;', before: 'CREATE TABLE t (id int);' }],
  invalid: [
    {
      sql: 'ALTER TABLE t ADD COLUMN c int NOT NULL;',
      before: 'CREATE TABLE t (id int);',
      findings: [{ line: 1, message: /contains null values/ }],
    },
  ],
});
