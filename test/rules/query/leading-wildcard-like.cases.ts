import rule from '../../../src/rules/query/leading-wildcard-like.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { SHOP } from './schema.js';

export default defineCases(rule, {
  valid: [
    { name: 'a prefix pattern', query: "SELECT id FROM users WHERE email LIKE 'ann%';" },
    { name: 'a parameter: unknown statically', query: 'SELECT id FROM users WHERE email LIKE $1;' },
    {
      name: 'a trigram index serves it',
      schema: `${SHOP} CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE INDEX idx_users_name_trgm ON users USING gin (name gin_trgm_ops);`,
      query: "SELECT id FROM users WHERE name ILIKE '%' || $1 || '%';",
    },
    {
      name: 'a trigram index on lower(email) serves lower(email) LIKE',
      schema: `${SHOP} CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE INDEX idx_users_email_trgm ON users USING gist (lower(email) gist_trgm_ops);`,
      query: "SELECT id FROM users WHERE lower(email) LIKE '%@example.com';",
    },
  ],
  invalid: [
    {
      name: 'no schema',
      query: "SELECT id FROM users WHERE email LIKE '%@example.com';",
      findings: [
        {
          line: 1,
          column: 28,
          severity: 'warning',
          message:
            "email LIKE '%@example.com' starts with a wildcard: no B-tree index can serve it, every row of users is read and matched",
          fix: 'CREATE EXTENSION IF NOT EXISTS pg_trgm;\nCREATE INDEX CONCURRENTLY idx_users_email_trgm ON users USING gin (email gin_trgm_ops);',
        },
      ],
    },
    {
      name: "ILIKE '%' || $1 || '%' with a schema",
      schema: SHOP,
      query: "SELECT u.id FROM users u WHERE u.name ILIKE '%' || $1 || '%';",
      findings: [
        {
          message: /^u\.name ILIKE '%…' starts with a wildcard/,
          fix: 'CREATE EXTENSION IF NOT EXISTS pg_trgm;\nCREATE INDEX CONCURRENTLY idx_users_name_trgm ON public.users USING gin (name gin_trgm_ops);',
        },
      ],
    },
    {
      name: 'an interpolation inside the pattern of a template literal',
      file: 'search.ts',
      query:
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the case is TypeScript source that interpolates into SQL
        "export const search = (q: string) =>\n  db.query(`SELECT id FROM users WHERE email NOT LIKE '%${q}%'`);\n",
      findings: [{ line: 2, column: 40 }],
    },
    {
      name: 'a small table on a live database is info',
      schema: `${SHOP} INSERT INTO teams SELECT g, 'team ' || g FROM generate_series(1, 20) g;`,
      query: "SELECT id FROM teams WHERE name LIKE '%ops';",
      findings: [{ severity: 'info' }],
    },
  ],
});
