import rule from '../../../src/rules/query/write-without-where.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { SHOP } from './schema.js';

export default defineCases(rule, {
  valid: [
    { query: 'DELETE FROM sessions WHERE expires_at < now();' },
    { query: "UPDATE users SET name = 'x' WHERE id = $1;" },
    { name: 'a SELECT', query: 'SELECT id FROM users;' },
    { name: 'INSERT', query: "INSERT INTO users (email) VALUES ('a@b.c');" },
  ],
  invalid: [
    {
      name: 'DELETE without WHERE',
      query: 'DELETE FROM sessions',
      findings: [
        { line: 1, column: 1, message: 'DELETE without WHERE changes every row of sessions', fix: null },
      ],
    },
    {
      name: 'UPDATE without WHERE, with a schema: restricted by primary key',
      schema: SHOP,
      query: 'UPDATE users SET name = $1 RETURNING id;',
      findings: [
        {
          message: /^UPDATE without WHERE changes every row of public\.users \(~0 rows\)$/,
          fix: 'UPDATE users SET name = $1 WHERE id = $2 RETURNING id;',
        },
      ],
    },
    {
      name: 'WHERE 1 = 1 left by a query builder',
      schema: SHOP,
      query: 'DELETE FROM orders WHERE 1 = 1;',
      findings: [
        { message: /^DELETE with a WHERE that is always true/, fix: 'DELETE FROM orders WHERE id = $1;' },
      ],
    },
    {
      name: 'inside a CTE',
      query: 'WITH gone AS (DELETE FROM sessions RETURNING id) SELECT count(*) FROM gone;',
      findings: [{ column: 15 }],
    },
    {
      name: 'in a TypeScript file',
      file: 'cleanup.ts',
      query: 'await pool.query(`\n  UPDATE users SET team_id = NULL\n`);\n',
      findings: [{ line: 2, column: 3 }],
    },
  ],
});
