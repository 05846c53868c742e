import rule from '../../../src/rules/sql/unused-ignore.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'an ignore that suppresses a finding',
      sql: '-- pgwarden-ignore sql/syntax-error: fixture for a parser test\nSELEC 1;',
    },
    {
      name: 'a trailing ignore on the statement it suppresses',
      sql: 'SELEC 1; -- pgwarden-ignore sql/syntax-error: fixture',
    },
    { name: 'no ignores at all', sql: 'SELECT 1;' },
  ],
  invalid: [
    {
      name: 'the statement below has no such finding',
      sql: 'SELECT 1;\n-- pgwarden-ignore sql/syntax-error: was broken once\nSELECT 2;',
      findings: [
        {
          line: 2,
          column: 1,
          message: 'pgwarden-ignore sql/syntax-error suppresses nothing here',
          severity: 'warning',
        },
      ],
    },
    {
      name: 'a misspelt rule id',
      sql: '-- pgwarden-ignore sql/syntax-eror: typo\nSELEC 1;',
      findings: [{ line: 1, message: 'pgwarden-ignore names an unknown rule "sql/syntax-eror"' }],
    },
    {
      name: 'one of two rules is unused',
      sql: '-- pgwarden-ignore sql/syntax-error, sql/no-such-rule: fixture\nSELEC 1;',
      findings: [{ message: /unknown rule "sql\/no-such-rule"/ }],
    },
  ],
});
