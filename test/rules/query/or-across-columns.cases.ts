import rule from '../../../src/rules/query/or-across-columns.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { SHOP } from './schema.js';

export default defineCases(rule, {
  valid: [
    { name: 'OR on one column', query: 'SELECT id FROM users WHERE status = 1 OR status = 2;' },
    {
      name: 'the optional-filter idiom',
      query: 'SELECT id FROM users WHERE $1::text IS NULL OR email = $1;',
    },
    {
      name: 'every branch has an index: a BitmapOr serves it',
      schema: SHOP,
      query: 'SELECT id FROM users WHERE email = $1 OR created_at > $2;',
    },
    { name: 'AND', query: 'SELECT id FROM users WHERE email = $1 AND phone = $2;' },
  ],
  invalid: [
    {
      name: 'no schema: info, UNION rewrite',
      query: 'SELECT id FROM users WHERE email = $1 OR phone = $2;',
      findings: [
        {
          line: 1,
          column: 28,
          severity: 'info',
          message:
            'OR across email, phone: unless each of them has an index, no index can serve the OR and every row is read (pass --db or --schema to know)',
          fix: 'SELECT id FROM users WHERE email = $1\nUNION\nSELECT id FROM users WHERE phone = $2;',
        },
      ],
    },
    {
      name: 'a branch without an index: the index to create',
      schema: SHOP,
      query: 'SELECT id FROM users WHERE team_id = 3 AND (email = $1 OR phone = $2);',
      findings: [
        {
          severity: 'warning',
          message:
            'OR across email, phone of public.users: phone has no index, so no index can serve the OR and every row is read',
          fix: 'CREATE INDEX CONCURRENTLY idx_users_phone ON public.users (phone);',
        },
      ],
    },
    {
      name: 'across the tables of a join',
      schema: SHOP,
      query:
        'SELECT o.id FROM orders o JOIN users u ON u.id = o.user_id WHERE u.email = $1 OR o.status = $2;',
      findings: [
        { severity: 'warning', message: /^OR across columns of different tables \(u\.email, o\.status\)/ },
      ],
    },
  ],
});
