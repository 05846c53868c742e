import rule from '../../../src/rules/query/function-on-indexed-column.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { SHOP } from './schema.js';

export default defineCases(rule, {
  valid: [
    { name: 'no schema: silent', query: 'SELECT id FROM users WHERE lower(email) = $1;' },
    { name: 'the bare column', schema: SHOP, query: 'SELECT id FROM users WHERE email = lower($1);' },
    {
      name: 'an index on lower(email) exists',
      schema: `${SHOP} CREATE INDEX idx_users_lower_email ON users (lower(email));`,
      query: 'SELECT id FROM users u WHERE lower(u.email) = lower($1);',
    },
    {
      name: 'an index on the cast exists (written as date())',
      schema: `${SHOP} CREATE INDEX idx_orders_placed_on ON orders ((placed_at::date));`,
      query: "SELECT id FROM orders WHERE date(placed_at) = '2024-05-01';",
    },
    {
      name: 'no index on the bare column: nothing was meant to serve it',
      schema: SHOP,
      query: "SELECT id FROM users WHERE upper(phone) = '555';",
    },
    {
      name: 'a function in the select list',
      schema: SHOP,
      query: 'SELECT lower(email) FROM users WHERE id = 1;',
    },
    {
      name: 'a column compared with a column of the same row',
      schema: SHOP,
      query: 'SELECT id FROM users WHERE lower(email) = lower(name);',
    },
  ],
  invalid: [
    {
      name: 'lower(email) with an index on email only',
      schema: SHOP,
      query: 'SELECT id FROM users WHERE lower(email) = lower($1);',
      findings: [
        {
          line: 1,
          column: 28,
          message:
            'lower(email) hides public.users.email from its index idx_users_email: the expression is computed for every row, no index is on it',
          fix: 'CREATE INDEX CONCURRENTLY idx_users_lower_email ON public.users (lower(email));',
        },
      ],
    },
    {
      name: 'in JOIN … ON, qualified: the index is on the bare expression',
      schema: SHOP,
      query: 'SELECT o.id FROM orders o JOIN users u ON lower(u.email) = o.status;',
      findings: [
        {
          column: 43,
          fix: 'CREATE INDEX CONCURRENTLY idx_users_lower_email ON public.users (lower(email));',
        },
      ],
    },
    {
      name: 'a cast to date of a timestamptz: rewritten as a range',
      schema: SHOP,
      query: "SELECT id FROM users WHERE created_at::date = '2024-05-01';",
      findings: [
        {
          fix: "SELECT id FROM users WHERE created_at >= '2024-05-01'::date AND created_at < '2024-05-01'::date + 1;",
        },
      ],
    },
    {
      name: 'date_trunc on a parameter day',
      schema: SHOP,
      query: "SELECT id FROM orders WHERE date_trunc('day', placed_at) = $1;",
      findings: [
        {
          fix: "SELECT id FROM orders WHERE placed_at >= $1::timestamp AND placed_at < $1::timestamp + interval '1 day';",
        },
      ],
    },
    {
      name: 'a cast of a char column to text',
      schema: SHOP,
      query: "SELECT id FROM users WHERE code::text = 'ABC';",
      findings: [{ fix: 'CREATE INDEX CONCURRENTLY idx_users_text_code ON public.users ((code::text));' }],
    },
    {
      name: 'in a JavaScript concatenation',
      file: 'repo.js',
      schema: SHOP,
      query: "const q = 'SELECT id FROM users ' +\n  'WHERE lower(email) = ' + email;\n",
      findings: [{ line: 2, column: 10 }],
    },
  ],
});
