import rule from '../../../src/rules/migration/change-column-type.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    {
      sql: 'ALTER TABLE orders ALTER COLUMN note TYPE text;',
      name: 'varchar to text',
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN note TYPE varchar(50);',
      name: 'a longer varchar',
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN total TYPE numeric(14, 2);',
      name: 'more numeric precision, same scale',
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN note TYPE text USING note::text;',
      name: 'USING the column as it is',
      before: EXISTING_TABLES,
    },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE "User" ALTER COLUMN "order" TYPE "Rank" USING "order"::text::"Rank";',
      name: 'the fix keeps the case of a quoted type and quotes the names',
      before:
        'CREATE TYPE "Rank" AS ENUM (\'1\', \'2\');\nCREATE TABLE "User" (id bigint PRIMARY KEY, "order" int);',
      findings: [
        {
          fix: /^-- expand and contract instead of rewriting in place:\nALTER TABLE public."User" ADD COLUMN order_new "Rank";\n/,
        },
      ],
    },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN user_id TYPE integer;',
      findings: [{ severity: 'error', message: /TYPE bigint → integer rewrites "orders"/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN note TYPE varchar(10);',
      name: 'a shorter varchar',
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN total TYPE numeric(12, 3);',
      name: 'another scale',
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN note TYPE text USING upper(note);',
      name: 'USING transforms the value',
      findings: [{ message: /USING/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE legacy ALTER COLUMN c TYPE text;',
      name: 'the old type is unknown without --db',
      findings: [{ severity: 'warning', message: /does not know the old type/ }],
    },
  ],
});
