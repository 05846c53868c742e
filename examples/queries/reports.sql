-- Reports run by hand or by a scheduler: `pgwarden query` checks every statement of a .sql file.

-- Products that have never moved.
SELECT p.id, p.sku
  FROM products p
 WHERE p.id NOT IN (SELECT m.product_id FROM stock_movements m);

-- Warehouses that hold any product under 5 units.
SELECT DISTINCT w.*
  FROM warehouses w
  JOIN stock_levels s ON s.warehouse_id = w.id
 WHERE s.quantity < 5;

-- Movements of two product kinds, written with OR across columns.
SELECT id, quantity
  FROM stock_movements
 WHERE warehouse_id = 1 OR note = 'damaged in transit';
