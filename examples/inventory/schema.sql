-- A small warehouse inventory schema, used by the README's examples of:
--   pgwarden schema examples/inventory/schema.sql      (the schema review)
--   pgwarden explain / query … --schema examples/inventory/schema.sql   (plans and SQL checked against it)
--   pgwarden inspect db/schema.sql --table stock_levels (the README's test copies it to db/schema.sql)
-- pgwarden builds it on a scratch database of the embedded PostgreSQL (or the --db server); nothing else is touched.

CREATE TYPE stock_movement_kind AS ENUM ('receipt', 'shipment', 'adjustment');

CREATE TABLE warehouses (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code        text NOT NULL,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT unq_warehouses_code UNIQUE (code)
);

CREATE TABLE products (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  sku         text NOT NULL,
  name        text NOT NULL,
  unit_price  numeric(12, 2) NOT NULL,
  attributes  jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT unq_products_sku UNIQUE (sku),
  CONSTRAINT chk_products_unit_price CHECK (unit_price >= 0)
);
COMMENT ON TABLE products IS 'Everything a warehouse can hold';

CREATE TABLE stock_levels (
  warehouse_id  bigint NOT NULL REFERENCES warehouses (id) ON DELETE CASCADE,
  product_id    uuid NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
  quantity      integer NOT NULL DEFAULT 0,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (warehouse_id, product_id),
  CONSTRAINT chk_stock_levels_quantity CHECK (quantity >= 0)
);
CREATE INDEX idx_stock_levels_product_id ON stock_levels (product_id);

-- Movements are append-only and grow fast: partitioned by month.
CREATE TABLE stock_movements (
  id            bigint GENERATED ALWAYS AS IDENTITY,
  warehouse_id  bigint NOT NULL,
  product_id    uuid NOT NULL,
  kind          stock_movement_kind NOT NULL,
  quantity      integer NOT NULL,
  moved_at      timestamptz NOT NULL DEFAULT now(),
  note          varchar(200),
  PRIMARY KEY (id, moved_at),
  FOREIGN KEY (warehouse_id, product_id) REFERENCES stock_levels (warehouse_id, product_id)
) PARTITION BY RANGE (moved_at);
CREATE TABLE stock_movements_2026_11 PARTITION OF stock_movements
  FOR VALUES FROM ('2026-11-01') TO ('2026-12-01');
CREATE TABLE stock_movements_2026_12 PARTITION OF stock_movements
  FOR VALUES FROM ('2026-12-01') TO ('2027-01-01');
CREATE INDEX idx_stock_movements_moved_at ON stock_movements USING brin (moved_at);

CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
CREATE TRIGGER trg_products_updated_at BEFORE UPDATE ON products
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE VIEW low_stock AS
  SELECT w.code AS warehouse, p.sku, s.quantity
    FROM stock_levels s
    JOIN warehouses w ON w.id = s.warehouse_id
    JOIN products p ON p.id = s.product_id
   WHERE s.quantity < 10;

-- Row level security: a warehouse clerk sees only their warehouse.
ALTER TABLE stock_levels ENABLE ROW LEVEL SECURITY;
CREATE POLICY stock_levels_by_warehouse ON stock_levels
  USING (warehouse_id = nullif(current_setting('app.warehouse_id', true), '')::bigint);

INSERT INTO warehouses (code, name) VALUES ('PAR1', 'Paris North'), ('LYO1', 'Lyon East');
INSERT INTO products (sku, name, unit_price)
  SELECT 'SKU-' || g, 'Product ' || g, (g % 50) + 0.99 FROM generate_series(1, 200) AS g;
INSERT INTO stock_levels (warehouse_id, product_id, quantity)
  SELECT w.id, p.id, (abs(hashtext(p.sku || w.code)) % 100) FROM warehouses w CROSS JOIN products p;
ANALYZE;
