import rule from '../../../src/rules/schema/foreign-key-naming.js';
import { defineCases } from '../../helpers/rule-tester.js';

const parents = `CREATE TABLE customers (id bigint PRIMARY KEY);
  CREATE TABLE users (id bigint PRIMARY KEY);
  CREATE TABLE addresses (id bigint PRIMARY KEY);`;

export default defineCases(rule, {
  valid: [
    {
      name: '{singular}_id, with the PostgreSQL default constraint name',
      setup: `${parents}
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));`,
    },
    {
      name: 'several foreign keys to one table, each a role ending in _{singular}_id',
      setup: `${parents}
        CREATE TABLE orders (id bigint PRIMARY KEY,
          billing_address_id bigint REFERENCES addresses, shipping_address_id bigint REFERENCES addresses,
          created_by_user_id bigint REFERENCES users, approver_user_id bigint REFERENCES users);`,
    },
    {
      name: 'self-references ending in _id',
      setup: `CREATE TABLE categories (id bigint PRIMARY KEY, parent_id bigint REFERENCES categories);
        CREATE TABLE employees (id bigint PRIMARY KEY, manager_id bigint REFERENCES employees,
          employee_id bigint REFERENCES employees);`,
    },
    {
      name: 'irregular and uncountable table names',
      setup: `CREATE TABLE people (id bigint PRIMARY KEY);
        CREATE TABLE statuses (id bigint PRIMARY KEY);
        CREATE TABLE data (id bigint PRIMARY KEY);
        CREATE TABLE news (id bigint PRIMARY KEY);
        CREATE TABLE series (id bigint PRIMARY KEY);
        CREATE TABLE cookies (id bigint PRIMARY KEY);
        CREATE TABLE order_items (id bigint PRIMARY KEY);
        CREATE TABLE links (id bigint PRIMARY KEY,
          person_id bigint REFERENCES people, status_id bigint REFERENCES statuses, data_id bigint REFERENCES data,
          news_id bigint REFERENCES news, series_id bigint REFERENCES series, cookie_id bigint REFERENCES cookies,
          order_item_id bigint REFERENCES order_items);`,
    },
    {
      name: 'a foreign key to another column than id: {singular}_{column}',
      setup: `CREATE TABLE currencies (id bigint PRIMARY KEY, code char(3) NOT NULL UNIQUE);
        CREATE TABLE prices (id bigint PRIMARY KEY, currency_code char(3) REFERENCES currencies (code));`,
    },
    {
      name: 'a reserved-word table: user_id references "user"',
      setup: `CREATE TABLE "user" (id bigint PRIMARY KEY);
        CREATE TABLE sessions (id bigint PRIMARY KEY, user_id bigint REFERENCES "user");`,
    },
    {
      name: 'multi-column foreign keys are not checked',
      setup: `CREATE TABLE customers (tenant_id uuid, id bigint, PRIMARY KEY (tenant_id, id));
        CREATE TABLE orders (id bigint PRIMARY KEY, tenant_id uuid, buyer bigint,
          FOREIGN KEY (tenant_id, buyer) REFERENCES customers (tenant_id, id));`,
    },
    {
      name: 'role names allowed by option',
      options: { allowRoleNames: true },
      setup: `${parents}
        CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint REFERENCES users, editor_id bigint REFERENCES users);`,
    },
    {
      name: 'another template',
      options: { template: 'fk_{singular}' },
      setup: `${parents}
        CREATE TABLE orders (id bigint PRIMARY KEY, fk_customer bigint REFERENCES customers,
          fk_billing_address bigint REFERENCES addresses);`,
    },
    {
      name: 'a Prisma schema: camelCase references and the implicit join table’s A and B',
      setup: `CREATE TABLE "User" ("id" text PRIMARY KEY, "createdAt" timestamp(3));
        CREATE TABLE "TeamMember" ("id" serial PRIMARY KEY, "userId" text REFERENCES "User", "invitedByUserId" text REFERENCES "User");
        CREATE TABLE "Tag" ("id" serial PRIMARY KEY);
        CREATE TABLE "_TagToUser" ("A" int NOT NULL REFERENCES "Tag", "B" text NOT NULL REFERENCES "User");`,
    },
  ],
  invalid: [
    {
      name: 'a camelCase schema: the fix keeps the project’s case',
      setup: `CREATE TABLE "Customer" ("id" serial PRIMARY KEY, "fullName" text);
        CREATE TABLE "Order" ("id" serial PRIMARY KEY, "placedAt" timestamp(3), "cust" int REFERENCES "Customer");`,
      findings: [
        {
          object: 'public.Order.cust',
          message: 'foreign key column public.Order.cust references public.Customer (id): name it customerId',
          fix: 'ALTER TABLE public."Order" RENAME COLUMN cust TO "customerId";',
        },
      ],
    },
    {
      name: 'a spelling of the table itself',
      setup: `${parents}
        CREATE TABLE orders (id bigint PRIMARY KEY, cust bigint REFERENCES customers, "customerId" bigint REFERENCES customers,
          customers_id bigint REFERENCES customers);`,
      findings: [
        {
          object: 'public.orders.cust',
          severity: 'warning',
          message:
            'foreign key column public.orders.cust references public.customers (id): name it customer_id',
          fix: 'ALTER TABLE public.orders RENAME COLUMN cust TO customer_id;',
        },
        { object: 'public.orders.customerId', message: /name it customer_id, but another column/, fix: null },
        {
          object: 'public.orders.customers_id',
          message: /name it customer_id, but another column/,
          fix: null,
        },
      ],
    },
    {
      name: 'a role that does not name the table keeps its role',
      setup: `${parents}
        CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint REFERENCES users, reviewer bigint REFERENCES users);`,
      findings: [
        {
          object: 'public.posts.author_id',
          message:
            'foreign key column public.posts.author_id references public.users (id): name it author_user_id (its role, then user_id)',
          fix: 'ALTER TABLE public.posts RENAME COLUMN author_id TO author_user_id;',
        },
        {
          object: 'public.posts.reviewer',
          fix: 'ALTER TABLE public.posts RENAME COLUMN reviewer TO reviewer_user_id;',
        },
      ],
    },
    {
      name: 'a self-reference without _id',
      setup: 'CREATE TABLE categories (id bigint PRIMARY KEY, parent bigint REFERENCES categories);',
      findings: [
        {
          object: 'public.categories.parent',
          message: /name it parent_id \(a self-reference/,
          fix: 'ALTER TABLE public.categories RENAME COLUMN parent TO parent_id;',
        },
      ],
    },
    {
      name: 'a plural or mixed-case referenced table, in another schema',
      schemaConfig: { naming: { columns: 'snake_case' } },
      setup: `CREATE SCHEMA billing;
        CREATE TABLE billing."Invoices" (id bigint PRIMARY KEY);
        CREATE TABLE billing.payments (id bigint PRIMARY KEY, "InvoiceRef" bigint REFERENCES billing."Invoices");`,
      findings: [
        {
          object: 'billing.payments.InvoiceRef',
          fix: 'ALTER TABLE billing.payments RENAME COLUMN "InvoiceRef" TO invoice_id;',
        },
      ],
    },
    {
      name: 'an abbreviation with an id suffix',
      setup: `CREATE TABLE categories (id bigint PRIMARY KEY);
        CREATE TABLE products (id bigint PRIMARY KEY, cat_id bigint REFERENCES categories, categoryid bigint REFERENCES categories);`,
      findings: [
        {
          object: 'public.products.cat_id',
          fix: 'ALTER TABLE public.products RENAME COLUMN cat_id TO category_id;',
        },
        {
          object: 'public.products.categoryid',
          message: /but another column of the table has that name/,
          fix: null,
        },
      ],
    },
  ],
});
