/**
 * `advise`: `pgwarden advise` on a generated shop database (5 tables, 340,000 rows) on the PostgreSQL service with
 * HypoPG, and a workload of 100 queries written as an application runs them (22 query shapes with different
 * constants, weights falling off as in a real top-N, some DML). Measured: time to advice end to end (a fresh
 * `pgwarden advise --format json` process), the what-if calls it made, and the quality of its set against
 * per-query advice as dexter gives it (each query's best single index when it halves the query's cost; the same
 * candidates and the same HypoPG costs, through the library's `strategy: 'per-query'`): the workload's planner cost
 * with each set, their sizes and write costs, with no budget and under a budget half the per-query set's size.
 * Postgres MCP Pro's published budget for its anytime search is 30 s for at most 10 queries (not measured here).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  type BenchOptions,
  distPath,
  fmtInt,
  fmtMs,
  type GoalLine,
  loadLib,
  log,
  mdTable,
  now,
  onCleanup,
  ROOT,
  type Stats,
  sharedTempDir,
  stats,
  yesNo,
} from './lib.js';

export const ADVISE_GOAL_MS = 60_000;
const ROUNDS = 3;

interface SetFigures {
  readonly indexes: number;
  readonly costBefore: number;
  readonly costAfter: number;
  readonly reduction: number;
  readonly sizeBytes: number;
  readonly writeCost: number;
  readonly whatIfCalls: number;
  readonly ms: number;
}

export interface AdviseBenchResult {
  readonly server: string;
  readonly queries: number;
  readonly candidates: number;
  readonly rows: number;
  readonly setupMs: number;
  /** The fresh-process runs of `pgwarden advise` (ms). */
  readonly cli: { readonly samples: number[]; readonly stats: Stats };
  readonly workload: SetFigures;
  readonly perQuery: SetFigures;
  readonly budgetBytes: number;
  readonly workloadBudget: SetFigures;
  readonly perQueryOverBudget: boolean;
  readonly loadBefore: number[];
  readonly loadAfter: number[];
  readonly met: boolean;
}

const SCHEMA = `
CREATE EXTENSION IF NOT EXISTS hypopg;
CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL, country text NOT NULL, status text NOT NULL,
  created_at timestamptz NOT NULL);
INSERT INTO customers SELECT g, 'user' || g || '@example.com', (ARRAY['fr','de','us','jp','br','in','ca','es'])[1 + g % 8],
  CASE WHEN g % 50 = 0 THEN 'blocked' ELSE 'active' END, '2024-01-01'::timestamptz + (g || ' minutes')::interval
FROM generate_series(1, 40000) g;
CREATE TABLE products (id int PRIMARY KEY, sku text NOT NULL, name text NOT NULL, category text NOT NULL,
  price numeric NOT NULL, stock int NOT NULL);
INSERT INTO products SELECT g, 'SKU-' || g, 'product ' || g, 'cat' || (g % 40), (g % 100) + 0.99, g % 300
FROM generate_series(1, 10000) g;
CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, status text NOT NULL,
  created_at timestamptz NOT NULL, total numeric NOT NULL, channel text NOT NULL);
INSERT INTO orders SELECT g, 1 + (g * 7919) % 40000,
  CASE WHEN g % 100 = 0 THEN 'pending' WHEN g % 10 = 0 THEN 'shipped' ELSE 'done' END,
  '2024-01-01'::timestamptz + (g || ' seconds')::interval * 30, (g % 500) + 0.5, (ARRAY['web','app','shop'])[1 + g % 3]
FROM generate_series(1, 120000) g;
CREATE TABLE order_items (id int PRIMARY KEY, order_id int NOT NULL REFERENCES orders, product_id int NOT NULL
  REFERENCES products, qty int NOT NULL, price numeric NOT NULL);
INSERT INTO order_items SELECT g, 1 + (g::bigint * 104729) % 120000, 1 + g % 10000, 1 + g % 4, (g % 100) + 0.99
FROM generate_series(1, 150000) g;
CREATE TABLE reviews (id int PRIMARY KEY, product_id int NOT NULL REFERENCES products, customer_id int NOT NULL,
  rating int NOT NULL, created_at timestamptz NOT NULL);
INSERT INTO reviews SELECT g, 1 + g % 10000, 1 + (g * 31) % 40000, 1 + g % 5,
  '2024-01-01'::timestamptz + (g || ' minutes')::interval FROM generate_series(1, 20000) g;
CREATE INDEX orders_created_at ON orders (created_at);
ANALYZE;
`;
const ROWS = 40_000 + 10_000 + 120_000 + 150_000 + 20_000;

/** A seeded generator: every run advises on the same workload. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const SHAPES: ((n: (max: number) => number) => string)[] = [
  (n) => `SELECT id, email FROM customers WHERE email = 'user${n(40000)}@example.com'`,
  (n) => `SELECT * FROM orders WHERE customer_id = ${n(40000)} ORDER BY created_at DESC LIMIT 20`,
  (n) => `SELECT id, total FROM orders WHERE customer_id = ${n(40000)} AND status = 'pending'`,
  (n) => `SELECT * FROM order_items WHERE order_id = ${n(120000)}`,
  (n) => `SELECT product_id, sum(qty) FROM order_items WHERE product_id = ${n(10000)} GROUP BY product_id`,
  (n) =>
    `SELECT o.id, o.total FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email = 'user${n(40000)}@example.com'`,
  (n) => `SELECT id FROM customers WHERE lower(email) = 'user${n(40000)}@example.com'`,
  (n) => `SELECT id, name FROM products WHERE sku = 'SKU-${n(10000)}'`,
  (n) => `SELECT * FROM products WHERE category = 'cat${n(40)}' ORDER BY price LIMIT 10`,
  (n) =>
    `SELECT * FROM customers WHERE country = 'jp' AND created_at > '2024-01-${10 + n(15)}' ORDER BY created_at LIMIT 50`,
  (n) => `SELECT * FROM orders WHERE customer_id IN (${n(40000)}, ${n(40000)}, ${n(40000)})`,
  (n) =>
    `SELECT o.*, oi.* FROM orders o JOIN order_items oi ON oi.order_id = o.id WHERE o.customer_id = ${n(40000)}`,
  (_n) => `SELECT * FROM customers WHERE status = 'blocked' ORDER BY created_at DESC LIMIT 10`,
  (n) => `SELECT * FROM order_items WHERE product_id = ${n(10000)} AND qty > 2`,
  (n) => `SELECT * FROM orders WHERE total > ${400 + n(99)} ORDER BY total DESC LIMIT 5`,
  (n) => `SELECT avg(rating) FROM reviews WHERE product_id = ${n(10000)}`,
  (n) => `SELECT * FROM reviews WHERE customer_id = ${n(40000)} ORDER BY created_at DESC LIMIT 5`,
  (n) => `SELECT count(*) FROM orders WHERE channel = 'shop' AND created_at > '2024-02-${10 + n(15)}'`,
  (n) => `SELECT id FROM products WHERE stock < ${1 + n(5)} AND category = 'cat${n(40)}'`,
  (n) => `SELECT max(created_at) FROM orders WHERE customer_id = ${n(40000)}`,
  (n) => `UPDATE orders SET status = 'shipped' WHERE id = ${n(120000)}`,
  (n) => `UPDATE products SET stock = stock - 1 WHERE id = ${n(10000)}`,
];

/** 100 queries: each shape with different constants, weights falling off with rank. */
export function adviseWorkload(count = 100): string {
  const rnd = random(18);
  const n = (max: number) => 1 + Math.floor(rnd() * max);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const shape = SHAPES[i % SHAPES.length]!;
    const weight = Math.max(1, Math.round(1000 / (1 + i) ** 1.2));
    lines.push(`-- weight: ${weight}`, `${shape(n)};`);
  }
  return `${lines.join('\n')}\n`;
}

function runCli(args: readonly string[]): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const start = now();
    const child = spawn(process.execPath, [distPath('bin/pgwarden.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '', NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`pgwarden advise exited with ${code}: ${stderr.slice(0, 2000)}`));
      else resolve({ ms: now() - start, stdout });
    });
  });
}

interface AdviseJson {
  readonly recommendations: readonly { readonly sizeBytes: number | null; readonly writeCost: number }[];
  readonly totals: {
    readonly costBefore: number;
    readonly costAfter: number;
    readonly reduction: number;
    readonly sizeBytes: number;
    readonly writeCost: number;
  };
  readonly search: { readonly candidates: number; readonly whatIfCalls: number; readonly ms: number };
}

function figures(data: AdviseJson): SetFigures {
  return {
    indexes: data.recommendations.length,
    costBefore: data.totals.costBefore,
    costAfter: data.totals.costAfter,
    reduction: data.totals.reduction,
    sizeBytes: data.totals.sizeBytes,
    writeCost: data.totals.writeCost,
    whatIfCalls: data.search.whatIfCalls,
    ms: data.search.ms,
  };
}

export async function runAdviseBench(options: BenchOptions): Promise<AdviseBenchResult> {
  const name = `pgwarden_bench_advise_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: options.pg15Url });
  await admin.connect();
  const server = (await admin.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!
    .v;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = options.pg15Url.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
  const drop = onCleanup(async () => {
    const c = new pg.Client({ connectionString: options.pg15Url });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });
  try {
    const setupStart = now();
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    await db.query(SCHEMA);
    // the load's inserts are not the application's write rate
    await db.query('SELECT pg_stat_force_next_flush()');
    await db.query('SELECT pg_stat_reset()');
    await db.end();
    const setupMs = now() - setupStart;
    const dir = sharedTempDir('advise');
    const file = join(dir.path, 'workload.sql');
    writeFileSync(file, adviseWorkload());
    log(`advise: database ${name} ready in ${fmtMs(setupMs)}; ${ROUNDS} runs of pgwarden advise`);

    const loadBefore = loadavg();
    const samples: number[] = [];
    let last: AdviseJson | undefined;
    for (let i = 0; i < ROUNDS; i++) {
      const { ms, stdout } = await runCli(['advise', '--db', url, '--workload', file, '--format', 'json']);
      samples.push(ms);
      last = JSON.parse(stdout) as AdviseJson;
    }
    const lib = await loadLib();
    const config = lib.loadConfig({});
    const perQuery = (await lib.adviseIndexes({ config, db: url, workload: file, strategy: 'per-query' }))
      .data!;
    const perQueryFigures = figures(perQuery as unknown as AdviseJson);
    const budgetBytes = Math.max(1, Math.floor(perQueryFigures.sizeBytes / 2));
    const budgeted = await runCli([
      'advise',
      '--db',
      url,
      '--workload',
      file,
      '--budget',
      String(budgetBytes),
      '--format',
      'json',
    ]);
    const loadAfter = loadavg();
    await dir.remove();
    const cli = { samples, stats: stats(samples) };
    return {
      server,
      queries: 100,
      candidates: last!.search.candidates,
      rows: ROWS,
      setupMs,
      cli,
      workload: figures(last!),
      perQuery: perQueryFigures,
      budgetBytes,
      workloadBudget: figures(JSON.parse(budgeted.stdout) as AdviseJson),
      perQueryOverBudget: perQueryFigures.sizeBytes > budgetBytes,
      loadBefore,
      loadAfter,
      met: cli.stats.median <= ADVISE_GOAL_MS,
    };
  } finally {
    await drop();
  }
}

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const fmtMiB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export function renderAdviseBench(r: AdviseBenchResult): string {
  const row = (label: string, f: SetFigures, budget: string) => [
    label,
    budget,
    String(f.indexes),
    fmtMiB(f.sizeBytes),
    `${fmtInt(Math.round(f.costBefore))} → ${fmtInt(Math.round(f.costAfter))}`,
    pct(f.reduction),
    fmtInt(Math.round(f.writeCost)),
    fmtInt(f.whatIfCalls),
  ];
  return [
    `A generated shop (5 tables, ${fmtInt(r.rows)} rows) on PostgreSQL ${r.server} with HypoPG, a workload of ${r.queries} queries (22 shapes, weighted; bench/advise.ts), ${r.candidates} candidates. Setup ${fmtMs(r.setupMs)}. Load average before ${r.loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${r.loadAfter.map((l) => l.toFixed(2)).join(' ')} (the machine is shared).`,
    '',
    mdTable(
      ['Time to advice (fresh process, end to end)', 'median', 'min', 'max', 'goal', 'met'],
      [
        [
          `pgwarden advise, ${r.queries} queries`,
          fmtMs(r.cli.stats.median),
          fmtMs(r.cli.stats.min),
          fmtMs(r.cli.stats.max),
          `≤ ${fmtMs(ADVISE_GOAL_MS)}`,
          yesNo(r.met),
        ],
      ],
    ),
    '',
    'Postgres MCP Pro, as published: an anytime search with a 30 s budget for at most 10 queries.',
    '',
    mdTable(
      [
        'Index set',
        'budget',
        'indexes',
        'size',
        'workload planner cost',
        'reduction',
        'write cost',
        'what-if plans',
      ],
      [
        row('pgwarden advise (workload, greedy)', r.workload, 'none'),
        row('per-query, dexter-style (best single index per query, ≥ 50% saving)', r.perQuery, 'none'),
        row('pgwarden advise --budget', r.workloadBudget, fmtMiB(r.budgetBytes)),
      ],
    ),
    '',
    `Under a budget of half the per-query set's size, the workload advisor keeps ${pct(r.workloadBudget.reduction)} of the cost reduction; the per-query set ${r.perQueryOverBudget ? 'does not fit that budget (dexter has none)' : 'fits it'}.`,
  ].join('\n');
}

export function adviseGoals(r: AdviseBenchResult): GoalLine[] {
  return [
    {
      benchmark: 'advise',
      goal: `100-query workload advised ≤ ${fmtMs(ADVISE_GOAL_MS)}`,
      result: `${fmtMs(r.cli.stats.median)}, ${fmtInt(r.workload.whatIfCalls)} what-if plans; cost −${pct(r.workload.reduction)} vs −${pct(r.perQuery.reduction)} per-query`,
      met: r.met,
      peer: `reduction ${pct(r.workload.reduction)} / ${pct(r.perQuery.reduction)} (dexter-style)`,
    },
  ];
}
