// The stock service's queries, written the way application code writes them: `pgwarden query` reads the SQL in
// string literals, template literals and tagged templates (here node-postgres calls), and checks each statement.
//   pgwarden query examples/queries/ --schema examples/inventory/schema.sql
import type { Pool } from 'pg';

export async function productBySku(pool: Pool, sku: string) {
  // the unique index on products (sku) cannot serve lower(sku)
  return pool.query('SELECT * FROM products WHERE lower(sku) = lower($1)', [sku]);
}

export async function searchProducts(pool: Pool, term: string) {
  // a pattern that starts with a wildcard: every row is read
  return pool.query(`SELECT id, sku, name FROM products WHERE name ILIKE '%' || $1 || '%'`, [term]);
}

export async function stockOnHand(pool: Pool) {
  // one subquery per product
  return pool.query(`
    SELECT p.sku,
           (SELECT sum(s.quantity) FROM stock_levels s WHERE s.product_id = p.id) AS on_hand
      FROM products p`);
}

export async function hasMovements(pool: Pool, warehouseId: number) {
  return pool.query(`SELECT count(*) > 0 AS moved FROM stock_movements WHERE warehouse_id = ${warehouseId}`);
}

export async function resetWarehouse(pool: Pool, _warehouseId: number) {
  // the WHERE clause was forgotten: every warehouse is reset
  return pool.query('UPDATE stock_levels SET quantity = 0');
}
