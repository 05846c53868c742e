-- The latest movements of one kind in one warehouse, newest first ($1: the warehouse's id, $2: the kind).
SELECT id, product_id, quantity, moved_at
  FROM stock_movements
 WHERE warehouse_id = $1 AND kind = $2
 ORDER BY moved_at DESC
 LIMIT 20;
