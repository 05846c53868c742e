-- The queries the shop's order pages run.

-- name: recent-orders-of-user
SELECT id, status, total, placed_at
FROM orders
WHERE user_id = 4242
ORDER BY placed_at DESC
LIMIT 20;

-- name: order-lines
SELECT oi.product_id, oi.quantity, oi.unit_price
FROM order_items oi
WHERE oi.order_id = 31337;
