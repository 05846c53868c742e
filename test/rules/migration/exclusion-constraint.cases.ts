import rule from '../../../src/rules/migration/exclusion-constraint.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    {
      sql: 'CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT ex_t_a EXCLUDE USING btree (a WITH =);',
      name: 'a table created in the same migration',
    },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT ex_orders_user EXCLUDE USING btree (user_id WITH =);',
      findings: [{ message: /cannot be added NOT VALID/ }],
      before: EXISTING_TABLES,
    },
  ],
});
