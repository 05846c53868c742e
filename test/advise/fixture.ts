/**
 * A shop schema with data (about 8 MB) and a workload of 36 queries over it, weighted as an application would run
 * them: lookups by key, filters with ranges and IN lists, joins, ORDER BY … LIMIT pages, functions on columns,
 * constant predicates, a leading-wildcard LIKE and a jsonb containment.
 */
export const SHOP_SCHEMA = `
CREATE TABLE customers (
  id int PRIMARY KEY, email text NOT NULL, country text NOT NULL, status text NOT NULL,
  created_at timestamptz NOT NULL);
INSERT INTO customers
SELECT g, 'user' || g || '@example.com', (ARRAY['fr','de','us','jp','br','in','ca','es'])[1 + g % 8],
       CASE WHEN g % 50 = 0 THEN 'blocked' ELSE 'active' END, '2024-01-01'::timestamptz + (g || ' minutes')::interval
FROM generate_series(1, 20000) g;
CREATE TABLE products (
  id int PRIMARY KEY, sku text NOT NULL, name text NOT NULL, category text NOT NULL, price numeric NOT NULL,
  attrs jsonb NOT NULL);
INSERT INTO products
SELECT g, 'SKU-' || g, 'product ' || g, 'cat' || (g % 40), (g % 100) + 0.99, jsonb_build_object('color', g % 7)
FROM generate_series(1, 5000) g;
CREATE TABLE orders (
  id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, status text NOT NULL,
  created_at timestamptz NOT NULL, total numeric NOT NULL, note text);
INSERT INTO orders
SELECT g, 1 + (g * 7919) % 20000, CASE WHEN g % 100 = 0 THEN 'pending' WHEN g % 10 = 0 THEN 'shipped' ELSE 'done' END,
       '2024-01-01'::timestamptz + (g || ' seconds')::interval * 30, (g % 500) + 0.5, CASE WHEN g % 3 = 0 THEN 'gift' END
FROM generate_series(1, 100000) g;
CREATE TABLE order_items (
  id int PRIMARY KEY, order_id int NOT NULL REFERENCES orders, product_id int NOT NULL REFERENCES products,
  qty int NOT NULL, price numeric NOT NULL);
INSERT INTO order_items
SELECT g, 1 + (g::bigint * 104729) % 100000, 1 + g % 5000, 1 + g % 4, (g % 100) + 0.99
FROM generate_series(1, 150000) g;
CREATE INDEX orders_created_at ON orders (created_at);
ANALYZE;
`;

export const SHOP_WORKLOAD = `
-- weight: 500
SELECT id, email FROM customers WHERE email = 'user42@example.com';
-- weight: 300
SELECT * FROM orders WHERE customer_id = 42 ORDER BY created_at DESC LIMIT 20;
-- weight: 200
SELECT id, total FROM orders WHERE customer_id = 77 AND status = 'pending';
-- weight: 50
SELECT count(*) FROM orders WHERE status = 'pending';
-- weight: 120
SELECT * FROM order_items WHERE order_id = 1234;
-- weight: 40
SELECT oi.product_id, sum(oi.qty) FROM order_items oi WHERE oi.product_id = 77 GROUP BY oi.product_id;
-- weight: 30
SELECT o.id, o.total FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email = 'user9@example.com';
-- weight: 25
SELECT * FROM orders WHERE created_at >= '2024-02-01' AND created_at < '2024-02-02';
-- weight: 20
SELECT id FROM customers WHERE lower(email) = 'user77@example.com';
-- weight: 20
SELECT id, name FROM products WHERE sku = 'SKU-4000';
-- weight: 15
SELECT * FROM products WHERE category = 'cat7' ORDER BY price LIMIT 10;
-- weight: 10
SELECT * FROM customers WHERE country = 'jp' AND created_at > '2024-01-10' ORDER BY created_at LIMIT 50;
-- weight: 10
SELECT * FROM orders WHERE customer_id IN (1, 2, 3, 4, 5);
-- weight: 10
SELECT * FROM orders WHERE note IS NULL AND customer_id = 555;
-- weight: 8
SELECT o.*, oi.* FROM orders o JOIN order_items oi ON oi.order_id = o.id WHERE o.customer_id = 321;
-- weight: 5
SELECT * FROM customers WHERE status = 'blocked' ORDER BY created_at DESC LIMIT 10;
-- weight: 5
SELECT * FROM products WHERE name LIKE '%duct 12%';
-- weight: 5
SELECT * FROM products WHERE attrs @> '{"color": 3}';
-- weight: 5
SELECT sum(total) FROM orders WHERE created_at BETWEEN '2024-03-01' AND '2024-03-08';
-- weight: 4
SELECT * FROM order_items WHERE product_id = 12 AND qty > 2;
-- weight: 4
SELECT c.country, count(*) FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.status = 'pending' GROUP BY c.country;
-- weight: 3
SELECT * FROM orders WHERE total > 499 ORDER BY total DESC LIMIT 5;
-- weight: 3
SELECT id FROM customers WHERE created_at > '2024-01-14' ORDER BY created_at LIMIT 100;
-- weight: 3
SELECT * FROM products WHERE price BETWEEN 10 AND 11;
-- weight: 2
SELECT * FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE customer_id = 12);
-- weight: 2
SELECT p.name FROM products p JOIN order_items oi ON oi.product_id = p.id WHERE oi.order_id = 4242;
-- weight: 2
SELECT count(*) FROM customers WHERE country = 'fr';
-- weight: 2
SELECT * FROM customers WHERE id = 5;
SELECT * FROM orders WHERE id = 99;
SELECT email FROM customers WHERE email LIKE 'user12%';
SELECT * FROM orders WHERE status = 'shipped' AND created_at > '2024-02-15' ORDER BY created_at LIMIT 10;
SELECT max(created_at) FROM orders WHERE customer_id = 1000;
SELECT * FROM order_items WHERE price > 99;
SELECT id FROM orders WHERE customer_id = 31 AND created_at > '2024-01-05';
UPDATE orders SET status = 'shipped' WHERE id = 77;
INSERT INTO orders (id, customer_id, status, created_at, total) VALUES (100001, 1, 'pending', now(), 10);
`;
