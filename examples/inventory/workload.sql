-- The inventory application's queries, for `pgwarden advise --workload examples/inventory/workload.sql`.
-- "-- weight: N" before a query says how often it runs, relative to the others (default 1).

-- weight: 200
SELECT quantity FROM stock_levels WHERE warehouse_id = 1 AND product_id = '00000000-0000-0000-0000-000000000001';
-- weight: 80
SELECT * FROM stock_movements WHERE product_id = '00000000-0000-0000-0000-000000000001' ORDER BY moved_at DESC LIMIT 20;
-- weight: 40
SELECT id, sku FROM products WHERE lower(name) = 'bolt m6';
-- weight: 20
SELECT warehouse_id, sum(quantity) FROM stock_movements WHERE kind = 'shipment' AND moved_at >= '2026-12-01' GROUP BY warehouse_id;
-- weight: 10
SELECT * FROM products WHERE attributes @> '{"color": "red"}';
-- weight: 5
UPDATE stock_levels SET quantity = quantity - 1 WHERE warehouse_id = 1 AND product_id = '00000000-0000-0000-0000-000000000001';
