import rule from '../../../src/rules/schema/repeating-columns.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'two address lines are the accepted design of a postal address',
      setup: `CREATE TABLE addresses (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        address_line_1 text NOT NULL, address_line_2 text, city text NOT NULL, postal_code text NOT NULL);`,
    },
    {
      name: 'numbers that are not a sequence: hash sizes, IP versions, standards',
      setup: `CREATE TABLE files (id bigint PRIMARY KEY, md5 text, sha1 text, sha256 text, sha512 text,
        ipv4 inet, ipv6 inet, iso8601 text, utf8_name text);`,
    },
    {
      name: 'numbered columns of different types are different attributes',
      setup: 'CREATE TABLE readings (id bigint PRIMARY KEY, sensor1 text, sensor2 integer, sensor3 boolean);',
    },
    {
      name: 'ordinal words that do not repeat (first_name, last_name)',
      setup:
        'CREATE TABLE people (id bigint PRIMARY KEY, first_name text, middle_name text, last_name text, second_email text);',
    },
    {
      name: 'a view with numbered columns is not a table',
      setup: `CREATE TABLE t (id bigint PRIMARY KEY, v text);
        CREATE VIEW pivot AS SELECT id, v AS col1, v AS col2, v AS col3 FROM t;`,
    },
    {
      name: 'minGroup raised to 4',
      options: { minGroup: 4 },
      setup: 'CREATE TABLE contacts (id bigint PRIMARY KEY, phone1 text, phone2 text, phone3 text);',
    },
  ],
  invalid: [
    {
      name: 'phone1, phone2, phone3',
      source: 'shadow',
      setup: `CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL,
        phone1 varchar(20), phone2 varchar(20), phone3 varchar(20));`,
      fixResolves: false,
      findings: [
        {
          object: 'public.customers',
          severity: 'warning',
          message:
            'public.customers repeats one attribute in 3 numbered columns (phone1, phone2, phone3; character varying(20)): one more needs a migration and every query must look in each column; a child table public.customer_phones (customer_id, ordinal, phone) holds any number of them',
          fix: [
            '-- a child table: one row per customer and phone, numbered by ordinal (phone1 → 1, phone2 → 2, phone3 → 3)',
            '-- CREATE TABLE public.customer_phones (',
            '--   id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,',
            '--   customer_id bigint NOT NULL REFERENCES public.customers (id) ON DELETE CASCADE,',
            '--   ordinal smallint NOT NULL,',
            '--   phone character varying(20) NOT NULL,',
            '--   UNIQUE (customer_id, ordinal)',
            '-- );',
            '-- INSERT INTO public.customer_phones (customer_id, ordinal, phone)',
            '--   SELECT t.id, v.ordinal, v.phone FROM public.customers AS t',
            '--   CROSS JOIN LATERAL (VALUES (1, t.phone1), (2, t.phone2), (3, t.phone3)) AS v (ordinal, phone)',
            '--   WHERE v.phone IS NOT NULL;',
            '-- then, once the application reads and writes public.customer_phones:',
            '-- ALTER TABLE public.customers DROP COLUMN phone1, DROP COLUMN phone2, DROP COLUMN phone3;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'three address lines with underscores, and ordinal words',
      setup: `CREATE TABLE shipments (id bigint PRIMARY KEY, address_line_1 text, address_line_2 text,
          address_line_3 text, first_choice text, second_choice text, third_choice text);`,
      fixResolves: false,
      findings: [
        {
          message:
            /repeats one attribute in 3 numbered columns \(address_line_1, address_line_2, address_line_3; text\).*shipment_address_lines \(shipment_id, ordinal, address_line\)/,
        },
        { message: /\(first_choice, second_choice, third_choice; text\).*public.shipment_choices/ },
      ],
    },
    {
      name: 'a column per year becomes a row per year',
      setup: `CREATE TABLE budgets (id bigint PRIMARY KEY, department text NOT NULL,
        amount_2022 numeric(12, 2), amount_2023 numeric(12, 2), amount_2024 numeric(12, 2));`,
      fixResolves: false,
      findings: [
        {
          message:
            /\(amount_2022, amount_2023, amount_2024; numeric\(12,2\)\).*budget_amounts \(budget_id, year, amount\)/,
          fix: /-- {3}year integer NOT NULL,\n-- {3}amount numeric\(12,2\) NOT NULL,\n-- {3}UNIQUE \(budget_id, year\)\n/,
        },
      ],
    },
    {
      name: 'minGroup 2 flags two numbered columns, as pg-index-health does',
      options: { minGroup: 2 },
      setup: 'CREATE TABLE "Contacts" (code text PRIMARY KEY, email1 text, email2 text);',
      fixResolves: false,
      findings: [
        {
          object: 'public.Contacts',
          fix: /-- {3}contact_code text NOT NULL REFERENCES public."Contacts" \(code\) ON DELETE CASCADE,/,
        },
      ],
    },
    {
      name: 'a table without a primary key: the sketch says so',
      setup: 'CREATE TABLE legacy (note1 text, note2 text, note3 text, note4 text);',
      fixResolves: false,
      findings: [{ fix: /has no primary key to reference: add one first/ }],
    },
  ],
});
