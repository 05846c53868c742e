/** Data sets shared by the plan rule cases: deterministic, small enough to load in well under a second. */

/** 200,000 events with a text payload: big enough to spill a sort or a hash at work_mem 64kB. */
export const EVENTS = `
CREATE TABLE events (
  id bigint PRIMARY KEY,
  account_id int NOT NULL,
  kind text NOT NULL,
  payload text NOT NULL,
  created_at timestamptz NOT NULL
);
INSERT INTO events
SELECT g, g % 1000, 'kind ' || (g % 7), md5(g::text), timestamptz '2025-01-01' + g * interval '1 second'
FROM generate_series(1, 200000) g;
`;

/**
 * The setup's row counts reach the statistics only when its session flushes them (at most once a second): a flush
 * after the ANALYZE that follows would make the table look modified since then (stale statistics). Forcing the
 * flush at the end of the setup keeps the statistics state, and so the statistics rules' advice, deterministic.
 */
const FLUSH_STATS = 'SELECT pg_stat_force_next_flush();';

/** 1,000 accounts (ids 0–999, the account_id values of EVENTS), in 10 regions. */
export const ACCOUNTS_1K = `
CREATE TABLE accounts (id int PRIMARY KEY, name text NOT NULL, region int NOT NULL);
INSERT INTO accounts SELECT g, 'account ' || g, g % 10 FROM generate_series(0, 999) g;
`;

/**
 * 200,000 addresses whose columns are correlated pairwise: zip determines city (both g % 100, 2,000 rows each) and
 * country determines language (both g % 10): the planner, multiplying their selectivities, expects 20 rows for
 * `city = 7 AND zip = 7` (there are 2,000) and 2,000 for `country = 3 AND language = 4` (there are none).
 */
export const CORRELATED_ADDRESSES = `
CREATE TABLE addresses (
  id int PRIMARY KEY,
  account_id int NOT NULL,
  city int NOT NULL,
  zip int NOT NULL,
  country int NOT NULL,
  language int NOT NULL,
  street text NOT NULL
);
INSERT INTO addresses
SELECT g, g % 1000, g % 100, g % 100, g % 10, g % 10, md5(g::text)
FROM generate_series(1, 200000) g;
${FLUSH_STATS}
`;

/** 1,000 regions (codes 0–999, the account_id values of EVENTS) with no index at all. */
export const UNINDEXED_REGIONS = `
CREATE TABLE regions (code int NOT NULL, name text NOT NULL);
INSERT INTO regions SELECT g, 'region ' || g FROM generate_series(0, 999) g;
`;

/** Tables j1 … jn (empty): the planner's join search over them is what a query joining them all costs. */
export function joinTables(n: number): string {
  return Array.from(
    { length: n },
    (_, i) => `CREATE TABLE j${i + 1} (id int PRIMARY KEY, a int, b int);`,
  ).join('\n');
}

/**
 * A query joining j1 … jn, each table to every other one (`ji.a = jk.b`): with every pair joinable the planner
 * considers every join order, which for 10 tables takes it a hundred milliseconds or more; the execution reads
 * empty tables. `explicit`: written as JOIN … ON in that order (join_collapse_limit = 1 then keeps the order).
 */
export function cliqueJoinQuery(n: number, explicit = false): string {
  const pairs = (k: number) => Array.from({ length: k - 1 }, (_, i) => `j${i + 1}.a = j${k}.b`);
  if (explicit) {
    let sql = 'SELECT count(*) FROM j1';
    for (let k = 2; k <= n; k++) sql += ` JOIN j${k} ON ${pairs(k).join(' AND ')}`;
    return sql;
  }
  const from = Array.from({ length: n }, (_, i) => `j${i + 1}`).join(', ');
  const where = Array.from({ length: n - 1 }, (_, i) => pairs(i + 2)).flat();
  return `SELECT count(*) FROM ${from} WHERE ${where.join(' AND ')}`;
}

/**
 * 200,000 orders stored customer by customer (customer_id = id / 100: 100 orders each, physically clustered), the
 * ten statuses in turn, and an index on customer_id only.
 */
export const CUSTOMER_ORDERS = `
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id int NOT NULL,
  status text NOT NULL,
  total numeric(10, 2) NOT NULL,
  created_at timestamptz NOT NULL
);
INSERT INTO orders
SELECT g, g / 100,
       (ARRAY['paid', 'pending', 'shipped', 'cancelled', 'refunded', 'delivered', 'returned', 'draft', 'held', 'lost'])[g % 10 + 1],
       (g % 997) + 0.99, timestamptz '2025-01-01' + g * interval '1 minute'
FROM generate_series(1, 200000) g;
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
`;
