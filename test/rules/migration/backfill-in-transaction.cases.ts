import rule from '../../../src/rules/migration/backfill-in-transaction.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    {
      sql: "UPDATE orders SET status = 'new' WHERE status IS NULL;",
      name: 'a backfill on its own',
      before: EXISTING_TABLES,
    },
    {
      sql: "ALTER TABLE orders ADD COLUMN c text;\nUPDATE orders SET c = 'x' WHERE id < 100;",
      name: 'autocommit',
      noTransaction: true,
      before: EXISTING_TABLES,
    },
    { sql: 'CREATE TABLE t (a int);\nINSERT INTO t VALUES (1);', name: 'filling a new table' },
  ],
  invalid: [
    {
      sql: "ALTER TABLE orders ADD COLUMN c text;\nUPDATE orders SET c = 'x';",
      findings: [{ line: 2, message: /runs in the transaction of the schema change at line 1/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: "ALTER TABLE orders ADD COLUMN c text;\nWITH done AS (UPDATE orders SET c = 'x' WHERE c IS NULL RETURNING id) SELECT count(*) FROM done;",
      name: 'the UPDATE of a data-modifying CTE',
      findings: [{ line: 2, message: /^UPDATE of "orders" runs in the transaction/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: "ALTER TABLE orders ADD COLUMN c text;\nDO $$\nDECLARE n int;\nBEGIN\n  LOOP\n    WITH batch AS (UPDATE orders SET c = 'x' WHERE id IN (SELECT id FROM orders WHERE c IS NULL LIMIT 100) RETURNING id)\n    SELECT count(*) INTO n FROM batch;\n    EXIT WHEN n = 0;\n  END LOOP;\nEND $$;",
      name: 'a batched backfill loop in a DO block, each batch a CTE',
      findings: [{ line: 6 }],
      before: EXISTING_TABLES,
    },
  ],
});
