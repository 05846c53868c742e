import rule from '../../../src/rules/query/correlated-subquery-in-select.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { SHOP } from './schema.js';

export default defineCases(rule, {
  valid: [
    { name: 'not correlated: runs once', query: 'SELECT id, (SELECT max(total) FROM orders) FROM users;' },
    {
      name: 'in WHERE',
      query: 'SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id);',
    },
    { name: 'no FROM', query: 'SELECT (SELECT count(*) FROM orders);' },
  ],
  invalid: [
    {
      name: 'a count per row, rewritten as a grouped join',
      query:
        'SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u WHERE u.team_id = $1;',
      findings: [
        {
          line: 1,
          column: 14,
          severity: 'warning',
          message:
            'this subquery refers to u.id of the outer row, so it runs once per row of users: join the values instead',
          fix: 'SELECT u.id, coalesce(order_count.order_count, 0) AS order_count FROM users u LEFT JOIN (SELECT o.user_id, count(*) AS order_count FROM orders o GROUP BY o.user_id) AS order_count ON order_count.user_id = u.id WHERE u.team_id = $1;',
        },
      ],
    },
    {
      name: 'one column of one row: a LEFT JOIN',
      schema: SHOP,
      query: 'SELECT u.email, (SELECT t.name FROM teams t WHERE t.id = u.team_id) FROM users u;',
      findings: [
        {
          severity: 'info',
          message: /\(an index lookup on id each time\)/,
          fix: 'SELECT u.email, t.name FROM users u LEFT JOIN teams t ON t.id = u.team_id;',
        },
      ],
    },
    {
      name: 'with a schema: the correlation column has no index',
      schema: SHOP,
      query:
        "SELECT u.id, (SELECT sum(o.total) FROM orders o WHERE o.user_id = u.id AND o.status = 'paid') AS paid FROM users u;",
      findings: [
        {
          severity: 'warning',
          message: /\(and nothing indexes public\.orders\.user_id\)/,
          fix: "SELECT u.id, paid.paid AS paid FROM users u LEFT JOIN (SELECT o.user_id, sum(o.total) AS paid FROM orders o WHERE o.status = 'paid' GROUP BY o.user_id) AS paid ON paid.user_id = u.id;",
        },
      ],
    },
    {
      name: 'a small LIMIT is info',
      query: 'SELECT u.id, ARRAY(SELECT o.id FROM orders o WHERE o.user_id = u.id) FROM users u LIMIT 20;',
      findings: [{ severity: 'info', fix: null }],
    },
  ],
});
