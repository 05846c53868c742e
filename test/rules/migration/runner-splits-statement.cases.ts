import rule from '../../../src/rules/migration/runner-splits-statement.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

const FUNCTION = `CREATE FUNCTION touch_orders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.note := coalesce(NEW.note, '');
  RETURN NEW;
END;
$$;`;

export default defineCases(rule, {
  valid: [
    {
      name: 'a function in a StatementBegin … StatementEnd block',
      sql: `-- +goose Up\n-- +goose StatementBegin\n${FUNCTION}\n-- +goose StatementEnd\n`,
      goose: true,
    },
    {
      name: 'statements of several lines whose lines inside do not end in ;',
      sql: "-- +goose Up\nALTER TABLE orders\n  ADD COLUMN note_2 text;\nUPDATE orders SET note = 'a;b' WHERE id = 1; -- a comment;\n",
      goose: true,
      before: EXISTING_TABLES,
    },
    {
      name: 'the same function outside goose: its runner parses the SQL',
      sql: FUNCTION,
    },
  ],
  invalid: [
    {
      name: 'a function outside a block: goose cuts it at its first line ending in ;',
      sql: `-- +goose Up\n${FUNCTION}\n`,
      goose: true,
      findings: [
        {
          line: 2,
          message: /^goose ends this statement at line 4, where a line inside it ends in ";"/,
          fix: `-- +goose StatementBegin\n${FUNCTION}\n-- +goose StatementEnd`,
        },
      ],
    },
    {
      name: 'a DO block, and a string literal with a line ending in ;',
      sql: "-- +goose Up\nDO $$\nBEGIN\n  PERFORM 1;\nEND\n$$;\nINSERT INTO orders (note) VALUES ('first;\nsecond');\n",
      goose: true,
      before: EXISTING_TABLES,
      findings: [{ line: 2 }, { line: 7 }],
    },
  ],
});
