import rule from '../../../src/rules/schema/sequence-overflow.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'sequences far from their limits; a bigint identity past the integer range',
      setup: `CREATE TABLE orders (id serial PRIMARY KEY);
        SELECT setval('orders_id_seq', 1000000);
        CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
        SELECT setval(pg_get_serial_sequence('events', 'id'), 3000000000);
        CREATE TABLE fresh (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY);`,
    },
    {
      name: 'a cycling sequence wraps instead',
      setup: `CREATE TABLE ring (id integer GENERATED ALWAYS AS IDENTITY (CYCLE) PRIMARY KEY);
        SELECT setval(pg_get_serial_sequence('ring', 'id'), 2100000000);`,
    },
    {
      name: 'a shadow database’s sequences say nothing',
      source: 'shadow',
      setup: `CREATE TABLE orders (id serial PRIMARY KEY);
        SELECT setval('orders_id_seq', 2100000000);`,
    },
    {
      name: 'below warnAt',
      options: { warnAt: 0.95, errorAt: 0.99 },
      setup: `CREATE TABLE orders (id serial PRIMARY KEY);
        SELECT setval('orders_id_seq', 2000000000);`,
    },
  ],
  invalid: [
    {
      name: 'a serial key at 93%, referenced by an integer foreign key: both columns and the sequence widen',
      setup: `CREATE TABLE orders (id serial PRIMARY KEY, note text);
        CREATE TABLE order_items (id bigint PRIMARY KEY, order_id integer REFERENCES orders);
        INSERT INTO orders (note) SELECT 'n' FROM generate_series(1, 10);
        INSERT INTO order_items SELECT g, 1 + g % 10 FROM generate_series(1, 100) g;
        SELECT setval('orders_id_seq', 2000000000);`,
      findings: [
        {
          object: 'public.orders.id',
          severity: 'error',
          message:
            'sequence public.orders_id_seq of public.orders.id (integer) is at 2,000,000,000: 93% of the way to the integer limit 2,147,483,647; INSERTs fail when it gets there',
          fix: [
            '-- rewrites public.orders and the tables that reference it under an ACCESS EXCLUSIVE lock: on a big table, use the new column + backfill + swap recipe (see the docs)',
            'ALTER TABLE public.orders ALTER COLUMN id TYPE bigint;',
            'ALTER TABLE public.order_items ALTER COLUMN order_id TYPE bigint;',
            'ALTER SEQUENCE public.orders_id_seq AS bigint NO MAXVALUE;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'an integer identity past half its range is a warning',
      setup: `CREATE TABLE "Event" (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
        SELECT setval(pg_get_serial_sequence('"Event"', 'id'), 1200000000);`,
      findings: [{ object: 'public.Event.id', severity: 'warning', message: /55% of the way/ }],
    },
    {
      name: 'a bigint column whose sequence is still integer: only the sequence changes',
      setup: `CREATE TABLE events (id bigint PRIMARY KEY);
        CREATE SEQUENCE events_id_seq AS integer OWNED BY events.id;
        ALTER TABLE events ALTER COLUMN id SET DEFAULT nextval('events_id_seq');
        SELECT setval('events_id_seq', 1900000000);`,
      findings: [
        {
          severity: 'error',
          message: /88% of the way to its own MAXVALUE 2,147,483,647, although the column is bigint/,
          fix: 'ALTER SEQUENCE public.events_id_seq AS bigint NO MAXVALUE;',
        },
      ],
    },
    {
      name: 'a smallserial, and a descending sequence',
      setup: `CREATE TABLE codes (id smallserial PRIMARY KEY);
        SELECT setval('codes_id_seq', 30000);
        CREATE TABLE downs (id integer PRIMARY KEY);
        CREATE SEQUENCE downs_id_seq AS integer INCREMENT BY -1 OWNED BY downs.id;
        ALTER TABLE downs ALTER COLUMN id SET DEFAULT nextval('downs_id_seq');
        SELECT setval('downs_id_seq', -1500000000);`,
      findings: [
        {
          object: 'public.codes.id',
          severity: 'error',
          message: /\(smallint\) is at 30,000: 91% of the way to the smallint limit 32,767/,
        },
        {
          object: 'public.downs.id',
          severity: 'warning',
          message: /is at -1,500,000,000: 69% of the way to the integer limit -2,147,483,648/,
          fix: /ALTER SEQUENCE public\.downs_id_seq AS bigint NO MINVALUE;$/,
        },
      ],
    },
  ],
});
