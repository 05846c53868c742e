import rule from '../../../src/rules/schema/updated-at-maintained.js';
import { defineCases } from '../../helpers/rule-tester.js';

const fn = `CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN NEW.updated_at := now(); RETURN NEW; END $$;`;

export default defineCases(rule, {
  valid: [
    {
      name: 'the conventional trigger',
      setup: `${fn}
        CREATE TABLE orders (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now());
        CREATE TRIGGER trg_orders_updated_at BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION set_updated_at();`,
    },
    {
      name: 'moddatetime from contrib',
      setup: `CREATE EXTENSION moddatetime;
        CREATE TABLE orders (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now());
        CREATE TRIGGER orders_mdt BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION moddatetime(updated_at);`,
    },
    {
      name: 'a function whose name says it (touch), on insert or update',
      setup: `CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
        CREATE TABLE orders (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now());
        CREATE TRIGGER orders_bu BEFORE INSERT OR UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();`,
    },
    {
      name: 'no updated_at column; a partitioned table with its trigger',
      setup: `${fn}
        CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);
        CREATE TABLE jobs (id bigint, at date, updated_at timestamptz) PARTITION BY RANGE (at);
        CREATE TABLE jobs_2025 PARTITION OF jobs FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE TRIGGER trg_jobs_updated_at BEFORE UPDATE ON jobs FOR EACH ROW EXECUTE FUNCTION set_updated_at();`,
    },
  ],
  invalid: [
    {
      name: 'an epoch column without statistics: seconds or milliseconds cannot be told, no trigger is proposed',
      setup: 'CREATE TABLE devices (id bigint PRIMARY KEY, updated_at bigint NOT NULL);',
      findings: [{ object: 'public.devices', message: /seconds from milliseconds/, fix: null }],
    },
    {
      name: 'a date column gets current_date, from its own function',
      setup: `CREATE TABLE reports (id bigint PRIMARY KEY, updated_at date NOT NULL DEFAULT current_date);`,
      findings: [
        {
          object: 'public.reports',
          fix: /public\.set_updated_at_date\(\)[\s\S]*NEW\.updated_at := current_date;/,
        },
      ],
    },
    {
      name: 'no trigger, no function: both are created',
      setup: 'CREATE TABLE orders (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now());',
      findings: [
        {
          object: 'public.orders',
          severity: 'warning',
          message:
            'public.orders.updated_at is set on INSERT only: no BEFORE UPDATE … FOR EACH ROW trigger keeps it current',
          fix: [
            'CREATE OR REPLACE FUNCTION public.set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$',
            'BEGIN',
            '  NEW.updated_at := now();',
            '  RETURN NEW;',
            'END',
            '$$;',
            'CREATE TRIGGER trg_orders_updated_at BEFORE UPDATE ON public.orders',
            '  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'the function exists: only the trigger; two tables',
      setup: `${fn}
        CREATE TABLE orders (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE "Line" (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now());`,
      findings: [
        {
          object: 'public.Line',
          fix: 'CREATE TRIGGER "trg_Line_updated_at" BEFORE UPDATE ON public."Line"\n  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();',
        },
        { object: 'public.orders' },
      ],
    },
    {
      name: 'an AFTER trigger, a statement trigger, UPDATE OF some columns and a disabled trigger do not count',
      setup: `${fn}
        CREATE TABLE a (id bigint PRIMARY KEY, status text, updated_at timestamptz);
        CREATE TRIGGER a1_updated_at AFTER UPDATE ON a FOR EACH ROW EXECUTE FUNCTION set_updated_at();
        CREATE TRIGGER a2_updated_at BEFORE UPDATE ON a FOR EACH STATEMENT EXECUTE FUNCTION set_updated_at();
        CREATE TRIGGER a3_updated_at BEFORE UPDATE OF status ON a FOR EACH ROW EXECUTE FUNCTION set_updated_at();
        CREATE TRIGGER a4_updated_at BEFORE UPDATE ON a FOR EACH ROW EXECUTE FUNCTION set_updated_at();
        ALTER TABLE a DISABLE TRIGGER a4_updated_at;`,
      findings: [
        { severity: 'warning', message: /no BEFORE UPDATE … FOR EACH ROW trigger keeps it current$/ },
      ],
    },
    {
      name: 'a BEFORE UPDATE row trigger whose name says nothing: info, check it',
      setup: `CREATE FUNCTION check_order() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
        CREATE TABLE orders (id bigint PRIMARY KEY, updated_at timestamptz);
        CREATE TRIGGER orders_check BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION check_order();`,
      findings: [
        {
          severity: 'info',
          message:
            'public.orders.updated_at: none of its BEFORE UPDATE row triggers (orders_check → public.check_order()) looks like it sets updated_at; check them',
        },
      ],
    },
    {
      name: 'another schema, another column and function name',
      options: { column: 'modified_on', functionName: 'stamp_modified_on' },
      setup: 'CREATE SCHEMA app; CREATE TABLE app.things (id bigint PRIMARY KEY, modified_on timestamptz);',
      findings: [
        {
          object: 'app.things',
          fix: /^CREATE OR REPLACE FUNCTION app.stamp_modified_on\(\) RETURNS trigger LANGUAGE plpgsql AS \$\$\nBEGIN\n {2}NEW.modified_on := now\(\);[\s\S]*CREATE TRIGGER trg_things_modified_on BEFORE UPDATE ON app.things\n {2}FOR EACH ROW EXECUTE FUNCTION app.stamp_modified_on\(\);$/,
        },
      ],
    },
  ],
});
