/**
 * The plans of the corpus (test/fixtures/plans/): the data set they run on and, per plan, the settings, EXPLAIN
 * options and statement. capture.test.ts runs them on the test servers (and rewrites the fixtures and their README
 * when PGWARDEN_CAPTURE_PLANS=1).
 */
import { Connection } from '../../src/db/connection.js';

export interface PlanScenario {
  /** The fixture's file name, without `.json` (the server's major comes first). */
  readonly name: string;
  /** PostgreSQL major: 18 is the embedded server; 15 is the machine's service (the only one with JIT here). */
  readonly server: 18 | 15;
  /** What the plan exercises. */
  readonly covers: string;
  /** SET LOCAL before EXPLAIN (the transaction is rolled back afterwards). */
  readonly settings?: Readonly<Record<string, string>>;
  /** Statements run in the session before the transaction (temporary tables, evicting a table from cache). */
  readonly session?: readonly string[];
  /** EXPLAIN's options, FORMAT JSON aside. */
  readonly options: string;
  readonly query: string;
  /** Also captured and checked against pev2 by the fresh-capture test (a quick subset of every kind). */
  readonly quick?: boolean;
  /** Stored gzipped (`.json.gz`): a large plan. */
  readonly gzip?: boolean;
}

/**
 * A statement whose plan has 5 × `branches` + 1 nodes: an Append of `branches` index scans, each with a Filter
 * on its own InitPlan and a correlated SubPlan in its output (2 nodes each). 400 branches: 2,001 nodes.
 */
export function bigUnionQuery(branches: number): string {
  const parts: string[] = [];
  for (let k = 1; k <= branches; k++) {
    const customer = 1 + ((k * 37) % 20000);
    parts.push(
      `SELECT o.id, (SELECT max(o2.amount) FROM orders o2 WHERE o2.customer_id = o.customer_id AND o2.id <> o.id) AS other
       FROM orders o WHERE o.customer_id = ${customer}
       AND o.amount > (SELECT avg(o3.amount) FROM orders o3 WHERE o3.customer_id = ${customer})`,
    );
  }
  return parts.join('\nUNION ALL\n');
}

/** The data every scenario runs on: deterministic, a few hundred thousand rows. */
export const DATA_SET = `
CREATE TABLE customers (
  id int PRIMARY KEY,
  name text NOT NULL,
  region int NOT NULL,
  created_at timestamptz NOT NULL
);
INSERT INTO customers
SELECT g, 'customer ' || g, g % 20, timestamptz '2024-01-01' + g * interval '1 minute'
FROM generate_series(1, 20000) g;

CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id int NOT NULL REFERENCES customers,
  amount numeric(10, 2) NOT NULL,
  status text NOT NULL,
  ordered_on date NOT NULL,
  note text
) WITH (autovacuum_enabled = off);
INSERT INTO orders
SELECT g, 1 + (g * 7919) % 20000, ((g * 31) % 100000) / 100.0,
       (ARRAY['new', 'paid', 'shipped', 'delivered', 'cancelled'])[1 + g % 5],
       date '2024-01-01' + (g * 13) % 366, CASE WHEN g % 7 = 0 THEN repeat('x', 40) END
FROM generate_series(1, 200000) g;
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE INDEX orders_ordered_on_idx ON orders (ordered_on);
CREATE INDEX orders_status_amount_idx ON orders (status, amount);

CREATE FUNCTION orders_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.note := coalesce(NEW.note, '') || '!';
  RETURN NEW;
END $$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION orders_touch();

CREATE TABLE events (
  id bigint NOT NULL,
  happened_on date NOT NULL,
  kind text NOT NULL,
  payload int NOT NULL
) PARTITION BY RANGE (happened_on);
CREATE TABLE events_q1 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2024-04-01');
CREATE TABLE events_q2 PARTITION OF events FOR VALUES FROM ('2024-04-01') TO ('2024-07-01');
CREATE TABLE events_q3 PARTITION OF events FOR VALUES FROM ('2024-07-01') TO ('2024-10-01');
CREATE TABLE events_q4 PARTITION OF events FOR VALUES FROM ('2024-10-01') TO ('2025-01-01');
INSERT INTO events
SELECT g, date '2024-01-01' + g % 366, (ARRAY['click', 'view', 'buy'])[1 + g % 3], g % 1000
FROM generate_series(1, 60000) g;
CREATE INDEX events_happened_on_idx ON events (happened_on);

ANALYZE customers, orders, events;
`;

const PARALLEL = {
  parallel_setup_cost: '0',
  parallel_tuple_cost: '0',
  min_parallel_table_scan_size: '0',
  min_parallel_index_scan_size: '0',
  max_parallel_workers_per_gather: '2',
};
const FULL = 'ANALYZE, BUFFERS, SETTINGS';

export const SCENARIOS: readonly PlanScenario[] = [
  {
    name: 'pg18-seq-scan-filter',
    server: 18,
    covers: 'a Seq Scan with a Filter and rows removed',
    settings: {
      enable_bitmapscan: 'off',
      enable_indexscan: 'off',
      enable_indexonlyscan: 'off',
      max_parallel_workers_per_gather: '0',
    },
    options: FULL,
    query: `SELECT * FROM orders WHERE amount > 990 AND status = 'paid'`,
    quick: true,
  },
  {
    name: 'pg18-parallel-aggregate',
    server: 18,
    covers: 'Finalize Aggregate over Gather over Partial Aggregate over Parallel Seq Scan (2 workers)',
    settings: PARALLEL,
    options: FULL,
    query: `SELECT status, count(*), sum(amount) FROM orders GROUP BY status`,
    quick: true,
  },
  {
    name: 'pg18-parallel-hash-join',
    server: 18,
    covers: 'Parallel Hash Join under Gather, with per-worker figures (VERBOSE)',
    settings: { ...PARALLEL, enable_partitionwise_aggregate: 'off' },
    options: `${FULL}, VERBOSE`,
    query: `SELECT c.region, sum(o.amount) FROM orders o JOIN customers c ON c.id = o.customer_id
            WHERE o.status <> 'cancelled' GROUP BY c.region`,
  },
  {
    name: 'pg18-parallel-gather-merge',
    server: 18,
    covers: 'Gather Merge over a parallel Sort (per-worker sort figures), under a Limit',
    settings: PARALLEL,
    options: FULL,
    query: `SELECT id, amount FROM orders WHERE note IS NULL ORDER BY amount DESC, id LIMIT 50 OFFSET 1000`,
  },
  {
    name: 'pg18-parallel-initplan',
    server: 18,
    covers: 'a parallel plan whose Filter uses an InitPlan that is itself parallel',
    settings: PARALLEL,
    options: FULL,
    query: `SELECT count(*) FROM orders WHERE amount > (SELECT avg(amount) * 1.5 FROM orders)`,
    quick: true,
  },
  {
    name: 'pg18-cte-materialized',
    server: 18,
    covers: 'a MATERIALIZED CTE scanned twice (once in an InitPlan), a hash join with it',
    options: FULL,
    query: `WITH totals AS MATERIALIZED (
              SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id)
            SELECT c.region, count(*) FROM customers c JOIN totals t ON t.customer_id = c.id
            WHERE t.total > (SELECT avg(total) FROM totals) GROUP BY c.region`,
    quick: true,
  },
  {
    name: 'pg18-cte-three-scans',
    server: 18,
    covers: 'one MATERIALIZED CTE scanned three times, two CTEs',
    options: FULL,
    query: `WITH recent AS MATERIALIZED (SELECT * FROM orders WHERE ordered_on >= date '2024-12-01'),
                 big AS MATERIALIZED (SELECT customer_id FROM recent WHERE amount > 500)
            SELECT (SELECT count(*) FROM recent) AS n,
                   (SELECT count(DISTINCT customer_id) FROM big) AS big_customers,
                   (SELECT max(amount) FROM recent r JOIN big b USING (customer_id)) AS top`,
  },
  {
    name: 'pg18-cte-recursive',
    server: 18,
    covers: 'a recursive CTE: Recursive Union with a WorkTable Scan run 2,000 times',
    options: FULL,
    query: `WITH RECURSIVE walk(n, total) AS (
              SELECT 1, 0::numeric
              UNION ALL
              SELECT n + 1, total + (SELECT amount FROM orders WHERE id = n) FROM walk WHERE n < 2000)
            SELECT max(total) FROM walk`,
  },
  {
    name: 'pg18-initplan',
    server: 18,
    covers: 'an InitPlan used by a Filter (PostgreSQL 16+ names it InitPlan 1 in the condition)',
    options: FULL,
    query: `SELECT id, amount FROM orders WHERE amount > (SELECT avg(amount) * 1.99 FROM orders)`,
  },
  {
    name: 'pg18-initplans-result',
    server: 18,
    covers: 'InitPlans under a Result node (their time counts as the Result’s children)',
    options: FULL,
    query: `SELECT (SELECT count(*) FROM orders WHERE status = 'new') AS new_orders,
                   (SELECT max(id) FROM customers) AS last_customer,
                   (SELECT min(ordered_on) FROM orders) AS first_day`,
  },
  {
    name: 'pg18-subplan-correlated',
    server: 18,
    covers: 'a correlated SubPlan executed once per outer row (1,000 times)',
    options: FULL,
    query: `SELECT c.id, (SELECT max(o.amount) FROM orders o WHERE o.customer_id = c.id) AS top
            FROM customers c WHERE c.region = 3`,
    quick: true,
  },
  {
    name: 'pg18-subplan-hashed',
    server: 18,
    covers: 'a hashed SubPlan (NOT IN) in a Filter',
    options: FULL,
    query: `SELECT count(*) FROM orders WHERE customer_id NOT IN (SELECT id FROM customers WHERE region = 1)`,
  },
  {
    name: 'pg18-nested-loop-many-loops',
    server: 18,
    covers: 'a Nested Loop whose inner Index Scan runs 1,000 times',
    settings: { enable_hashjoin: 'off', enable_mergejoin: 'off', enable_memoize: 'off' },
    options: FULL,
    query: `SELECT count(*), sum(o.amount) FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.region = 7`,
    quick: true,
  },
  {
    name: 'pg18-memoize',
    server: 18,
    covers: 'a Nested Loop with Memoize over an Index Scan',
    settings: { enable_hashjoin: 'off', enable_mergejoin: 'off' },
    options: FULL,
    query: `SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id < 20000`,
  },
  {
    name: 'pg18-merge-join',
    server: 18,
    covers: 'a Merge Join over two sorts',
    settings: { enable_hashjoin: 'off', enable_nestloop: 'off' },
    options: FULL,
    query: `SELECT c.region, count(*) FROM customers c JOIN orders o ON o.customer_id = c.id
            WHERE o.ordered_on < date '2024-03-01' GROUP BY c.region`,
  },
  {
    name: 'pg18-sort-disk',
    server: 18,
    covers: 'a Sort that spills to disk (external merge, work_mem 64kB) with track_io_timing: temp I/O times',
    settings: { work_mem: '64kB', track_io_timing: 'on' },
    options: FULL,
    query: `SELECT id, status, amount FROM orders ORDER BY status, amount DESC, id`,
    quick: true,
  },
  {
    name: 'pg18-hash-batches',
    server: 18,
    covers: 'a Hash Join whose Hash needs several batches (work_mem 64kB)',
    settings: { work_mem: '64kB', enable_mergejoin: 'off', enable_nestloop: 'off' },
    options: FULL,
    query: `SELECT c.region, count(*) FROM orders o JOIN customers c ON c.id = o.customer_id GROUP BY c.region`,
  },
  {
    name: 'pg18-hashagg-disk',
    server: 18,
    covers: 'a HashAggregate that spills (batches, disk usage)',
    settings: {
      work_mem: '64kB',
      enable_sort: 'off',
      enable_indexscan: 'off',
      enable_indexonlyscan: 'off',
      max_parallel_workers_per_gather: '0',
    },
    options: FULL,
    query: `SELECT customer_id, count(*), sum(amount) FROM orders GROUP BY customer_id`,
  },
  {
    name: 'pg18-bitmap-lossy',
    server: 18,
    covers: 'a Bitmap Heap Scan with lossy blocks and rows removed by the index recheck (work_mem 64kB)',
    settings: { work_mem: '64kB', enable_seqscan: 'off', enable_indexscan: 'off' },
    options: FULL,
    query: `SELECT count(*) FROM orders WHERE customer_id BETWEEN 1000 AND 9000`,
  },
  {
    name: 'pg18-index-only-heap-fetches',
    server: 18,
    covers: 'an Index Only Scan with heap fetches (the table was never vacuumed)',
    settings: { enable_seqscan: 'off', enable_bitmapscan: 'off' },
    options: FULL,
    query: `SELECT count(*) FROM orders WHERE status = 'paid' AND amount < 200`,
  },
  {
    name: 'pg18-append-partitions',
    server: 18,
    covers: 'Append over partitions, pruned at planning',
    options: FULL,
    query: `SELECT kind, count(*) FROM events WHERE happened_on >= date '2024-05-15' GROUP BY kind`,
  },
  {
    name: 'pg18-append-runtime-pruning',
    server: 18,
    covers: 'Append whose partitions are pruned at run time by an InitPlan value (never executed subplans)',
    options: FULL,
    query: `SELECT count(*) FROM events WHERE happened_on = (SELECT max(ordered_on) FROM orders WHERE id < 10)`,
  },
  {
    name: 'pg18-never-executed',
    server: 18,
    covers: 'a join whose inner side never runs (the outer side is empty)',
    settings: { enable_hashjoin: 'off', enable_mergejoin: 'off' },
    options: FULL,
    query: `SELECT * FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.region = 99`,
  },
  {
    name: 'pg18-window',
    server: 18,
    covers: 'a WindowAgg over an incremental sort',
    options: FULL,
    query: `SELECT id, rank() OVER (PARTITION BY customer_id ORDER BY amount DESC) FROM orders
            WHERE customer_id < 200`,
  },
  {
    name: 'pg18-update-triggers',
    server: 18,
    covers: 'UPDATE (rolled back) firing a BEFORE trigger and the foreign-key check trigger; WAL',
    options: `${FULL}, WAL`,
    query: `UPDATE orders SET customer_id = 1 + customer_id % 100, status = 'paid' WHERE id <= 2000`,
    quick: true,
  },
  {
    name: 'pg18-insert-verbose-wal',
    server: 18,
    covers: 'INSERT … SELECT (rolled back) with VERBOSE and WAL',
    options: `${FULL}, VERBOSE, WAL`,
    query: `INSERT INTO customers (id, name, region, created_at)
            SELECT 100000 + g, 'new ' || g, g % 5, now() FROM generate_series(1, 500) g`,
  },
  {
    name: 'pg18-io-timing',
    server: 18,
    covers: 'track_io_timing with shared reads (the table evicted from shared buffers first)',
    settings: { track_io_timing: 'on', max_parallel_workers_per_gather: '0' },
    session: [
      'CREATE EXTENSION IF NOT EXISTS pg_buffercache',
      `SELECT pg_buffercache_evict_relation('orders')`,
    ],
    options: FULL,
    query: `SELECT status, count(*) FROM orders WHERE ordered_on >= date '2024-06-01' GROUP BY status`,
  },
  {
    name: 'pg18-local-buffers',
    server: 18,
    covers: 'a temporary table read through small local buffers (temp_buffers 800kB): local hits and reads',
    settings: { track_io_timing: 'on' },
    session: [
      `SET temp_buffers = '800kB'`,
      'CREATE TEMP TABLE scratch AS SELECT * FROM orders WHERE id <= 50000',
      'ANALYZE scratch',
    ],
    options: FULL,
    query: `SELECT status, sum(amount) FROM scratch GROUP BY status`,
  },
  {
    name: 'pg18-timing-off',
    server: 18,
    covers: 'ANALYZE with TIMING OFF (rows and loops, no times), parallel',
    settings: PARALLEL,
    options: 'ANALYZE, TIMING OFF, BUFFERS',
    query: `SELECT status, count(*) FROM orders GROUP BY status`,
  },
  {
    name: 'pg18-no-analyze',
    server: 18,
    covers: 'plain EXPLAIN (costs only), with a CTE and an InitPlan',
    options: 'SETTINGS',
    query: `WITH totals AS MATERIALIZED (SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id)
            SELECT c.name FROM customers c JOIN totals t ON t.customer_id = c.id
            WHERE t.total > (SELECT avg(total) FROM totals)`,
  },
  {
    name: 'pg18-no-analyze-verbose',
    server: 18,
    covers: 'EXPLAIN VERBOSE without ANALYZE, parallel',
    settings: PARALLEL,
    options: 'VERBOSE',
    query: `SELECT c.region, count(*) FROM orders o JOIN customers c ON c.id = o.customer_id GROUP BY c.region`,
  },
  {
    name: 'pg18-union-2000-nodes',
    server: 18,
    covers: 'a 2,001-node plan: Append of 400 Index Scans, each with its own InitPlan and correlated SubPlan',
    settings: { enable_bitmapscan: 'off' },
    options: FULL,
    query: bigUnionQuery(400),
    gzip: true,
  },
  {
    name: 'pg15-jit',
    server: 15,
    covers: 'JIT with inlining, optimization and emission (jit_above_cost 0), parallel workers with JIT',
    settings: {
      ...PARALLEL,
      jit: 'on',
      jit_above_cost: '0',
      jit_inline_above_cost: '0',
      jit_optimize_above_cost: '0',
    },
    options: FULL,
    query: `SELECT status, count(*), sum(amount * 2) FROM orders WHERE ordered_on > date '2024-02-01' GROUP BY status`,
    quick: true,
  },
  {
    name: 'pg15-initplan-returns',
    server: 15,
    covers: 'InitPlans in the PostgreSQL ≤ 15 form, "InitPlan 1 (returns $0)", used as $0 and $1 in Filters',
    options: FULL,
    query: `SELECT id FROM orders
            WHERE amount > (SELECT avg(amount) * 1.9 FROM orders)
              AND customer_id < (SELECT max(id) / 2 FROM customers)`,
    quick: true,
  },
  {
    name: 'pg15-cte-initplan',
    server: 15,
    covers: 'a CTE scanned in the main query and in an InitPlan, PostgreSQL 15 naming',
    options: FULL,
    query: `WITH totals AS MATERIALIZED (
              SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id)
            SELECT count(*) FROM totals WHERE total > (SELECT avg(total) FROM totals)`,
  },
];

/** Loads the data set (on an empty database). */
/** The statement psql-*.txt show (psql's own formatting of EXPLAIN's output; see PSQL_FORMATS). */
export const PSQL_QUERY = `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)
SELECT c.region, count(*) FROM customers c WHERE c.id < (SELECT max(id) / 100 FROM customers) GROUP BY c.region`;

/** psql's output formats kept as fixtures: file suffix → psql arguments. */
export const PSQL_FORMATS: Readonly<Record<string, readonly string[]>> = {
  aligned: [],
  expanded: ['--expanded'],
  unaligned: ['--no-align'],
  border2: ['--pset=border=2'],
  csv: ['--csv'],
};

export async function loadDataSet(url: string): Promise<void> {
  const connection = await Connection.open(url);
  try {
    await connection.query(DATA_SET);
  } finally {
    await connection.close();
  }
}

/** Runs one scenario on a fresh session and returns EXPLAIN's output exactly as the server printed it. */
export async function capturePlan(url: string, scenario: PlanScenario): Promise<string> {
  const connection = await Connection.open(url);
  try {
    for (const statement of scenario.session ?? []) await connection.query(statement);
    await connection.query('BEGIN');
    try {
      for (const [name, value] of Object.entries(scenario.settings ?? {})) {
        await connection.query('SELECT set_config($1, $2, true)', [name, value]);
      }
      const result = await connection.client.query<{ 'QUERY PLAN': string }>({
        text: `EXPLAIN (${scenario.options}, FORMAT JSON) ${scenario.query}`,
        // The json column as text, not parsed: the fixture keeps the server's bytes.
        types: { getTypeParser: () => (value: string) => value },
      });
      return result.rows[0]!['QUERY PLAN'];
    } finally {
      await connection.query('ROLLBACK');
    }
  } finally {
    await connection.close();
  }
}
