import rule from '../../../src/rules/sql/ignore-without-reason.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { sql: '-- pgwarden-ignore sql/syntax-error: fixture for the parser\nSELEC 1;' },
    { name: 'a comment that only mentions the word', sql: '-- we never use pgwarden-ignore here\nSELECT 1;' },
  ],
  invalid: [
    {
      sql: '-- pgwarden-ignore sql/syntax-error\nSELEC 1;',
      findings: [
        {
          line: 1,
          column: 1,
          severity: 'error',
          message: 'pgwarden-ignore sql/syntax-error has no reason, so it suppresses nothing',
          fix: '-- pgwarden-ignore sql/syntax-error: <why this is safe here>',
        },
      ],
    },
    {
      name: 'an empty reason after the colon',
      sql: 'SELECT 1; /* pgwarden-ignore sql/syntax-error: */',
      findings: [{ line: 1 }],
    },
    {
      name: 'no rule and no reason',
      sql: '-- pgwarden-ignore\nSELECT 1;',
      findings: [{ message: 'pgwarden-ignore names no rule and gives no reason' }],
    },
  ],
});
