import rule from '../../../src/rules/schema/prefer-bigint-key.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { sql: 'CREATE TABLE t (id bigint PRIMARY KEY);' },
    {
      sql: 'CREATE TABLE t (id bigint PRIMARY KEY, quantity integer);',
      name: 'an integer that is not a key',
    },
    {
      sql: 'CREATE TABLE attempts (task_id bigint, retry_count integer, PRIMARY KEY (task_id, retry_count));',
      name: 'an integer member of a composite key that no sequence feeds',
    },
    {
      name: 'a live bigint identity key',
      setup: 'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, quantity integer);',
    },
  ],
  invalid: [
    {
      sql: 'CREATE TABLE lines (order_id bigint, line serial, PRIMARY KEY (order_id, line));',
      name: 'a serial member of a composite key counts up all the same',
      findings: [{ message: /public\.lines\.line is a serial primary key/ }],
    },
    {
      sql: 'CREATE TABLE t (id integer PRIMARY KEY);',
      findings: [{ message: /overflows at 2,147,483,647/ }],
    },
    {
      sql: 'CREATE TABLE t (id serial, PRIMARY KEY (id));',
      name: 'a table-level primary key',
      findings: [{ fix: 'id bigint GENERATED ALWAYS AS IDENTITY' }],
    },
    { sql: 'CREATE TABLE t (id smallint PRIMARY KEY);', findings: [{ message: /overflows at 32,767/ }] },
    {
      name: 'a live serial key with rows: the column and its sequence become bigint',
      setup: `CREATE TABLE "user" (id serial PRIMARY KEY, name text);
        INSERT INTO "user" (name) SELECT 'u' || g FROM generate_series(1, 100) g;`,
      findings: [
        {
          object: 'public.user.id',
          fix: /ALTER TABLE public\."user" ALTER COLUMN id TYPE bigint;\nALTER SEQUENCE public\.user_id_seq AS bigint;$/,
        },
      ],
    },
    {
      name: 'a live identity key (its sequence follows the column)',
      setup: 'CREATE TABLE items (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY);',
      findings: [{ fix: /ALTER TABLE public\.items ALTER COLUMN id TYPE bigint;$/ }],
    },
  ],
});
