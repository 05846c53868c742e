import { defineRule } from '../../core/rule.js';
import type { SqlModel } from '../models.js';

export default defineRule<SqlModel>({
  id: 'sql/syntax-error',
  category: 'sql',
  model: 'sql',
  defaultSeverity: 'error',
  summary: 'SQL that PostgreSQL cannot parse',
  reportsOn: 'file',
  docs: {
    why: "PostgreSQL rejects the whole statement, and in a migration the whole transaction with it. pgwarden parses with PostgreSQL's own parser (libpg_query), so what it rejects the server rejects too. Statements inside PL/pgSQL bodies are checked as well, as the server does when check_function_bodies is on.",
    howToFix:
      'Correct the statement at the line and column given. Other statements of the file are still checked, so one typo does not hide the rest.',
    examples: { bad: 'SELEC * FROM orders;', good: 'SELECT * FROM orders;' },
  },
  check({ model, report }) {
    for (const error of model.syntaxErrors) {
      report({
        message: `syntax error: ${error.message}`,
        location: { file: model.file, line: error.position.line, column: error.position.column },
      });
    }
  },
});
