import rule from '../../../src/rules/migration/trace-mismatch.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [{ sql: 'ALTER TABLE t ADD COLUMN b int;', before: 'CREATE TABLE t (a int);' }],
  invalid: [
    {
      sql: 'ALTER TABLE legacy ALTER COLUMN c TYPE text;',
      name: 'a change the static model could not judge',
      before: "DO $$ BEGIN EXECUTE format('CREATE TABLE %I (c varchar(10))', 'legacy'); END $$;",
      findings: [
        { line: 1, message: /the model predicts a rewrite of public.legacy; PostgreSQL did not rewrite it/ },
        {
          line: 1,
          message: /the model predicts a full read of public.legacy; PostgreSQL did not read it whole/,
        },
      ],
    },
  ],
});
