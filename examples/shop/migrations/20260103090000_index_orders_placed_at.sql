-- migrate:up
SET lock_timeout = '5s';
SET statement_timeout = '30min';
-- planted: a plain CREATE INDEX blocks every write to orders while it builds
CREATE INDEX idx_orders_placed_at ON orders (placed_at);

-- migrate:down
SET lock_timeout = '5s';
SET statement_timeout = '30min';
DROP INDEX idx_orders_placed_at;
