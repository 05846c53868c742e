import rule from '../../../src/rules/schema/not-valid-constraint.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'validated after NOT VALID',
      setup: `CREATE TABLE customers (id bigint PRIMARY KEY);
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total numeric);
        ALTER TABLE orders ADD CONSTRAINT chk_orders_total CHECK (total >= 0) NOT VALID;
        ALTER TABLE orders VALIDATE CONSTRAINT chk_orders_total;
        ALTER TABLE orders ADD CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
        ALTER TABLE orders VALIDATE CONSTRAINT fk_orders_customer;`,
    },
  ],
  invalid: [
    {
      name: 'a CHECK and a foreign key left NOT VALID (data that passes)',
      setup: `CREATE TABLE customers (id bigint PRIMARY KEY);
        INSERT INTO customers SELECT generate_series(1, 10);
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total numeric);
        INSERT INTO orders SELECT g, 1 + g % 10, g FROM generate_series(1, 100) g;
        ALTER TABLE orders ADD CONSTRAINT chk_orders_total CHECK (total >= 0) NOT VALID;
        ALTER TABLE orders ADD CONSTRAINT "Orders_Customer" FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;`,
      findings: [
        {
          object: 'public.orders.Orders_Customer',
          message:
            'foreign key Orders_Customer on public.orders is NOT VALID: rows that existed before it was added were never checked (FOREIGN KEY (customer_id) REFERENCES customers(id) NOT VALID)',
          fix: 'ALTER TABLE public.orders VALIDATE CONSTRAINT "Orders_Customer";  -- SHARE UPDATE EXCLUSIVE: reads and writes go on',
        },
        {
          object: 'public.orders.chk_orders_total',
          message: /^CHECK chk_orders_total on public.orders is NOT VALID/,
        },
      ],
    },
    {
      name: 'old rows that violate it: VALIDATE would fail until the data is fixed',
      setup: `CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);
        INSERT INTO orders VALUES (1, -5);
        ALTER TABLE orders ADD CONSTRAINT chk_orders_total CHECK (total >= 0) NOT VALID;`,
      fixResolves: false,
      findings: [{ object: 'public.orders.chk_orders_total' }],
    },
  ],
});
