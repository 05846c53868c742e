-- The movements flagged as damaged: a filter on a column no index covers.
SELECT id, warehouse_id, product_id, quantity, moved_at
  FROM stock_movements
 WHERE note = 'damaged in transit';
