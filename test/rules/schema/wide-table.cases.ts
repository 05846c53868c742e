import rule from '../../../src/rules/schema/wide-table.js';
import { defineCases } from '../../helpers/rule-tester.js';

/** `CREATE TABLE name (id bigint PRIMARY KEY, c1 text, …)` with `columns` columns in all. */
function wide(name: string, columns: number, notNull = 0): string {
  const list = Array.from(
    { length: columns - 1 },
    (_, i) => `c${i + 1} text${i < notNull ? " NOT NULL DEFAULT ''" : ''}`,
  );
  return `CREATE TABLE ${name} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ${list.join(', ')});`;
}

export default defineCases(rule, {
  valid: [
    { name: 'fifty columns', setup: wide('customers', 50) },
    { name: 'a higher maxColumns', options: { maxColumns: 80 }, setup: wide('customers', 80) },
    {
      name: 'a wide view is not a table',
      setup: `CREATE VIEW report AS SELECT ${Array.from({ length: 60 }, (_, i) => `${i} AS c${i}`).join(', ')};`,
    },
  ],
  invalid: [
    {
      name: '51 columns (shadow): info',
      source: 'shadow',
      setup: wide('customers', 51, 10),
      fixResolves: false,
      findings: [
        {
          object: 'public.customers',
          severity: 'info',
          message:
            'public.customers has 51 columns (40 nullable, 78%): every row carries all of them, so scans and the cache pay for columns most queries do not read and each UPDATE rewrites the whole row; split the groups read together into 1:1 tables that share the key',
          fix: [
            '-- move each group of columns read together (and rarely) to a 1:1 table that shares the key:',
            '-- CREATE TABLE public.customer_<group> (',
            '--   customer_id bigint NOT NULL PRIMARY KEY REFERENCES public.customers (id) ON DELETE CASCADE,',
            "--   <the group's columns>",
            '-- );',
            '-- copy the group in batches, switch the reads, then ALTER TABLE public.customers DROP COLUMN …;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'over 100 columns: warning; live, the mostly-NULL columns are named',
      setup: `${wide('accounts', 101)}
        INSERT INTO accounts (c1, c2, c3) SELECT 'a' || g, 'b', 'c' FROM generate_series(1, 200) g;`,
      fixResolves: false,
      findings: [
        {
          severity: 'warning',
          message:
            /^public.accounts has 101 columns \(100 nullable, 99%\); 97 are at least 90% NULL \(c4, c5, c6, c7, c8, c9, c10, c11, …\): every row/,
        },
      ],
    },
    {
      name: 'no primary key: no sketch',
      options: { maxColumns: 10 },
      setup:
        'CREATE TABLE t (a1 int, a2 int, a3 int, a4 int, a5 int, a6 int, a7 int, a8 int, a9 int, b1 int, b2 int);',
      findings: [{ message: /^public.t has 11 columns/, fix: null }],
    },
  ],
});
