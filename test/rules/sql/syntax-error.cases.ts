import rule from '../../../src/rules/sql/syntax-error.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { sql: 'SELECT 1;' },
    { sql: '' },
    {
      name: 'every kind of statement PostgreSQL 18 accepts',
      sql: "CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY, v text);\nMERGE INTO t USING (SELECT 1 AS id) s ON t.id = s.id WHEN NOT MATCHED THEN INSERT (v) VALUES ('x');\nDO $$ BEGIN PERFORM 1; END $$;",
    },
    {
      name: 'a syntax error that is ignored with a reason',
      sql: '-- pgwarden-ignore sql/syntax-error: a psql script fixture\nSELEC 1;',
    },
  ],
  invalid: [
    {
      sql: 'CREATE TABLE a (id int);\nSELEC * FROM a;',
      findings: [
        {
          line: 2,
          column: 1,
          message: 'syntax error: syntax error at or near "SELEC"',
          severity: 'error',
          fix: null,
        },
      ],
    },
    {
      name: 'one error per broken statement, the good ones still parsed',
      sql: 'SELEC 1;\nSELECT 2;\nALTER TABLE;',
      findings: [
        { line: 1, column: 1 },
        { line: 3, column: 12 },
      ],
    },
    {
      name: 'an unterminated string',
      sql: "SELECT 'abc;",
      findings: [{ line: 1, message: /unterminated quoted string/ }],
    },
    {
      name: 'a broken PL/pgSQL body',
      sql: 'CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  UPDATE SET;\nEND $$;',
      findings: [{ line: 1, message: /PL\/pgSQL/ }],
    },
    {
      name: 'an ignore without a reason does not suppress it',
      sql: '-- pgwarden-ignore sql/syntax-error\nSELEC 1;',
      findings: [{ line: 2 }],
    },
  ],
});
