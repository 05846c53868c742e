import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadedConfig, parseConfig } from '../../src/core/config.js';
import { Connection } from '../../src/db/connection.js';
import { adviseIndexes } from '../../src/ops/advise.js';
import { buildQuerySchema } from '../../src/query/schema.js';
import { readSchema, schemaModelFromReading } from '../../src/schema/load.js';
import { loadParser } from '../../src/sql/parser.js';
import { generateCandidates } from '../../src/workload/candidates.js';
import { workloadFromSql } from '../../src/workload/file.js';
import type { IndexCandidate } from '../../src/workload/model.js';
import { selectIndexes } from '../../src/workload/select.js';
import { constantSelectivity } from '../../src/workload/selectivity.js';
import { WhatIf } from '../../src/workload/whatif.js';
import { tableWrites, writeCost } from '../../src/workload/writes.js';
import { cliPath, runCli } from '../helpers/cli.js';
import { createTestDatabase, pg15ServiceUrl, type TestDatabase } from '../helpers/db.js';
import { sharedTempDir } from '../helpers/tmp.js';
import { SHOP_SCHEMA, SHOP_WORKLOAD } from './fixture.js';

const run = promisify(execFile);
const pg15 = pg15ServiceUrl();
const config: LoadedConfig = { config: parseConfig({}, 'test'), path: null, dir: process.cwd() };

/** Statistics since the data was loaded: the load's inserts are not the application's write rate. */
async function resetStatistics(db: TestDatabase): Promise<void> {
  await db.exec('SELECT pg_stat_force_next_flush()');
  await db.exec('SELECT 1');
  await db.exec('SELECT pg_stat_reset()');
}

describe.skipIf(!pg15)('pgwarden advise on PostgreSQL 15 with HypoPG', () => {
  let shop: TestDatabase;

  beforeAll(async () => {
    await loadParser();
    shop = await createTestDatabase(pg15!);
    await shop.exec(SHOP_SCHEMA);
    await shop.exec('CREATE EXTENSION hypopg');
    await resetStatistics(shop);
  }, 120_000);

  afterAll(async () => {
    await shop?.drop();
  });

  it('advises a set for a 36-query workload: per-query costs before and after, sizes, no duplicate of an existing index', async () => {
    const report = await adviseIndexes({ config, db: shop.url, workloadSql: SHOP_WORKLOAD });
    const data = report.data!;
    expect(report.command).toBe('advise');
    expect(data.method).toBe('what-if');
    expect(data.workload.queries).toBe(36);
    expect(data.search.whatIfCalls).toBeGreaterThan(0);
    expect(data.totals.reduction!).toBeGreaterThan(0.5);
    expect(data.totals.costAfter!).toBeLessThan(data.totals.costBefore!);

    const definitions = data.recommendations.map((r) => r.definition);
    // the lookups the workload weighs most
    expect(definitions).toContain('public.customers (email)');
    expect(definitions).toContain('public.order_items (order_id)');
    expect(definitions.some((d) => d.startsWith('public.orders (customer_id'))).toBe(true);
    // an expression index for lower(email), a partial one for the rare status
    expect(definitions).toContain('public.customers ((lower(email)))');
    expect(
      definitions.some((d) => /^public\.customers \(created_at DESC\) WHERE status = 'blocked'$/.test(d)),
    ).toBe(true);
    // never an index that exists: the primary keys and orders (created_at)
    for (const d of definitions) {
      expect(d).not.toMatch(/^public\.\w+ \(id\)$/);
      expect(d).not.toBe('public.orders (created_at)');
    }
    for (const r of data.recommendations) {
      expect(r.sizeBytes).toBeGreaterThan(0);
      expect(
        r.usedBy.length,
        JSON.stringify(data.recommendations.map((x) => [x.definition, x.usedBy])),
      ).toBeGreaterThan(0);
      expect(r.statements[0]).toMatch(/^CREATE INDEX CONCURRENTLY /);
    }
    // per query: the costs the planner gave, lower where an advised index serves it
    const q1 = data.queries.find((q) => q.id === 'q1')!;
    expect(q1.costAfter!).toBeLessThan(q1.costBefore! / 10);
    expect(data.queries.find((q) => q.kind === 'insert')?.costBefore).toBeNull();
    // GIN candidates are listed, never costed
    expect(data.unvalidated.map((u) => u.definition)).toEqual([
      'public.products USING gin (name gin_trgm_ops)',
      'public.products USING gin (attrs jsonb_path_ops)',
    ]);
    expect(data.script).toMatch(/SET lock_timeout = '5s';\nSET statement_timeout = '2h';/);
    // the session's hypothetical indexes are gone, and nothing was built
    const connection = await shop.connect();
    const { rows } = await connection.query(
      "SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'idx_%'",
    );
    expect(rows[0]).toEqual({ n: 0 });
  }, 120_000);

  it('reaches a workload cost within 5% of the best set an exhaustive search finds under the same budget', async () => {
    const workload = workloadFromSql(
      `-- weight: 50
SELECT id, email FROM customers WHERE email = 'user42@example.com';
-- weight: 30
SELECT * FROM orders WHERE customer_id = 42 ORDER BY created_at DESC LIMIT 20;
-- weight: 12
SELECT * FROM order_items WHERE order_id = 1234;
-- weight: 5
SELECT id FROM customers WHERE lower(email) = 'user77@example.com';
-- weight: 8
SELECT id, name FROM products WHERE sku = 'SKU-4000';
-- weight: 4
SELECT * FROM orders WHERE customer_id IN (1, 2, 3);
`,
      'small.sql',
    );
    const connection = await shop.connect();
    const reading = await readSchema(connection, 'live', config.config, {
      columnStats: true,
      searchPath: true,
    });
    const model = schemaModelFromReading(reading, 'live', config.config);
    const schema = buildQuerySchema(model, reading.searchPath ?? ['public']);
    const set = generateCandidates(workload.queries, schema, {
      pgMajor: 15,
      selectivity: constantSelectivity(model),
    });
    const writes = tableWrites(model.snapshot.tables, workload.queries, set.shapes);
    const costOfWrites = (c: IndexCandidate) => writeCost(c, writes.get(c.table), 4);
    const budget = 4 * 1024 * 1024;

    const { greedy, best, subsets } = await connection.readOnly(
      async (c: Connection) => {
        const whatIf = new WhatIf(c, workload.queries, set.shapes, { hypopgSchema: 'public', pgMajor: 15 });
        await whatIf.start();
        expect(await whatIf.measure(set.candidates)).toEqual([]);
        const candidates = set.candidates.filter((x) => x.costable);
        const selection = await selectIndexes(whatIf, workload.queries, candidates, {
          budgetBytes: budget,
          writeCost: costOfWrites,
        });
        const total = async (chosen: readonly IndexCandidate[]) =>
          (await whatIf.workloadCost(workload.queries, chosen)) +
          chosen.reduce((sum, x) => sum + costOfWrites(x), 0);
        // every subset of the candidates that fits the budget
        let bestTotal = Number.POSITIVE_INFINITY;
        let count = 0;
        const visit = async (from: number, chosen: IndexCandidate[], bytes: number): Promise<void> => {
          count++;
          bestTotal = Math.min(bestTotal, await total(chosen));
          for (let i = from; i < candidates.length; i++) {
            const size = whatIf.size(candidates[i]!);
            if (bytes + size <= budget) await visit(i + 1, [...chosen, candidates[i]!], bytes + size);
          }
        };
        await visit(0, [], 0);
        await whatIf.reset();
        return { greedy: selection.queryCost + selection.writeCost, best: bestTotal, subsets: count };
      },
      { consistentSnapshot: false, statementTimeoutMs: 30_000 },
    );
    expect(set.candidates.length).toBeGreaterThanOrEqual(8);
    expect(subsets).toBeGreaterThan(50);
    expect(greedy).toBeLessThanOrEqual(best * 1.05);
  }, 120_000);

  it('builds the script with psql; afterwards nothing it built is recommended again', async () => {
    const report = await adviseIndexes({ config, db: shop.url, workloadSql: SHOP_WORKLOAD, budget: '6MB' });
    const data = report.data!;
    expect(data.totals.sizeBytes!).toBeLessThanOrEqual(6 * 1024 * 1024);
    const file = join(sharedTempDir('advise-script'), 'indexes.sql');
    writeFileSync(file, data.script!);
    await run('psql', ['-v', 'ON_ERROR_STOP=1', '-X', '-q', '-f', file, shop.url]);
    const connection = await shop.connect();
    const { rows } = await connection.query<{ indexname: string; valid: boolean }>(
      `SELECT i.indexname, x.indisvalid AS valid FROM pg_indexes i
       JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid
       WHERE i.schemaname = 'public' AND i.indexname LIKE 'idx_%'`,
    );
    expect(rows.length).toBe(data.recommendations.length);
    expect(rows.every((r) => r.valid)).toBe(true);

    const again = (await adviseIndexes({ config, db: shop.url, workloadSql: SHOP_WORKLOAD, budget: '6MB' }))
      .data!;
    for (const r of again.recommendations)
      expect(data.recommendations.map((d) => d.definition)).not.toContain(r.definition);
    expect(again.totals.costBefore!).toBeLessThan(data.totals.costBefore!);
  }, 120_000);
});

describe.skipIf(!pg15)('write cost', () => {
  let db: TestDatabase;
  const table = (name: string) => `
CREATE TABLE ${name} (id int PRIMARY KEY, account int NOT NULL, amount int NOT NULL, kind text NOT NULL, at int NOT NULL);
INSERT INTO ${name} SELECT g, g % 2000, g % 997, 'k' || (g % 50), g FROM generate_series(1, 30000) g;`;
  const workload = (name: string) => `
-- weight: 20
SELECT * FROM ${name} WHERE account = 42;
-- weight: 5
SELECT * FROM ${name} WHERE amount BETWEEN 10 AND 12;
-- weight: 5
SELECT * FROM ${name} WHERE kind = 'k7' ORDER BY at DESC LIMIT 10;
UPDATE ${name} SET amount = amount + 1 WHERE id = 5;`;

  beforeAll(async () => {
    await loadParser();
    db = await createTestDatabase(pg15!);
    await db.exec(`${table('ledger_read')}${table('ledger_write')} ANALYZE; CREATE EXTENSION hypopg;`);
    await resetStatistics(db);
    // the application: ledger_write takes many writes per read, ledger_read is only read
    for (let i = 0; i < 20; i++) {
      await db.exec('UPDATE ledger_write SET amount = amount + 1 WHERE id % 10 = 0');
      await db.exec('SELECT count(*) FROM ledger_write WHERE id = 1');
      await db.exec('SELECT count(*) FROM ledger_read WHERE id = 1');
    }
    await db.exec(
      `INSERT INTO ledger_write SELECT g, g % 2000, g % 997, 'k1', g FROM generate_series(30001, 90000) g`,
    );
    await db.exec('SELECT pg_stat_force_next_flush()');
    await db.exec('SELECT 1');
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
  });

  it('gives a write-heavy table fewer indexes than the same table only read', async () => {
    const report = await adviseIndexes({
      config,
      db: db.url,
      workloadSql: `${workload('ledger_read')}\n${workload('ledger_write')}`,
    });
    const data = report.data!;
    const on = (t: string) => data.recommendations.filter((r) => r.table === `public.${t}`);
    expect(on('ledger_read').length).toBeGreaterThanOrEqual(2);
    expect(on('ledger_write').length).toBeLessThan(on('ledger_read').length);
    const written = data.writes.find((w) => w.table === 'public.ledger_write')!;
    expect(written.from).toBe('statistics');
    expect(written.updatedColumns).toEqual(['amount']);
    expect(data.writes.find((w) => w.table === 'public.ledger_read')!.inserts).toBe(0);
  }, 120_000);
});

describe.skipIf(!pg15)('without HypoPG', () => {
  it('says how to get it, falls back to unproven heuristics and never creates the extension', async () => {
    const db = await createTestDatabase(pg15!);
    try {
      await db.exec(
        "CREATE TABLE t (id int PRIMARY KEY, a int, b text); INSERT INTO t SELECT g, g % 100, 'x' FROM generate_series(1, 1000) g; ANALYZE t;",
      );
      const report = await adviseIndexes({
        config,
        db: db.url,
        workloadSql: 'SELECT * FROM t WHERE a = 5 ORDER BY b LIMIT 3;',
      });
      const data = report.data!;
      expect(data.method).toBe('heuristic');
      expect(data.hypopg).toBe('not-installed');
      expect(data.hypopgHint).toContain('apt install postgresql-15-hypopg');
      expect(data.hypopgHint).toContain('CREATE EXTENSION hypopg');
      expect(data.recommendations.map((r) => r.definition)).toEqual(['public.t (a, b)']);
      expect(data.recommendations[0]!.sizeBytes).toBeNull();
      expect(data.script).toContain('UNPROVEN');
      const connection = await db.connect();
      const { rows } = await connection.query(
        "SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'hypopg'",
      );
      expect(rows[0]).toEqual({ n: 0 });

      // asked for, it is created, and the advice is costed
      const created = (
        await adviseIndexes({
          config,
          db: db.url,
          workloadSql: 'SELECT * FROM t WHERE a = 5 ORDER BY b LIMIT 3;',
          createExtension: true,
        })
      ).data!;
      expect(created.hypopg).toBe('created');
      expect(created.method).toBe('what-if');
    } finally {
      await db.drop();
    }
  }, 120_000);
});

describe.skipIf(!pg15)('findings', () => {
  it('reports each advised index with its CREATE INDEX CONCURRENTLY, and an existing index it makes redundant', async () => {
    const db = await createTestDatabase(pg15!);
    try {
      await db.exec(`CREATE EXTENSION hypopg;
CREATE TABLE events (id int PRIMARY KEY, account int NOT NULL, at int NOT NULL, kind text NOT NULL);
INSERT INTO events SELECT g, g % 3000, g, 'k' || (g % 9) FROM generate_series(1, 60000) g;
CREATE INDEX events_account ON events (account);
CREATE UNIQUE INDEX events_account_at ON events (account, at DESC) WHERE kind = 'none';
ANALYZE events;`);
      const report = await adviseIndexes({
        config,
        db: db.url,
        workloadSql: '-- weight: 100\nSELECT * FROM events WHERE account = 42 ORDER BY at DESC LIMIT 5;',
      });
      const data = report.data!;
      expect(data.recommendations.map((r) => r.definition)).toEqual(['public.events (account, at DESC)']);
      expect(data.proven).toBeNull();
      const missing = report.findings.filter((f) => f.rule === 'advise/missing-index');
      expect(missing).toHaveLength(1);
      expect(missing[0]!.severity).toBe('warning');
      expect(missing[0]!.fix).toBe(data.recommendations[0]!.statements[0]);
      const redundant = report.findings.filter((f) => f.rule === 'advise/redundant-index');
      expect(redundant.map((f) => 'object' in f.location && f.location.object)).toEqual([
        'public.events_account',
      ]);
      expect(redundant[0]!.fix).toMatch(/\nDROP INDEX CONCURRENTLY public\.events_account;$/);
      expect(data.script).toContain('DROP INDEX CONCURRENTLY public.events_account;');

      // the finding's fix runs, and afterwards neither finding comes back
      const file = join(sharedTempDir('advise-fix'), 'fix.sql');
      writeFileSync(file, `${redundant[0]!.fix}\n`);
      await run('psql', ['-v', 'ON_ERROR_STOP=1', '-X', '-q', '-f', file, db.url]);
      const after = await adviseIndexes({
        config,
        db: db.url,
        workloadSql: '-- weight: 100\nSELECT * FROM events WHERE account = 42 ORDER BY at DESC LIMIT 5;',
      });
      expect(after.findings).toEqual([]);
      expect(after.data!.recommendations).toEqual([]);
    } finally {
      await db.drop();
    }
  }, 120_000);

  it('--prove builds the advice on a scratch copy and measures the queries before and after', async () => {
    const db = await createTestDatabase(pg15!);
    try {
      // a session of its own, closed before the copy: CREATE DATABASE … TEMPLATE needs the database to itself
      const setup = await Connection.open(db.url);
      await setup.query(`CREATE EXTENSION hypopg;
CREATE TABLE events (id int PRIMARY KEY, account int NOT NULL, at int NOT NULL);
INSERT INTO events SELECT g, g % 3000, g FROM generate_series(1, 200000) g;
ANALYZE events;`);
      await setup.close();
      const report = await adviseIndexes({
        config,
        db: db.url,
        workloadSql:
          '-- weight: 100\nSELECT * FROM events WHERE account = 42;\nSELECT * FROM events WHERE account = $1;\nWITH gone AS (DELETE FROM events WHERE account = 7 RETURNING id) SELECT count(*) FROM gone;',
        prove: true,
      });
      const proven = report.data!.proven!;
      expect(proven.notProven).toBeNull();
      expect(proven.indexes).toHaveLength(1);
      expect(proven.indexes[0]!.statement).toMatch(
        /^CREATE INDEX CONCURRENTLY \S+ ON public\.events \(account\);$/,
      );
      expect(proven.indexes[0]!.sizeBytes).toBeGreaterThan(0);
      const [literal, parameterized, writing] = proven.queries;
      expect(literal!.afterMs!).toBeLessThan(literal!.beforeMs!);
      expect(parameterized!.note).toMatch(/parameters/);
      // a SELECT that writes is run in a READ ONLY transaction, which refuses it: not measured
      expect(writing!.note).toMatch(/writes .*: not run/);
      // the database itself has no new index
      const c = await db.connect();
      const { rows } = await c.query("SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'events'");
      expect(rows[0]).toEqual({ n: 1 });
    } finally {
      await db.drop();
    }
  }, 120_000);
});

describe.skipIf(!pg15)('pgwarden advise (CLI)', () => {
  it('prints the JSON envelope; a bad budget is one line and exit 2; the MCP tool gives the same advice', async () => {
    const db = await createTestDatabase(pg15!);
    try {
      await db.exec(
        "CREATE EXTENSION hypopg; CREATE TABLE t (id int PRIMARY KEY, a int, b text); INSERT INTO t SELECT g, g % 1000, 'x' FROM generate_series(1, 20000) g; ANALYZE t;",
      );
      const file = join(sharedTempDir('advise-cli'), 'workload.sql');
      await resetStatistics(db);
      writeFileSync(file, '-- weight: 10\nSELECT b FROM t WHERE a = 5;\n');
      const json = await runCli(['advise', '--db', db.url, '--workload', file, '--format', 'json']);
      expect(json.code).toBe(0);
      const out = JSON.parse(json.stdout);
      expect(Object.keys(out).slice(0, 6)).toEqual([
        'tool',
        'version',
        'command',
        'findings',
        'summary',
        'skipped',
      ]);
      expect(out.command).toBe('advise');
      expect(out.recommendations.map((r: { definition: string }) => r.definition)[0]).toMatch(
        /^public\.t \(a\)/,
      );

      const bad = await runCli(['advise', '--db', db.url, '--workload', file, '--budget', 'lots']);
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split('\n')[0]).toMatch(/not a size: "lots"/);

      // the MCP tool, on a read-only session: the same advice
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [cliPath, 'mcp', '--db', db.url],
        env: { ...(process.env as Record<string, string>), NO_COLOR: '1' },
        stderr: 'pipe',
      });
      const client = new Client({ name: 'pgwarden-test', version: '1.0.0' });
      await client.connect(transport);
      try {
        await client.listTools();
        const result = (await client.callTool({
          name: 'advise_indexes',
          arguments: { sql: '-- weight: 10\nSELECT b FROM t WHERE a = 5;', budget: '10MB' },
        })) as {
          isError?: boolean;
          structuredContent?: { method: string; recommendations: { definition: string }[] };
        };
        expect(result.isError).toBeFalsy();
        expect(result.structuredContent!.method).toBe('what-if');
        expect(result.structuredContent!.recommendations.map((r) => r.definition)).toEqual(
          out.recommendations.map((r: { definition: string }) => r.definition),
        );
        const refused = (await client.callTool({
          name: 'advise_indexes',
          arguments: { workload: '/etc/passwd' },
        })) as { isError?: boolean };
        expect(refused.isError).toBe(true);
      } finally {
        await client.close();
      }
    } finally {
      await db.drop();
    }
  }, 120_000);
});
