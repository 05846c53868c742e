import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuleSet } from '../../src/core/engine.js';
import { Connection } from '../../src/db/connection.js';
import { withDatabase } from '../../src/db/url.js';
import { readMetrics } from '../../src/health/metrics/collect.js';
import { metricFamilies } from '../../src/health/metrics/families.js';
import { healthReport, readHealthFacts } from '../../src/ops/health.js';
import { allRules } from '../../src/rules/index.js';
import { runCli } from '../helpers/cli.js';
import { clusterBinariesExist, startTestCluster, type TestCluster } from '../helpers/cluster.js';

/** The planted relations are tens of MB: the 10 MB floor would leave the index out. */
const RULES = createRuleSet(allRules, {
  rules: {
    'health/table-bloat': { options: { minBytes: 1024 ** 2 } },
    'health/index-bloat': { options: { minBytes: 1024 ** 2 } },
  },
});
/** The estimate is within this many percentage points of pgstattuple's and pgstatindex's figures. */
const TOLERANCE = 0.05;
const BLOAT_RULES = ['health/table-bloat', 'health/index-bloat'];

/** Runs a fix as a DBA pastes it, one statement at a time (REINDEX CONCURRENTLY refuses a transaction block). */
async function runFix(connection: Connection, fix: string): Promise<void> {
  for (const statement of fix.split('\n')) await connection.query(statement);
}

describe.skipIf(!clusterBinariesExist())('health: table and B-tree bloat, estimated and measured', () => {
  let cluster: TestCluster;
  let url: string;
  let db: Connection;
  const bloatFindings = async (exact?: number) =>
    (await healthReport(db, { ruleSet: RULES, ...(exact ? { exact } : {}) })).findings.filter((f) =>
      BLOAT_RULES.includes(f.rule),
    );
  /** ANALYZE once the writes' statistics have reached the server, so that none of them counts as after it. */
  const analyze = async (table: string) => {
    await db.query('SELECT pg_stat_force_next_flush()');
    await new Promise((done) => setTimeout(done, 1100));
    await db.query(`ANALYZE ${table}`);
  };

  beforeAll(async () => {
    cluster = await startTestCluster();
    const server = await Connection.open(cluster.url);
    await server.query('CREATE DATABASE shop');
    await server.close();
    url = withDatabase(cluster.url, 'shop');
    db = await Connection.open(url);
    await db.query(`
      CREATE TABLE fresh (id bigint PRIMARY KEY, customer int NOT NULL, note text, at timestamptz DEFAULT now());
      INSERT INTO fresh SELECT g, g % 1000, CASE WHEN g % 5 <> 0 THEN 'note number ' || g END, now()
        FROM generate_series(1, 100000) g;
      CREATE INDEX fresh_customer_idx ON fresh (customer);
      CREATE TABLE churn (id bigint PRIMARY KEY, n int NOT NULL, pad text) WITH (autovacuum_enabled = false);
      INSERT INTO churn SELECT g, 0, repeat('x', 60) FROM generate_series(1, 100000) g;`);
    await analyze('fresh');
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await cluster?.destroy();
  });

  it('a freshly loaded table and its indexes: no finding, and estimates under 5%', async () => {
    await analyze('churn');
    expect(await bloatFindings()).toEqual([]);
    const facts = await readHealthFacts(db);
    const estimates = [...facts.bloat.tables, ...facts.bloat.indexes];
    expect(estimates.map((e) => e.name).sort()).toEqual([
      'public.churn',
      'public.churn_pkey',
      'public.fresh',
      'public.fresh_customer_idx',
      'public.fresh_pkey',
    ]);
    for (const estimate of estimates) expect(estimate.share, estimate.name).toBeLessThan(0.05);
    // 86 pages: too small to judge
    expect(facts.bloat.indexes.find((e) => e.name === 'public.fresh_customer_idx')!.unreliable).toMatch(
      /^tiny/,
    );
  });

  it('update churn with autovacuum off: table bloat found from the estimate alone', async () => {
    await db.query('UPDATE churn SET n = n + 1');
    await db.query('UPDATE churn SET n = n + 1');
    await db.query('UPDATE churn SET n = n + 1');
    await analyze('churn');
    const findings = await bloatFindings();
    expect(
      findings.map((f) => [f.rule, 'object' in f.location ? f.location.object : null, f.severity]),
    ).toEqual([
      ['health/index-bloat', 'public.churn_pkey', 'warning'],
      ['health/table-bloat', 'public.churn', 'error'],
    ]);
    // the exporter's series for the alert rules (docs/alerts/pgwarden.rules.yml: bloat / size against the same
    // 30% of a table and 40% of a B-tree): the share each finding reports, past the same lines (the bytes floor
    // is 10 MiB there, 1 MiB in this test's rules)
    const reading = await readMetrics(db, { statementTimeoutMs: 10_000, topTables: 10 });
    const families = metricFamilies([{ target: 'shop', reading, error: null, seconds: 0 }]);
    const series = (name: string) =>
      new Map(
        families
          .find((f) => f.name === name)!
          .samples.map((s) => [`${s.labels.kind} ${s.labels.relation}`, s.value] as const),
      );
    const bloat = series('pgwarden_relation_bloat_estimated_bytes');
    const size = series('pgwarden_relation_size_bytes');
    const facts = await readHealthFacts(db);
    for (const [key, share] of [
      ['table public.churn', facts.bloat.tables.find((e) => e.name === 'public.churn')!.share],
      ['index public.churn_pkey', facts.bloat.indexes.find((e) => e.name === 'public.churn_pkey')!.share],
    ] as const) {
      expect(bloat.get(key)! / size.get(key)!, key).toBeCloseTo(share, 6);
      expect(bloat.get(key)!, key).toBeGreaterThanOrEqual(1024 ** 2);
    }
    expect(bloat.get('table public.churn')! / size.get('table public.churn')!).toBeGreaterThanOrEqual(0.3);
    expect(
      bloat.get('index public.churn_pkey')! / size.get('index public.churn_pkey')!,
    ).toBeGreaterThanOrEqual(0.4);
    const table = findings.find((f) => f.rule === 'health/table-bloat')!;
    expect(table.message).toMatch(
      /^table public\.churn has about [\d.]+ MB of bloat in [\d.]+ MB \(estimated 7\d%, fillfactor 100\); 29\d,\d{3} dead rows of it a plain VACUUM makes reusable/,
    );
  });

  it('--exact without pgstattuple says so, and the estimates stand', async () => {
    const report = await healthReport(db, { ruleSet: RULES, exact: 20 });
    expect(report.findings.filter((f) => BLOAT_RULES.includes(f.rule))).toHaveLength(2);
    expect(report.skipped.filter((s) => BLOAT_RULES.includes(s.rule))).toEqual(
      BLOAT_RULES.map((rule) => ({
        rule,
        reason:
          'pgstattuple: pgstattuple is not installed in this database (CREATE EXTENSION pgstattuple): the bloat figures are estimates',
      })),
    );
  });

  it(`after VACUUM: the estimates within ${TOLERANCE * 100} points of pgstattuple and pgstatindex, and --exact reports the measure`, async () => {
    await db.query('CREATE EXTENSION pgstattuple');
    await db.query('VACUUM churn');
    await analyze('churn');
    const facts = await readHealthFacts(db, { exact: 20 });
    const table = facts.bloat.tables.find((e) => e.name === 'public.churn')!;
    const index = facts.bloat.indexes.find((e) => e.name === 'public.churn_pkey')!;
    // pgstattuple's own figure (a full scan): the pages its live tuples need against the table's
    const exact = (
      await db.query<{ table_len: number; tuple_count: number; tuple_len: number }>(
        'SELECT table_len::float8, tuple_count::float8, tuple_len::float8 FROM pgstattuple($1)',
        ['public.churn'],
      )
    ).rows[0]!;
    const needed = Math.ceil(
      (exact.tuple_count * (Math.ceil(exact.tuple_len / exact.tuple_count / 8) * 8 + 4)) / (8192 - 24),
    );
    const exactShare = 1 - (needed * 8192) / exact.table_len;
    expect(exactShare).toBeGreaterThan(0.7);
    expect(Math.abs(table.share - exactShare)).toBeLessThan(TOLERANCE);
    const leaf = (
      await db.query<{ avg_leaf_density: number }>('SELECT avg_leaf_density FROM pgstatindex($1)', [
        'public.churn_pkey',
      ])
    ).rows[0]!;
    const indexShare = 1 - leaf.avg_leaf_density / 90;
    expect(indexShare).toBeGreaterThan(0.5);
    expect(Math.abs(index.share - indexShare)).toBeLessThan(TOLERANCE);
    expect(table.measured!.by).toBe('pgstattuple_approx');
    expect(Math.abs(table.measured!.share - exactShare)).toBeLessThan(TOLERANCE);
    expect(index.measured!.by).toBe('pgstatindex');
    expect(Math.abs(index.measured!.share - indexShare)).toBeLessThan(TOLERANCE);
    // the fresh table is not measured: the estimate does not suspect it
    expect(facts.bloat.tables.find((e) => e.name === 'public.fresh')!.measured).toBeNull();
  });

  it('the CLI with --exact names the measure; a bad count is a usage error', async () => {
    const result = await runCli(['health', '--db', url, '--exact', '--format', 'json']);
    const report = JSON.parse(result.stdout) as { findings: { rule: string; message: string }[] };
    const table = report.findings.find((f) => f.rule === 'health/table-bloat')!;
    expect(table.message).toMatch(
      /\(measured by pgstattuple_approx: 7\d% \(estimated 7\d%\), fillfactor 100\)/,
    );
    const bad = await runCli(['health', '--db', url, '--exact', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe(
      'pgwarden: error: --exact takes a whole number of relations (1 or more), not "lots"',
    );
  });

  it('the fixes execute: VACUUM FULL and REINDEX CONCURRENTLY, and the findings are gone', async () => {
    const findings = await bloatFindings();
    for (const finding of findings) await runFix(db, finding.fix!);
    await analyze('churn');
    expect(await bloatFindings()).toEqual([]);
  });
});
