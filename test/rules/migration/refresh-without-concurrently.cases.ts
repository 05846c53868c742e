import rule from '../../../src/rules/migration/refresh-without-concurrently.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;',
      before: 'CREATE MATERIALIZED VIEW order_totals AS SELECT 1 AS id;',
    },
    {
      sql: 'CREATE MATERIALIZED VIEW order_totals AS SELECT 1 AS id;\nREFRESH MATERIALIZED VIEW order_totals;',
      name: 'a view created in the same migration',
    },
  ],
  invalid: [
    {
      sql: 'REFRESH MATERIALIZED VIEW "OrderTotals";',
      name: 'the fix says CONCURRENTLY needs a unique index, which pgwarden cannot write for the view',
      before:
        'CREATE TABLE orders (id bigint PRIMARY KEY);\nCREATE MATERIALIZED VIEW "OrderTotals" AS SELECT count(*) AS n FROM orders;',
      findings: [
        {
          fix: '-- CONCURRENTLY needs a unique index on "OrderTotals", on columns without NULLs; unless it has one (own migration):\nCREATE UNIQUE INDEX CONCURRENTLY <index> ON public."OrderTotals" (<columns that identify a row>);\n-- then:\nREFRESH MATERIALIZED VIEW CONCURRENTLY "OrderTotals";',
        },
      ],
    },
    {
      sql: 'REFRESH MATERIALIZED VIEW order_totals;',
      before: 'CREATE MATERIALIZED VIEW order_totals AS SELECT 1 AS id;',
      findings: [{ fix: /REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals/ }],
    },
  ],
});
