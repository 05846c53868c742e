import rule from '../../../src/rules/query/distinct-join-fanout.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { SHOP } from './schema.js';

export default defineCases(rule, {
  valid: [
    { name: 'no join', query: 'SELECT DISTINCT team_id FROM users;' },
    {
      name: 'columns of both tables are selected',
      query: 'SELECT DISTINCT u.email, o.status FROM users u JOIN orders o ON o.user_id = u.id;',
    },
    {
      name: 'DISTINCT ON',
      query:
        'SELECT DISTINCT ON (u.id) u.id, u.email FROM users u JOIN orders o ON o.user_id = u.id ORDER BY u.id;',
    },
    {
      name: 'joined on the other table’s primary key: no fan-out',
      schema: SHOP,
      query: 'SELECT DISTINCT o.status FROM orders o JOIN users u ON u.id = o.user_id WHERE u.team_id = 3;',
    },
    { name: 'SELECT DISTINCT *', query: 'SELECT DISTINCT * FROM users u JOIN orders o ON o.user_id = u.id;' },
  ],
  invalid: [
    {
      name: 'a join used as a filter',
      query:
        'SELECT DISTINCT u.id, u.email FROM users u JOIN orders o ON o.user_id = u.id WHERE o.total > 100 AND u.team_id = 3 ORDER BY u.email;',
      findings: [
        {
          line: 1,
          column: 8,
          message:
            'DISTINCT removes the duplicates the join to orders creates (one row per matching row there), though no column of it is selected: filter with EXISTS instead',
          fix: 'SELECT DISTINCT u.id, u.email FROM users u WHERE u.team_id = 3 AND EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 100) ORDER BY u.email;',
        },
      ],
    },
    {
      name: 'with a schema, the key in the select list drops DISTINCT',
      schema: SHOP,
      query: 'SELECT DISTINCT u.id, u.email FROM users u, orders o WHERE o.user_id = u.id;',
      findings: [
        {
          fix: 'SELECT u.id, u.email FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id);',
        },
      ],
    },
    {
      name: 'a LEFT JOIN that only multiplies',
      query: 'SELECT DISTINCT u.email FROM users u LEFT JOIN orders o ON o.user_id = u.id;',
      findings: [{ fix: null }],
    },
  ],
});
