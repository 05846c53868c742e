import rule from '../../../src/rules/migration/rename-table.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    {
      sql: 'CREATE TABLE t (a int);\nALTER TABLE t RENAME TO t2;',
      name: 'a table created in the same migration',
    },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE "Signature" RENAME TO "group";',
      name: 'the view of the fix quotes both names',
      before: 'CREATE TABLE "Signature" (id bigint PRIMARY KEY, "recipientId" bigint, "group" int);',
      findings: [
        {
          fix: 'ALTER TABLE "Signature" RENAME TO "group";\nCREATE VIEW public."Signature" AS SELECT * FROM public."group";  -- until every client uses the new name',
        },
      ],
    },
    {
      sql: 'ALTER TABLE orders RENAME TO purchases;',
      findings: [{ fix: /CREATE VIEW public.orders AS SELECT \* FROM public.purchases/ }],
      before: EXISTING_TABLES,
    },
  ],
});
