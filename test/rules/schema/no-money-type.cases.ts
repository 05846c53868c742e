import rule from '../../../src/rules/schema/no-money-type.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { sql: 'CREATE TABLE t (total numeric(12, 2));' },
    {
      name: 'a live numeric amount',
      setup: 'CREATE TABLE invoices (id bigint PRIMARY KEY, total numeric(12, 2));',
    },
  ],
  invalid: [
    { sql: 'CREATE TABLE t (total money);' },
    {
      name: 'a live column with rows and a default (amounts beyond numeric(12, 2) survive)',
      setup: `CREATE TABLE invoices (id bigint PRIMARY KEY, "Total" money NOT NULL DEFAULT 0);
        INSERT INTO invoices SELECT g, (g * 1000000000.25)::numeric::money FROM generate_series(1, 100) g;`,
      findings: [
        {
          object: 'public.invoices.Total',
          fix: /ALTER TABLE public\.invoices ALTER COLUMN "Total" TYPE numeric;/,
        },
      ],
    },
  ],
});
