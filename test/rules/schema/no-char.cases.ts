import rule from '../../../src/rules/schema/no-char.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { sql: 'CREATE TABLE t (code varchar(2), name text);' },
    {
      name: 'a live text code',
      setup: 'CREATE TABLE countries (code text PRIMARY KEY CHECK (length(code) = 2));',
    },
  ],
  invalid: [
    {
      name: 'a column a view reads: the view is dropped and created again around the change',
      setup: `CREATE TABLE codes (id bigint PRIMARY KEY, code char(2));
        CREATE VIEW code_list AS SELECT id, code FROM codes;`,
      findings: [
        {
          object: 'public.codes.code',
          fix: /^-- public\.code_list read the column: dropped and created again around the change .*\nBEGIN;\nDROP VIEW public\.code_list;\n-- rewrites the table .*\nALTER TABLE public\.codes ALTER COLUMN code TYPE text;\nCREATE VIEW public\.code_list AS\n.*SELECT .*\nCOMMIT;$/s,
        },
      ],
    },
    { sql: 'CREATE TABLE t (code char(2));', findings: [{ message: /is char\(2\)/ }] },
    { sql: 'CREATE TABLE t (code character(10));' },
    {
      name: 'a live key and the foreign key that references it, with rows (both fixes run, in turn)',
      setup: `CREATE TABLE countries (code char(2) PRIMARY KEY, name text);
        CREATE TABLE addresses (id bigint PRIMARY KEY, "user" char(8), country char(2) REFERENCES countries);
        INSERT INTO countries VALUES ('fr', 'France'), ('de', 'Germany');
        INSERT INTO addresses SELECT g, 'u' || g, CASE WHEN g % 2 = 0 THEN 'fr' ELSE 'de' END FROM generate_series(1, 100) g;`,
      findings: [
        {
          object: 'public.addresses.user',
          fix: /ALTER TABLE public\.addresses ALTER COLUMN "user" TYPE text;/,
        },
        { object: 'public.addresses.country' },
        { object: 'public.countries.code', message: /is char\(2\)/ },
      ],
    },
  ],
});
