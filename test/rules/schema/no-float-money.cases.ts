import rule from '../../../src/rules/schema/no-float-money.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { sql: 'CREATE TABLE t (total numeric(12, 2), latitude double precision);' },
    { sql: 'CREATE TABLE t (weight real);', name: 'not a money word by default' },
    {
      name: 'a live table with coordinates in double precision',
      setup: `CREATE TABLE stores (id bigint PRIMARY KEY, latitude double precision, price numeric(12, 2));
        INSERT INTO stores SELECT g, g / 7.0, g * 1.5 FROM generate_series(1, 50) g;`,
    },
  ],
  invalid: [
    {
      sql: 'CREATE TABLE t (total double precision);',
      findings: [{ severity: 'error', fix: 'total numeric(12, 2)' }],
    },
    { sql: 'CREATE TABLE t (unit_price real);' },
    {
      sql: 'CREATE TABLE t (weight real);',
      name: 'with the option listing weight',
      options: { names: ['weight'] },
    },
    {
      name: 'a live column with rows: numeric keeps every value (no rounding to cents, no overflow)',
      setup: `CREATE TABLE orders (id bigint PRIMARY KEY, total double precision NOT NULL DEFAULT 0, "order" text);
        INSERT INTO orders SELECT g, g * 0.1 + 1e11, 'x' FROM generate_series(1, 200) g;`,
      findings: [
        {
          object: 'public.orders.total',
          severity: 'error',
          fix: /ALTER TABLE public\.orders ALTER COLUMN total TYPE numeric;$/,
        },
      ],
    },
  ],
});
