// The product search of the shop's API (only the SQL matters to pgwarden).
import type { Pool } from 'pg';

export async function searchProducts(pool: Pool, term: string) {
  // planted: a leading wildcard that no btree index can serve, and SELECT *
  const { rows } = await pool.query("SELECT * FROM products WHERE name ILIKE '%' || $1 || '%' LIMIT 50", [
    term,
  ]);
  return rows;
}

export async function productBySku(pool: Pool, sku: string) {
  const { rows } = await pool.query('SELECT id, sku, name, price FROM products WHERE sku = $1', [sku]);
  return rows[0];
}
