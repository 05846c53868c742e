import { defineRule } from '../../core/rule.js';
import type { QueryModel } from '../../query/model.js';

export default defineRule<QueryModel>({
  id: 'query/code-syntax-error',
  category: 'query',
  model: 'query',
  defaultSeverity: 'warning',
  summary: 'Code file the JavaScript/TypeScript parser cannot read, so its SQL was not checked',
  reportsOn: 'file',
  docs: {
    why: 'pgwarden finds the SQL in JavaScript and TypeScript files with a real parser (Babel, with the TypeScript and JSX syntaxes), not with patterns, so that it knows exactly where each literal starts and ends. A file that parser cannot read — a syntax error, or a syntax it does not support (Flow annotations, a proposal not yet standard) — is skipped as a whole, and its queries go unchecked: this finding says so rather than staying silent.',
    howToFix:
      'Fix the syntax error at the position given (the file would not build either), or leave the file out of the paths given to `pgwarden query`; `-- pgwarden-ignore` does not apply to a file that cannot be read.',
    examples: { bad: 'const q = sql`SELECT 1`;;; }' },
  },
  check({ model, report }) {
    if (!model.codeError) return;
    report({
      message: `could not read this file for SQL: ${model.codeError.message}`,
      location: model.codeError.location,
    });
  },
});
