-- Page 5,001 of the movement history, 20 rows a page: an OFFSET pagination.
SELECT id, warehouse_id, product_id, kind, quantity, moved_at
  FROM stock_movements
 ORDER BY quantity, moved_at
 LIMIT 20 OFFSET 100000;
