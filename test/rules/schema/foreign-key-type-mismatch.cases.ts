import rule from '../../../src/rules/schema/foreign-key-type-mismatch.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'the same types',
      setup: `CREATE TABLE customers (id bigint PRIMARY KEY, code varchar(20) UNIQUE);
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id),
          customer_code varchar(20) REFERENCES customers (code));`,
    },
    {
      name: 'a domain over the referenced type',
      setup: `CREATE DOMAIN customer_id AS bigint CHECK (VALUE > 0);
        CREATE TABLE customers (id bigint PRIMARY KEY);
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id customer_id REFERENCES customers (id));`,
    },
  ],
  invalid: [
    {
      name: 'an integer column referencing a bigint key',
      setup: `CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
        INSERT INTO customers SELECT FROM generate_series(1, 10);
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id integer REFERENCES customers (id));
        INSERT INTO orders SELECT g, 1 + g % 10 FROM generate_series(1, 100) g;`,
      findings: [
        {
          object: 'public.orders.customer_id',
          severity: 'warning',
          message:
            'public.orders.customer_id is integer but references public.customers.id, which is bigint (foreign key orders_customer_id_fkey)',
          fix: 'ALTER TABLE public.orders ALTER COLUMN customer_id TYPE bigint USING customer_id::bigint;  -- rewrites the table and its indexes (ACCESS EXCLUSIVE)',
        },
      ],
    },
    {
      name: 'a bigint column referencing an integer key: the key is widened, with its other referencing columns',
      setup: `CREATE TABLE customers (id integer PRIMARY KEY);
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));
        CREATE TABLE notes (id bigint PRIMARY KEY, customer_id integer REFERENCES customers (id));`,
      findings: [
        {
          message: /which is integer \(foreign key orders_customer_id_fkey\): the key is the narrower type$/,
          fix: [
            '-- the key public.customers.id is the narrower one: widen it (and the columns that reference it)',
            'ALTER TABLE public.customers ALTER COLUMN id TYPE bigint USING id::bigint;  -- rewrites the table and its indexes (ACCESS EXCLUSIVE)',
            'ALTER TABLE public.notes ALTER COLUMN customer_id TYPE bigint USING customer_id::bigint;  -- rewrites the table and its indexes (ACCESS EXCLUSIVE)',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'text lengths: widening a varchar needs no rewrite',
      setup: `CREATE TABLE countries (code text PRIMARY KEY);
        CREATE TABLE cities (id bigint PRIMARY KEY, country varchar(2) REFERENCES countries (code));
        INSERT INTO countries VALUES ('fr'); INSERT INTO cities VALUES (1, 'fr');`,
      findings: [
        {
          message:
            'public.cities.country is character varying(2) but references public.countries.code, which is text (foreign key cities_country_fkey)',
          fix: 'ALTER TABLE public.cities ALTER COLUMN country TYPE text USING country::text;',
        },
      ],
    },
  ],
});
