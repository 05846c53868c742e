import rule from '../../../src/rules/schema/copied-attribute.js';
import { defineCases } from '../../helpers/rule-tester.js';

const shop = `CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL, full_name text NOT NULL,
    status text NOT NULL, name text, created_at timestamptz NOT NULL DEFAULT now());
  CREATE TABLE products (id bigint PRIMARY KEY, sku text NOT NULL UNIQUE, name text NOT NULL, price numeric(12, 2) NOT NULL);`;

export default defineCases(rule, {
  valid: [
    {
      name: 'a price snapshot named for what it is (unit_price beside products.price)',
      setup: `${shop}
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id),
          status text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id),
          product_id bigint NOT NULL REFERENCES products (id), quantity integer NOT NULL, unit_price numeric(12, 2) NOT NULL);`,
    },
    {
      name: 'generic names mean their own thing in each table (name, status, created_at)',
      setup: `${shop}
        CREATE TABLE stores (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), name text NOT NULL,
          status text NOT NULL, created_at timestamptz NOT NULL);`,
    },
    {
      name: 'the same name with another type family',
      setup: `${shop}
        CREATE TABLE shipments (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), email boolean,
          customer_full_name integer);`,
    },
    {
      name: "a measure of the row's own with the parent's name (stock_movements.quantity, stock_levels.quantity)",
      setup: `CREATE TABLE stock_levels (id bigint PRIMARY KEY, quantity integer NOT NULL, counted_at timestamptz);
        CREATE TABLE stock_movements (id bigint PRIMARY KEY, stock_level_id bigint NOT NULL REFERENCES stock_levels (id),
          quantity integer NOT NULL, counted_at timestamptz);`,
    },
    {
      name: 'a column named like the parent but without a foreign key to it',
      setup: `${shop}
        CREATE TABLE leads (id bigint PRIMARY KEY, customer_email text, customer_ref bigint);`,
    },
    {
      name: 'keys and references are scopes, not attributes (region_id, account_id on both sides)',
      setup: `CREATE TABLE regions (id bigint PRIMARY KEY);
        CREATE TABLE tenants (id bigint PRIMARY KEY, region_id bigint NOT NULL REFERENCES regions (id), account_id bigint);
        CREATE TABLE users (id bigint PRIMARY KEY, tenant_id bigint NOT NULL REFERENCES tenants (id), region_id bigint,
          account_id bigint, tenant_account_id bigint);`,
    },
    {
      name: 'accepted as a snapshot in the column comment',
      setup: `${shop}
        CREATE TABLE invoices (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id), customer_email text NOT NULL);
        COMMENT ON COLUMN invoices.customer_email IS 'pgwarden-ignore schema/copied-attribute: the address the invoice was sent to';`,
    },
  ],
  invalid: [
    {
      name: 'orders.customer_email copies customers.email',
      source: 'shadow',
      setup: `${shop}
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id),
          customer_email varchar(320) NOT NULL, total numeric(12, 2) NOT NULL);`,
      fixResolves: false,
      findings: [
        {
          object: 'public.orders.customer_email',
          severity: 'warning',
          message:
            'public.orders.customer_email copies public.customers.email (orders.customer_id → customers): the two drift apart when the customers row changes, unless every write updates both',
          fix: [
            '-- read it through the join (or a view that does), then drop the copy:',
            '-- SELECT t.*, p.email FROM public.orders AS t JOIN public.customers AS p ON p.id = t.customer_id;',
            '-- ALTER TABLE public.orders DROP COLUMN customer_email;',
            '-- or, when it is a snapshot on purpose (the value at the time of the row), say so:',
            "-- COMMENT ON COLUMN public.orders.customer_email IS 'pgwarden-ignore schema/copied-attribute: <why the copy is kept>';",
          ].join('\n'),
        },
      ],
    },
    {
      name: 'order_items.product_name and the same-named sku copy products',
      setup: `${shop}
        CREATE TABLE order_items (id bigint PRIMARY KEY, product_id bigint NOT NULL REFERENCES products (id),
          product_name text NOT NULL, sku varchar(40), unit_price numeric(12, 2) NOT NULL);`,
      fixResolves: false,
      findings: [
        { object: 'public.order_items.product_name', message: /copies public.products.name / },
        { object: 'public.order_items.sku', message: /copies public.products.sku / },
      ],
    },
    {
      name: "the foreign key column's prefix (billing_address_id → addresses.city) and a composite key",
      setup: `CREATE TABLE tenants (id bigint PRIMARY KEY);
        CREATE TABLE addresses (tenant_id bigint NOT NULL REFERENCES tenants (id), id bigint NOT NULL,
          city text NOT NULL, PRIMARY KEY (tenant_id, id));
        CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id bigint NOT NULL REFERENCES tenants (id),
          billing_address_id bigint NOT NULL, billing_address_city text,
          FOREIGN KEY (tenant_id, billing_address_id) REFERENCES addresses (tenant_id, id));`,
      fixResolves: false,
      findings: [
        {
          object: 'public.invoices.billing_address_city',
          message:
            'public.invoices.billing_address_city copies public.addresses.city (invoices.tenant_id, billing_address_id → addresses): the two drift apart when the addresses row changes, unless every write updates both',
          fix: /JOIN public.addresses AS p ON p.tenant_id = t.tenant_id AND p.id = t.billing_address_id;/,
        },
      ],
    },
    {
      name: "a self-reference: the manager's name copied on the employee",
      setup: `CREATE TABLE employees (id bigint PRIMARY KEY, full_name text NOT NULL,
        manager_id bigint REFERENCES employees (id), manager_full_name text);`,
      fixResolves: false,
      findings: [{ message: /public.employees.manager_full_name copies public.employees.full_name/ }],
    },
  ],
});
