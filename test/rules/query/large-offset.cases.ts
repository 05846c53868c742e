import rule from '../../../src/rules/query/large-offset.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { SHOP } from './schema.js';

export default defineCases(rule, {
  valid: [
    { name: 'a small constant', query: 'SELECT id FROM users ORDER BY id LIMIT 20 OFFSET 40;' },
    { name: 'a parameter', query: 'SELECT id FROM users ORDER BY id LIMIT 20 OFFSET $1;' },
    {
      name: 'under minOffset',
      options: { minOffset: 5000 },
      query: 'SELECT id FROM users ORDER BY id OFFSET 2000;',
    },
  ],
  invalid: [
    {
      name: 'keyset rewrite on the ORDER BY keys',
      query:
        'SELECT id, email FROM users WHERE team_id = $1 ORDER BY created_at DESC, id DESC LIMIT 20 OFFSET 10000;',
      findings: [
        {
          line: 1,
          column: 91,
          message:
            'OFFSET 10000 reads and discards 10,000 rows before returning any, and each later page reads more: paginate by key',
          fix: '-- keyset pagination: $2, $3 are the created_at, id of the last row of the previous page (first page: without this condition)\nSELECT id, email FROM users WHERE team_id = $1 AND (created_at, id) < ($2, $3) ORDER BY created_at DESC, id DESC LIMIT 20;',
        },
      ],
    },
    {
      name: 'with a schema, the primary key is added to keys that are not unique',
      schema: SHOP,
      query: 'SELECT id, email FROM users ORDER BY created_at LIMIT 50 OFFSET 5000;',
      findings: [
        {
          fix: '-- keyset pagination: $1, $2 are the created_at, id of the last row of the previous page (first page: without this condition)\nSELECT id, email FROM users WHERE (created_at, id) > ($1, $2) ORDER BY created_at, id LIMIT 50;',
        },
      ],
    },
    {
      name: 'without ORDER BY: no mechanical rewrite',
      query: 'SELECT id FROM users OFFSET 100000 ROWS FETCH FIRST 10 ROWS ONLY;',
      findings: [{ fix: null }],
    },
    {
      name: 'in a union',
      query: 'SELECT id FROM users UNION SELECT user_id FROM orders ORDER BY 1 LIMIT 10 OFFSET 2000;',
      findings: [{ fix: null }],
    },
  ],
});
