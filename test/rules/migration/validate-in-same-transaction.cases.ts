import rule from '../../../src/rules/migration/validate-in-same-transaction.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    {
      sql: 'ALTER TABLE orders VALIDATE CONSTRAINT chk_orders_total;',
      name: 'validated in a later migration',
      before:
        'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total numeric(12, 2), note varchar(20), status text);\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE INDEX idx_orders_user_id ON orders (user_id);\nALTER TABLE orders ADD CONSTRAINT chk_orders_total CHECK (total >= 0) NOT VALID;',
    },
    {
      sql: 'BEGIN;\nALTER TABLE orders ADD CONSTRAINT chk_orders_total CHECK (total >= 0) NOT VALID;\nCOMMIT;\nALTER TABLE orders VALIDATE CONSTRAINT chk_orders_total;',
      name: 'after a COMMIT',
      noTransaction: true,
      before: EXISTING_TABLES,
    },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT chk_orders_total CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT chk_orders_total;',
      findings: [{ line: 2, message: /runs in the transaction that added it/ }],
      before: EXISTING_TABLES,
    },
  ],
});
