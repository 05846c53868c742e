import rule from '../../../src/rules/query/implicit-cast.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { SHOP } from './schema.js';

export default defineCases(rule, {
  valid: [
    { name: 'no schema: silent', query: 'SELECT id FROM users WHERE id = 42.0;' },
    { name: 'an integer constant', schema: SHOP, query: 'SELECT id FROM users WHERE id = 42;' },
    { name: 'int8 with an int4 parameter', schema: SHOP, query: 'SELECT id FROM users WHERE id = $1::int;' },
    { name: 'date with timestamptz', schema: SHOP, query: 'SELECT id FROM users WHERE born < now();' },
    { name: 'varchar with text', schema: SHOP, query: "SELECT id FROM users WHERE name = 'x'::text;" },
    { name: 'numeric with numeric', schema: SHOP, query: 'SELECT id FROM orders WHERE total > 10.5;' },
    { name: 'untyped parameter', schema: SHOP, query: 'SELECT id FROM users WHERE code = $1;' },
  ],
  invalid: [
    {
      name: 'bigint compared with a numeric constant',
      schema: SHOP,
      query: 'SELECT email FROM users WHERE id = 42.0;',
      findings: [
        {
          line: 1,
          column: 31,
          severity: 'warning',
          message:
            'id (bigint) compared with 42.0 (numeric): PostgreSQL casts the column to numeric for every row, so its index cannot be used',
          fix: 'SELECT email FROM users WHERE id = 42;',
        },
      ],
    },
    {
      name: 'a parameter cast to numeric',
      schema: SHOP,
      query: 'SELECT email FROM users WHERE id IN ($1::numeric, $2::numeric);',
      findings: [
        { fix: 'SELECT email FROM users WHERE id IN ($1::bigint, $2::numeric);' },
        { fix: 'SELECT email FROM users WHERE id IN ($1::numeric, $2::bigint);' },
      ],
    },
    {
      name: 'char(n) with a text value',
      schema: SHOP,
      query: 'SELECT id FROM users WHERE code = $1::text;',
      findings: [{ fix: 'SELECT id FROM users WHERE code = $1::character(8);' }],
    },
    {
      name: 'a non-integral value: no rewrite; an unindexed column: info',
      schema: SHOP,
      query: 'SELECT id FROM orders WHERE user_id = 1.5;',
      findings: [{ severity: 'info', fix: null }],
    },
    {
      name: 'numeric with a float',
      schema: SHOP,
      query: 'SELECT id FROM orders WHERE total = $1::float8;',
      findings: [{ severity: 'info', fix: 'SELECT id FROM orders WHERE total = $1::numeric(12,2);' }],
    },
  ],
});
