import rule from '../../../src/rules/query/count-as-existence.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'a count compared with 5',
      query: 'SELECT id FROM users u WHERE (SELECT count(*) FROM orders o WHERE o.user_id = u.id) > 5;',
    },
    { name: 'a count = 1', query: 'SELECT (SELECT count(*) FROM orders) = 1;' },
    { name: 'a plain count', query: 'SELECT count(*) FROM orders WHERE user_id = $1;' },
    {
      name: 'HAVING count(*) > 0',
      query: 'SELECT user_id FROM orders GROUP BY user_id HAVING count(*) > 0;',
    },
    { name: 'count(column) > 0 counts non-null values', query: 'SELECT count(phone) > 0 FROM users;' },
    { name: 'EXISTS', query: 'SELECT EXISTS (SELECT 1 FROM orders WHERE user_id = $1);' },
  ],
  invalid: [
    {
      name: 'a scalar count subquery > 0',
      query: 'SELECT u.id FROM users u WHERE (SELECT count(*) FROM orders o WHERE o.user_id = u.id) > 0;',
      findings: [
        {
          line: 1,
          column: 32,
          message:
            '(SELECT count(*) FROM orders o WHERE o.user_id = u.id) > 0 counts every matching row to learn whether there is one: use EXISTS',
          fix: 'SELECT u.id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id);',
        },
      ],
    },
    {
      name: '= 0 is NOT EXISTS',
      query: 'SELECT u.id FROM users u WHERE 0 = (SELECT count(*) FROM orders o WHERE o.user_id = u.id);',
      findings: [
        { fix: 'SELECT u.id FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id);' },
      ],
    },
    {
      name: 'SELECT count(*) > 0 … as the answer',
      query: 'SELECT count(*) >= 1 AS has_orders FROM orders WHERE user_id = $1;',
      findings: [{ fix: 'SELECT EXISTS (SELECT 1 FROM orders WHERE user_id = $1) AS has_orders;' }],
    },
    {
      name: 'in a select list with CASE',
      query:
        "SELECT CASE WHEN (SELECT count(1) FROM bans b WHERE b.user_id = u.id) <> 0 THEN 'banned' END FROM users u;",
    },
  ],
});
