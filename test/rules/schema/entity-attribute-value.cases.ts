import rule from '../../../src/rules/schema/entity-attribute-value.js';
import { defineCases } from '../../helpers/rule-tester.js';

const products = 'CREATE TABLE products (id bigint PRIMARY KEY, name text NOT NULL);';

export default defineCases(rule, {
  valid: [
    {
      name: 'an audit log of changes (old_value, new_value) is not EAV',
      setup: `CREATE TABLE audit_changes (id bigint PRIMARY KEY, record_id bigint NOT NULL, table_name text NOT NULL,
        field text NOT NULL, old_value text, new_value text, changed_at timestamptz NOT NULL DEFAULT now());`,
    },
    {
      name: 'translations and a key-value table without an entity',
      setup: `${products}
        CREATE TABLE product_translations (id bigint PRIMARY KEY, product_id bigint NOT NULL REFERENCES products (id),
          locale text NOT NULL, name text NOT NULL, description text);
        CREATE TABLE app_settings (key text PRIMARY KEY, value text NOT NULL);`,
    },
    {
      name: 'a narrow table of typed measurements (value numeric) is a time series, not EAV',
      setup: `CREATE TABLE hosts (id bigint PRIMARY KEY);
        CREATE TABLE metrics (id bigint PRIMARY KEY, host_id bigint NOT NULL REFERENCES hosts (id), name text NOT NULL,
          value double precision NOT NULL, measured_at timestamptz NOT NULL);`,
    },
    {
      name: 'a table with real columns besides a name and a value',
      setup: `${products}
        CREATE TABLE product_variants (id bigint PRIMARY KEY, product_id bigint NOT NULL REFERENCES products (id),
          name text NOT NULL, value text, sku text NOT NULL, price numeric(12, 2) NOT NULL, stock integer NOT NULL);`,
    },
    {
      name: 'jsonb attributes on the entity',
      setup: `CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, attributes jsonb NOT NULL DEFAULT '{}');`,
    },
  ],
  invalid: [
    {
      name: 'product_attributes (product_id, name, value text)',
      source: 'shadow',
      setup: `${products}
        CREATE TABLE product_attributes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          product_id bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE, name text NOT NULL, value text,
          created_at timestamptz NOT NULL DEFAULT now());`,
      fixResolves: false,
      findings: [
        {
          object: 'public.product_attributes',
          severity: 'warning',
          message:
            'public.product_attributes is an entity-attribute-value table (product_id, name, value text): each attribute is a row, so values have no type, NOT NULL, CHECK or foreign key, and reading an entity takes a join per attribute; use real columns on public.products, or a jsonb column with CHECKs and generated columns for the attributes that matter',
          fix: [
            '-- the attributes as one jsonb document per products row (real columns for the ones every row has):',
            "-- ALTER TABLE public.products ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}';",
            '-- CREATE INDEX CONCURRENTLY idx_products_attributes ON public.products USING gin (attributes);',
            '-- UPDATE public.products AS o SET attributes = a.doc',
            '--   FROM (SELECT product_id, jsonb_object_agg(name, value) AS doc FROM public.product_attributes GROUP BY product_id) AS a',
            '--   WHERE o.id = a.product_id;  -- in batches on a large table',
            "-- e.g. a hot attribute as a typed, indexable column: ALTER TABLE public.products ADD COLUMN weight numeric GENERATED ALWAYS AS ((attributes->>'weight')::numeric) STORED;",
            '-- then, once the application uses it: DROP TABLE public.product_attributes;',
          ].join('\n'),
        },
      ],
    },
    {
      name: "WordPress' postmeta (meta_id, post_id, meta_key, meta_value)",
      setup: `CREATE TABLE posts (id bigint PRIMARY KEY, title text NOT NULL, attributes jsonb NOT NULL DEFAULT '{}');
        CREATE TABLE postmeta (meta_id bigint PRIMARY KEY, post_id bigint NOT NULL REFERENCES posts (id),
          meta_key varchar(255), meta_value text);`,
      fixResolves: false,
      findings: [
        {
          message:
            /^public.postmeta is an entity-attribute-value table \(post_id, meta_key, meta_value text\)/,
          fix: /-- public.posts has a jsonb attributes column already: merge them into it\n-- UPDATE public.posts AS o SET attributes = o.attributes \|\| a.doc/,
        },
      ],
    },
    {
      name: 'typed value columns, an attribute table, and an entity named entity_id without a foreign key',
      setup: `CREATE TABLE attributes (id bigint PRIMARY KEY, name text NOT NULL);
        CREATE TABLE attribute_values (id bigint PRIMARY KEY, entity_type text NOT NULL, entity_id bigint NOT NULL,
          attribute_id bigint NOT NULL REFERENCES attributes (id), value_text text, value_int bigint,
          value_date date, updated_at timestamptz);`,
      fixResolves: false,
      findings: [
        {
          message:
            /^public.attribute_values is an entity-attribute-value table \(entity_id, attribute_id, values in value_text, value_int, value_date\)/,
          fix: /^-- the attributes as real columns, or as one jsonb document per entity_id, on the table that entity_id identifies:\n-- SELECT entity_id, jsonb_object_agg\(attribute_id, value_text\)/,
        },
      ],
    },
    {
      name: 'user settings (user_id, key, value) in a tenant table',
      setup: `CREATE TABLE tenants (id uuid PRIMARY KEY);
        CREATE TABLE users (id bigint PRIMARY KEY);
        CREATE TABLE user_settings (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id),
          user_id bigint NOT NULL REFERENCES users (id), key text NOT NULL, value varchar(1000));`,
      fixResolves: false,
      findings: [
        { object: 'public.user_settings', message: /\(user_id, key, value character varying\(1000\)\)/ },
      ],
    },
  ],
});
