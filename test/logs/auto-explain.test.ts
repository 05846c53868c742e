/**
 * auto_explain's plans in the server log go through the plan analyser: a cluster of the test's own with
 * shared_preload_libraries = auto_explain and auto_explain.log_min_duration = 0 logs a scan that wants an index, in
 * text format and (in another session) in JSON; `pgwarden logs` must report plan/missing-index for both, naming the
 * statement. Its fix is then run on the server, the statements again: their new plans give no finding.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { analyzeLogs } from '../../src/ops/logs.js';
import { clusterBinariesExist, startTestCluster, type TestCluster } from '../helpers/cluster.js';

let cluster: TestCluster;
const LOG = () => join(cluster.dataDir, 'log');

async function session(work: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port: cluster.port,
    user: 'postgres',
    database: 'postgres',
  });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** The scans: one plan logged in text, one in JSON (the session sets auto_explain.log_format). */
async function workload(): Promise<void> {
  await session(async (c) => {
    await c.query('SELECT id, total FROM orders WHERE customer_id = 7 ORDER BY id');
  });
  await session(async (c) => {
    await c.query('SET auto_explain.log_format = json');
    await c.query('SELECT count(*) FROM orders WHERE total = 13');
  });
}

async function analyzed(format: 'stderr' | 'jsonlog', since?: string) {
  const file = join(LOG(), format === 'jsonlog' ? 'pg.json' : 'pg.log');
  return analyzeLogs({ paths: [file], since, top: 100 });
}

function planFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.rule.startsWith('plan/'));
}

describe.skipIf(!clusterBinariesExist())('auto_explain plans in the log', () => {
  beforeAll(async () => {
    cluster = await startTestCluster({
      settings: {
        logging_collector: true,
        log_destination: 'stderr,jsonlog',
        log_filename: 'pg.log',
        log_line_prefix: '%m [%p] %q%u@%d ',
        log_min_duration_statement: 0,
        lc_messages: 'C',
        shared_preload_libraries: 'auto_explain',
        'auto_explain.log_min_duration': 0,
        'auto_explain.log_analyze': true,
        'auto_explain.log_buffers': true,
      },
    });
    await session(async (c) => {
      await c.query(`CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, total numeric NOT NULL);
        INSERT INTO orders SELECT g, 1 + g % 2000, g % 97 FROM generate_series(1, 60000) g;
        ANALYZE orders`);
    });
    await workload();
  }, 180_000);

  afterAll(async () => {
    await cluster?.destroy();
  });

  it('reports plan/* findings on the logged plans, text and JSON, with the statement', async () => {
    for (const format of ['stderr', 'jsonlog'] as const) {
      const report = await analyzed(format);
      const data = report.data!;
      expect(data.plans.count, format).toBeGreaterThanOrEqual(3);
      const kept = new Map(data.plans.kept.map((p) => [p.query, p.format]));
      expect(kept.get('SELECT id, total FROM orders WHERE customer_id = 7 ORDER BY id'), format).toBe('text');
      expect(kept.get('SELECT count(*) FROM orders WHERE total = 13'), format).toBe('json');
      const missing = planFindings(report.findings).filter((f) => f.rule === 'plan/missing-index');
      const byQuery = new Map(missing.map((f) => [f.evidence?.query, f]));
      const text = byQuery.get('SELECT id, total FROM orders WHERE customer_id = 7 ORDER BY id');
      const json = byQuery.get('SELECT count(*) FROM orders WHERE total = 13');
      expect(text?.message, format).toMatch(
        /Seq Scan on orders .*customer_id = 7.* \(auto_explain plan of SELECT id, total FROM orders WHERE customer_id = 7 ORDER BY id, [\d.]+ ms at /,
      );
      expect(json?.message, format).toMatch(
        /auto_explain plan of SELECT count\(\*\) FROM orders WHERE total = 13/,
      );
      // no database was opened: no hint to give --db, which logs has not
      expect(text?.message).not.toMatch(/--db|hypopg/);
      // the statements are counted once, from their own duration lines, not again from their plans
      const counted = data.topQueries.find((q) => q.normalized.startsWith('SELECT id, total FROM orders'));
      expect(counted?.calls).toBe(1);
    }
  });

  it('the fixes run, and the statements planned again give no finding', async () => {
    const report = await analyzed('jsonlog');
    const fixes = planFindings(report.findings)
      .filter((f) => f.rule === 'plan/missing-index')
      .map((f) => f.fix!);
    expect(fixes.length).toBe(2);
    for (const fix of fixes) await session(async (c) => void (await c.query(fix)));
    await session(async (c) => void (await c.query('ANALYZE orders')));
    // from now: the plans logged before the fixes may be less than a second old (a fast machine runs the fixes and
    // ANALYZE in well under one), and --since must leave them out
    const before = new Date().toISOString();
    await workload();
    // the collector writes what the server sent: wait for the last statement's line
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const text = readFileSync(join(LOG(), 'pg.json'), 'utf8');
      if ((text.match(/WHERE total = 13/g) ?? []).length >= 4) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const after = await analyzed('jsonlog', before);
    expect(after.data!.plans.count).toBeGreaterThanOrEqual(2);
    expect(planFindings(after.findings).filter((f) => f.rule === 'plan/missing-index')).toEqual([]);
  });
});
