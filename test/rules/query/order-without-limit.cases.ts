import rule from '../../../src/rules/query/order-without-limit.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { SHOP } from './schema.js';

const BIG = `${SHOP} INSERT INTO users (email) SELECT 'u' || g || '@x.org' FROM generate_series(1, 3000) g;`;

export default defineCases(rule, {
  valid: [
    { name: 'no schema: silent', query: 'SELECT id FROM users ORDER BY created_at;' },
    {
      name: 'a shadow schema has no sizes: silent',
      schema: BIG,
      schemaSource: 'shadow',
      options: { largeTableRows: 1000 },
      query: 'SELECT id FROM users ORDER BY created_at;',
    },
    {
      name: 'with LIMIT',
      schema: BIG,
      options: { largeTableRows: 1000 },
      query: 'SELECT id FROM users ORDER BY id LIMIT 10;',
    },
    { name: 'a small table', schema: BIG, query: 'SELECT id FROM users ORDER BY created_at;' },
    {
      name: 'a WHERE term on the table',
      schema: BIG,
      options: { largeTableRows: 1000 },
      query: 'SELECT id FROM users WHERE team_id = $1 ORDER BY created_at;',
    },
    {
      name: 'an aggregate',
      schema: BIG,
      options: { largeTableRows: 1000 },
      query: 'SELECT team_id, count(*) FROM users GROUP BY team_id ORDER BY 2 DESC;',
    },
  ],
  invalid: [
    {
      name: 'a large table sorted whole',
      schema: BIG,
      options: { largeTableRows: 1000 },
      query: 'SELECT id, email\n  FROM users\n ORDER BY created_at DESC',
      findings: [
        {
          line: 3,
          column: 2,
          message:
            'ORDER BY without LIMIT sorts and returns all of public.users (~3,000 rows): fetch a page at a time',
          fix: 'SELECT id, email\n  FROM users\n ORDER BY created_at DESC LIMIT 100;',
        },
      ],
    },
  ],
});
