import rule from '../../../src/rules/migration/rewriting-alter.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    { sql: 'ALTER TABLE orders SET (fillfactor = 90);', before: EXISTING_TABLES },
    {
      sql: 'CREATE TABLE t (a int);\nALTER TABLE t SET LOGGED;',
      name: 'a table created in the same migration',
    },
  ],
  invalid: [
    { sql: 'ALTER TABLE orders SET UNLOGGED;', before: EXISTING_TABLES },
    { sql: 'ALTER TABLE orders SET TABLESPACE archive;', before: EXISTING_TABLES },
    { sql: 'ALTER TABLE orders SET ACCESS METHOD heap;', before: EXISTING_TABLES },
  ],
});
