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
      sql: 'REFRESH MATERIALIZED VIEW order_totals;',
      before: 'CREATE MATERIALIZED VIEW order_totals AS SELECT 1 AS id;',
      findings: [{ fix: /REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals/ }],
    },
  ],
});
