import rule from '../../../src/rules/query/not-in-nullable.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { SHOP } from './schema.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'NOT IN over a NOT NULL column',
      schema: SHOP,
      query: 'SELECT id FROM users WHERE id NOT IN (SELECT user_id FROM orders);',
    },
    {
      name: 'over a primary key',
      schema: SHOP,
      query: 'SELECT id FROM orders WHERE user_id NOT IN (SELECT id FROM users WHERE phone IS NULL);',
    },
    {
      name: 'a nullable column filtered IS NOT NULL',
      schema: SHOP,
      query: 'SELECT id FROM users WHERE id NOT IN (SELECT user_id FROM bans WHERE user_id IS NOT NULL);',
    },
    { name: 'IN is not NOT IN', query: 'SELECT id FROM users WHERE id IN (SELECT user_id FROM bans);' },
    { name: 'a list without NULL', query: 'SELECT id FROM users WHERE id NOT IN (1, 2, 3);' },
    {
      name: 'NOT EXISTS',
      query: 'SELECT id FROM users u WHERE NOT EXISTS (SELECT 1 FROM bans b WHERE b.user_id = u.id);',
    },
  ],
  invalid: [
    {
      name: 'a nullable column, with a schema: an error, rewritten as NOT EXISTS',
      schema: SHOP,
      query: 'SELECT id FROM users WHERE id NOT IN (SELECT user_id FROM bans);',
      findings: [
        {
          line: 1,
          column: 28,
          severity: 'error',
          message:
            'id NOT IN (SELECT user_id …): public.bans.user_id is nullable, and one NULL makes NOT IN return no row',
          fix: 'SELECT id FROM users WHERE NOT EXISTS (SELECT 1 FROM bans WHERE bans.user_id = users.id);',
        },
      ],
    },
    {
      name: 'without a schema: a warning',
      query:
        "SELECT u.id FROM users u WHERE u.id NOT IN (SELECT b.user_id FROM bans b WHERE b.reason <> 'spam');",
      findings: [
        {
          severity: 'warning',
          fix: "SELECT u.id FROM users u WHERE NOT EXISTS (SELECT 1 FROM bans b WHERE b.reason <> 'spam' AND b.user_id = u.id);",
        },
      ],
    },
    {
      name: 'a NOT NULL column on the nullable side of a LEFT JOIN',
      schema: SHOP,
      query:
        'SELECT id FROM teams WHERE id NOT IN (SELECT o.user_id FROM users u LEFT JOIN orders o ON o.user_id = u.id);',
      findings: [{ severity: 'error', message: /nullable side of an outer join/ }],
    },
    {
      name: '<> ALL',
      schema: SHOP,
      query: 'SELECT id FROM users WHERE id <> ALL (SELECT user_id FROM bans);',
    },
    {
      name: 'a list with NULL',
      query: 'SELECT id FROM users WHERE id NOT IN (1, NULL, 3);',
      findings: [{ severity: 'error', fix: 'SELECT id FROM users WHERE id NOT IN (1, 3);' }],
    },
    {
      name: 'a self-reference keeps the names apart: no rewrite',
      schema: SHOP,
      query: 'SELECT id FROM users WHERE team_id NOT IN (SELECT team_id FROM users WHERE phone IS NULL);',
      findings: [{ fix: null }],
    },
  ],
});
