import rule from '../../../src/rules/query/select-star.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { SHOP } from './schema.js';

export default defineCases(rule, {
  valid: [
    { query: 'SELECT id, email FROM users WHERE id = $1;' },
    { name: 'count(*) is not a star', query: 'SELECT count(*) FROM users;' },
    {
      name: 'inside EXISTS',
      query: 'SELECT id FROM users u WHERE EXISTS (SELECT * FROM orders o WHERE o.user_id = u.id);',
    },
    {
      name: 'over a CTE that names its columns',
      query: 'WITH recent AS (SELECT id, email FROM users) SELECT * FROM recent;',
    },
    { name: 'RETURNING *', query: "UPDATE users SET name = 'x' WHERE id = 1 RETURNING *;" },
    {
      name: 'a literal that is not a query',
      file: 'ui.tsx',
      query: 'const label = <b title="Select all">x</b>;',
    },
  ],
  invalid: [
    {
      name: 'no schema: reported, no column list',
      query: 'SELECT * FROM users WHERE id = $1;',
      findings: [
        {
          line: 1,
          column: 8,
          message: '* reads every column of users: name the columns the code reads',
          fix: null,
        },
      ],
    },
    {
      name: 'with a schema the fix lists the columns',
      schema: SHOP,
      query: '-- the profile page\nSELECT * FROM users WHERE id = $1;',
      findings: [
        {
          line: 2,
          column: 8,
          message: '* reads every column of public.users (8 columns today): name the columns the code reads',
          fix: 'SELECT id, email, phone, name, code, team_id, created_at, born FROM users WHERE id = $1;',
        },
      ],
    },
    {
      name: 'a qualified star in a join',
      schema: SHOP,
      query: 'SELECT o.*, u.email FROM orders o JOIN users u ON u.id = o.user_id;',
      findings: [
        {
          column: 8,
          fix: 'SELECT o.id, o.user_id, o.total, o.status, o.placed_at, u.email FROM orders o JOIN users u ON u.id = o.user_id;',
        },
      ],
    },
    {
      name: 'in a TypeScript tagged template: located in the code',
      file: 'users.ts',
      query:
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the case is TypeScript source with a slonik tagged template
        "import { sql } from 'slonik';\n\nexport const byId = (id: number) =>\n  sql`\n    SELECT * FROM users WHERE id = ${id}`;\n",
      findings: [{ line: 5, column: 12 }],
    },
    { name: 'INSERT … SELECT *', query: 'INSERT INTO archive SELECT * FROM users WHERE id = 1;' },
  ],
});
