import rule from '../../../src/rules/query/code-syntax-error.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the case is TypeScript source with a tagged template
    { name: 'TypeScript', file: 'ok.ts', query: 'const n: number = 1;\nexport default sql`SELECT ${n}`;\n' },
    { name: 'TSX', file: 'ok.tsx', query: 'export const A = () => <div>{sql`SELECT 1`}</div>;\n' },
    { name: 'a SQL file is not code', query: 'SELECT 1;' },
  ],
  invalid: [
    {
      name: 'a TypeScript file that does not parse',
      file: 'broken.ts',
      query: 'const q = sql`SELECT 1`;\nfunction (\n',
      findings: [{ line: 2, column: 10, message: /^could not read this file for SQL: / }],
    },
  ],
});
