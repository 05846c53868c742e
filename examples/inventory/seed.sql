-- Demo data for `pgwarden explain` on a shadow database built from schema.sql:
--   pgwarden explain -f examples/queries/damaged.sql --schema examples/inventory/schema.sql --seed examples/inventory/seed.sql
-- 200,000 stock movements over November and December 2026, so that plans are those of a table with some volume.
-- pgwarden loads a --seed script only into the shadow database it builds, never into a database it did not create.

WITH levels AS (
  SELECT warehouse_id, product_id, row_number() OVER (ORDER BY warehouse_id, product_id) - 1 AS n
    FROM stock_levels
)
INSERT INTO stock_movements (warehouse_id, product_id, kind, quantity, moved_at, note)
SELECT l.warehouse_id,
       l.product_id,
       (ARRAY['receipt', 'shipment', 'adjustment']::stock_movement_kind[])[1 + g % 3],
       1 + g % 40,
       timestamptz '2026-11-01' + g * interval '25 seconds',
       CASE WHEN g % 500 = 0 THEN 'damaged in transit' END
  FROM generate_series(1, 200000) AS g
  JOIN levels AS l ON l.n = g % 400;
ANALYZE stock_movements;
