-- Data for pgwarden check: enough rows that the plans of the queries are the plans production would get.
INSERT INTO users (email, full_name)
SELECT 'user' || g || '@example.com', 'User ' || g FROM generate_series(1, 20000) g;
INSERT INTO roles (name) VALUES ('customer'), ('support'), ('admin');
INSERT INTO user_roles (user_id, role_id) SELECT id, 1 + (id % 50 = 0)::int FROM users;
INSERT INTO products (sku, name, price)
SELECT 'SKU-' || g, 'Product ' || g, 5 + (g % 200) FROM generate_series(1, 2000) g;
INSERT INTO orders (user_id, status, total, placed_at)
SELECT 1 + (g * 7919) % 20000, (ARRAY['pending', 'paid', 'shipped', 'cancelled']::order_status[])[1 + g % 4],
       (g % 500) + 0.5, timestamptz '2026-01-01' + g * interval '1 minute'
FROM generate_series(1, 50000) g;
INSERT INTO order_items (order_id, product_id, quantity, unit_price)
SELECT o.id, 1 + o.id % 2000, 1 + o.id % 3, 9.99 FROM orders o;
