import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/config.js';
import { type MetricsServer, startMetricsServer } from '../../../src/ops/metrics.js';
import { cliPath, projectRoot } from '../../helpers/cli.js';
import { createTestDatabase, pg18Url, type TestDatabase } from '../../helpers/db.js';

const run = promisify(execFile);
const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const haveTools = existsSync(PROMETHEUS) && existsSync(PROMTOOL);

function config(metrics: Record<string, unknown> = {}) {
  return { config: parseConfig({ metrics }, 'test'), path: null, dir: process.cwd() };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, seconds = 60): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 300));
  }
}

function sample(text: string, pattern: RegExp): number | undefined {
  const match = pattern.exec(text);
  return match ? Number(match[1]) : undefined;
}

describe.skipIf(!haveTools)('pgwarden metrics', () => {
  let db: TestDatabase;
  let exporter: MetricsServer;
  /** A port that accepts connections and never answers: a server that hangs. */
  let silent: Server;
  let silentPort: number;
  /** What the exporter logged: why a target or a read failed. */
  const logged: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(pg18Url());
    await db.exec(`CREATE TABLE churn (id int PRIMARY KEY, body text) WITH (autovacuum_enabled = off);
      INSERT INTO churn SELECT g, md5(g::text) FROM generate_series(1, 5000) g;
      DELETE FROM churn WHERE id <= 3000;
      SELECT pg_stat_force_next_flush();`);
    silent = createServer(() => {});
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', () => done()));
    silentPort = (silent.address() as { port: number }).port;
    exporter = await startMetricsServer({
      config: config({
        databases: {
          app: db.url,
          gone: 'postgres://postgres@127.0.0.1:1/nothing',
          hung: `postgres://postgres@127.0.0.1:${silentPort}/hung`,
        },
        cacheSeconds: 1,
        scrapeTimeoutSeconds: 2,
      }),
      listen: '127.0.0.1:0',
      log: (line) => logged.push(line),
    });
  });
  afterAll(async () => {
    await exporter?.close();
    silent?.close();
    await db?.drop();
  });

  it('serves the exposition format that promtool accepts, with up per target and the database figures', async () => {
    const response = await fetch(exporter.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    let text = await response.text();
    expect(text).toContain('pgwarden_up{target="app"} 1');
    expect(text).toContain('pgwarden_up{target="gone"} 0');
    // the hung server is given up on at the scrape timeout, and the scrape still answers
    expect(text).toContain('pgwarden_up{target="hung"} 0');
    const hungSeconds = sample(text, /^pgwarden_scrape_duration_seconds\{target="hung"\} (\S+)$/m)!;
    expect(hungSeconds).toBeGreaterThanOrEqual(1.9);
    expect(hungSeconds).toBeLessThan(5);
    // every read of app succeeded (else the exporter logged why)
    expect(logged.filter((line) => line.startsWith('metrics: app:'))).toEqual([]);
    expect(text).toContain('pgwarden_scrape_errors{target="app"} 0');
    expect(text).toMatch(/^pgwarden_database_size_bytes\{target="app",database="[^"]+"\} \d+/m);
    expect(text).toMatch(/^pgwarden_database_xid_age\{target="app",database="[^"]+"\} \d+/m);
    expect(text).toMatch(/^pgwarden_database_cache_hit_ratio\{target="app",database="[^"]+"\} [\d.]+/m);
    expect(text).toMatch(/^pgwarden_connections\{target="app",database="[^"]+",state="active"\} \d+/m);
    expect(text).not.toContain('password');
    // the dead rows show once the statistics are flushed (at most a second later)
    text = await waitFor('the dead tuples of churn', async () => {
      const body = await (await fetch(exporter.url)).text();
      return /pgwarden_table_dead_tuples\{[^}]*table="churn"\} 3000/.test(body) ? body : undefined;
    });
    expect(text).toMatch(/^pgwarden_dead_tuples\{target="app",database="[^"]+"\} 3000$/m);
    // the health figures added with their rules: bloat (churn is never analyzed: its estimate is not counted),
    // collation drift (the replication lag series, with a standby: test/health/server-checks.test.ts)
    expect(text).toMatch(/^pgwarden_bloat_estimated_bytes\{target="app",database="[^"]+",kind="table"\} 0$/m);
    expect(text).toMatch(/^pgwarden_bloat_estimated_bytes\{target="app",database="[^"]+",kind="index"\} 0$/m);
    expect(text).toContain('pgwarden_collation_version_mismatches{target="app"} 0');

    const child = spawn(PROMTOOL, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.stdin.end(text);
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it('scrapes arriving together share one scrape of the databases', async () => {
    await new Promise((done) => setTimeout(done, 1100)); // past the cache
    const bodies = await Promise.all(
      Array.from({ length: 5 }, async () => (await fetch(exporter.url)).text()),
    );
    const durations = bodies.map((b) =>
      sample(b, /^pgwarden_scrape_duration_seconds\{target="app"\} (\S+)$/m),
    );
    expect(new Set(durations).size).toBe(1);
    expect((await fetch(exporter.url.replace('/metrics', '/nope'))).status).toBe(404);
  });

  it('a real Prometheus scrapes it: pgwarden_up is 1 in its HTTP API', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgwarden-prometheus-'));
    const port = await freePort();
    const target = new URL(exporter.url).host;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - ${join(projectRoot, 'docs/alerts/pgwarden.rules.yml')}\nscrape_configs:\n  - job_name: pgwarden\n    scrape_timeout: 1s\n    static_configs:\n      - targets: ['${target}']\n`,
    );
    let prometheus: ChildProcess | undefined;
    try {
      prometheus = spawn(
        PROMETHEUS,
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: 'ignore' },
      );
      const api = `http://127.0.0.1:${port}/api/v1`;
      const up = await waitFor('Prometheus to have scraped pgwarden_up', async () => {
        const body = (await (await fetch(`${api}/query?query=pgwarden_up{target="app"}`)).json()) as {
          data: { result: { value: [number, string] }[] };
        };
        return body.data.result[0]?.value[1];
      });
      expect(up).toBe('1');
      const targets = (await (await fetch(`${api}/targets`)).json()) as {
        data: { activeTargets: { health: string; lastError: string }[] };
      };
      expect(targets.data.activeTargets[0]).toMatchObject({ health: 'up', lastError: '' });
      // the shipped rules load, and the down target fires (pending: its `for` is longer than this test)
      const alerts = await waitFor('the rules to be evaluated', async () => {
        const body = (await (await fetch(`${api}/alerts`)).json()) as {
          data: { alerts: { labels: { alertname: string; target: string } }[] };
        };
        const down = body.data.alerts.filter((a) => a.labels.alertname === 'PgwardenTargetDown');
        return down.length >= 2 ? down : undefined;
      });
      expect(alerts.map((a) => a.labels.target).sort()).toEqual(['gone', 'hung']);
    } finally {
      prometheus?.kill('SIGTERM');
      await new Promise((done) =>
        prometheus?.exitCode !== null ? done(null) : prometheus.once('exit', done),
      );
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the shipped alert rules pass promtool check rules and their unit tests', async () => {
    const rules = join(projectRoot, 'docs/alerts/pgwarden.rules.yml');
    const checked = await run(PROMTOOL, ['check', 'rules', rules]);
    expect(checked.stdout).toMatch(/SUCCESS: \d+ rules found/);
    const tested = await run(PROMTOOL, [
      'test',
      'rules',
      join(projectRoot, 'docs/alerts/pgwarden.rules.test.yml'),
    ]);
    expect(tested.stdout).toContain('SUCCESS');
  });
});

describe.skipIf(!haveTools)('pgwarden metrics, the command', () => {
  it('serves until SIGTERM, then closes its port and exits', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [cliPath, 'metrics', '--db', pg18Url(), '--listen', `127.0.0.1:${port}`],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.on('exit', (code, signal) => done({ code, signal })),
    );
    const body = await waitFor('the exporter to listen', async () => {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      return response.ok ? response.text() : undefined;
    });
    expect(body).toMatch(/^pgwarden_up\{target="postgres"\} 1$/m);
    child.kill('SIGTERM');
    const { code, signal } = await exited;
    // ended by the signal, or exited with the shell's 128 + 15 once the clean-up emptied the event loop
    expect(signal === 'SIGTERM' || code === 143, `code ${code}, signal ${signal}`).toBe(true);
    expect(stderr).toContain(`serving http://127.0.0.1:${port}/metrics for postgres (read-only)`);
    expect(stderr).not.toMatch(
      new RegExp(decodeURIComponent(new URL(pg18Url()).password || 'no-password-here')),
    );
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });

  it.concurrent.each([
    [['metrics', '--listen', 'nowhere'], /--listen nowhere: not host:port/],
    [['metrics'], /no database to export/],
    [['metrics', '--db', 'mysql://x'], /--db: not a PostgreSQL URL/],
  ])('%j: one clear error and exit 2', async (args, message) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', DATABASE_URL: '' },
      cwd: mkdtempSync(join(tmpdir(), 'pgwarden-metrics-cwd-')),
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toMatch(message);
  });
});
