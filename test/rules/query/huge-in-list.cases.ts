import rule from '../../../src/rules/query/huge-in-list.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { SHOP } from './schema.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1)).join(', ');

export default defineCases(rule, {
  valid: [
    { name: 'three values', query: 'SELECT id FROM users WHERE id IN (1, 2, 3);' },
    { name: 'an array parameter', query: 'SELECT id FROM users WHERE id = ANY($1);' },
    { name: '99 values', query: `SELECT id FROM users WHERE id IN (${ids(99)});` },
    { name: 'a subquery', query: 'SELECT id FROM users WHERE id IN (SELECT user_id FROM orders);' },
  ],
  invalid: [
    {
      name: '100 integers',
      query: `SELECT id FROM users WHERE id IN (${ids(100)}) AND team_id = $1;`,
      findings: [
        {
          line: 1,
          column: 28,
          message:
            'IN list of 100 values: a new query text (and plan) for every list length; pass one array parameter',
          fix: 'SELECT id FROM users WHERE id = ANY($2::bigint[]) AND team_id = $1;',
        },
      ],
    },
    {
      name: 'NOT IN strings, the column type from the schema',
      schema: SHOP,
      options: { maxItems: 3 },
      query: "SELECT id FROM users WHERE name NOT IN ('a', 'b', 'c');",
      findings: [{ fix: 'SELECT id FROM users WHERE name <> ALL($1::character varying(100)[]);' }],
    },
    {
      name: '= ANY(ARRAY[…])',
      options: { maxItems: 3 },
      query: "SELECT id FROM users WHERE email = ANY(ARRAY['a', 'b', 'c']);",
      findings: [{ fix: 'SELECT id FROM users WHERE email = ANY($1::text[]);' }],
    },
  ],
});
