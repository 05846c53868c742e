/**
 * `metrics`: the exporter's scrape time on a database of many tables (bench/snapshot.ts's generator: 10,000 tables,
 * 40,000 indexes), side by side with prometheus-postgres-exporter (Debian's postgres_exporter, default collectors)
 * on the same database in the same rounds; and `pgwarden tune --db` end to end on that database.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import {
  type BenchOptions,
  distPath,
  fmtMs,
  fmtRatio,
  freePort,
  type GoalLine,
  log,
  mdTable,
  now,
  onCleanup,
  ROOT,
  type Stats,
  sharedTempDir,
  sleep,
  stats,
  yesNo,
} from './lib.js';
import { generateSchema } from './snapshot.js';

export const SCRAPE_GOAL_MS = 2_000;
const PEER_BINARY = '/usr/bin/prometheus-postgres-exporter';
const ROUNDS = 10;
const TUNE_RUNS = 5;

export interface ScrapeSeries {
  readonly tool: string;
  readonly version: string | null;
  readonly samples: number[];
  readonly stats: Stats;
  /** Lines (samples) of the last scrape, and its size in bytes. */
  readonly series: number;
  readonly bytes: number;
}

export interface MetricsBenchResult {
  readonly tables: number;
  readonly server: string;
  readonly generateMs: number;
  readonly pgwarden: ScrapeSeries;
  readonly peer: ScrapeSeries | null;
  readonly peerMissing: string | null;
  readonly tune: { readonly samples: number[]; readonly stats: Stats; readonly findings: number };
  /** The machine's load average (1, 5, 15 min) when the rounds started: it is shared. */
  readonly load: readonly number[];
  readonly goalMs: number;
  readonly met: boolean;
}

async function query(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function waitForHttp(url: string, child: ChildProcess, what: string): Promise<void> {
  const deadline = now() + 60_000;
  while (now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${what} did not listen on ${url} within 60 s`);
}

async function scrapeOnce(url: string): Promise<{ ms: number; text: string }> {
  const start = now();
  const response = await fetch(url);
  const text = await response.text();
  const ms = now() - start;
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return { ms, text };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function peerVersion(): string | null {
  try {
    const out = execFileSync(PEER_BINARY, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return /version (\S+)/.exec(out)?.[1] ?? out.trim().split('\n')[0] ?? null;
  } catch (error) {
    const text = String((error as { stderr?: string }).stderr ?? '');
    return /version (\S+)/.exec(text)?.[1] ?? null;
  }
}

function series(tool: string, version: string | null, samples: number[], last: string): ScrapeSeries {
  return {
    tool,
    version,
    samples,
    stats: stats(samples),
    series: last.split('\n').filter((l) => l && !l.startsWith('#')).length,
    bytes: Buffer.byteLength(last),
  };
}

export async function runMetricsBench(options: BenchOptions): Promise<MetricsBenchResult> {
  const serverUrl = options.pg15Url;
  const name = `pgwarden_bench_metrics_${process.pid}`;
  const dbUrl = withDatabase(serverUrl, name);
  const temp = sharedTempDir('metrics');
  const children: ChildProcess[] = [];
  const forget = onCleanup(async () => {
    for (const child of children) await stop(child);
    await query(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await temp.remove();
  });
  try {
    await query(serverUrl, `CREATE DATABASE ${name}`);
    log(`metrics: generating ${options.tables} tables in ${name} on ${new URL(serverUrl).host}`);
    const generateMs = await generateSchema(dbUrl, options.tables);
    await query(dbUrl, 'ANALYZE');

    // pgwarden's cache off, so each measured request is a scrape of the database
    const config = join(temp.path, 'pgwarden.config.json');
    writeFileSync(config, JSON.stringify({ metrics: { cacheSeconds: 0, scrapeTimeoutSeconds: 60 } }));
    const ourPort = await freePort();
    const ours = spawn(
      process.execPath,
      [
        distPath('bin/pgwarden.js'),
        '--config',
        config,
        'metrics',
        '--db',
        dbUrl,
        '--listen',
        `127.0.0.1:${ourPort}`,
      ],
      { cwd: ROOT, stdio: 'ignore', env: { ...process.env, DATABASE_URL: '' } },
    );
    children.push(ours);
    const oursUrl = `http://127.0.0.1:${ourPort}/metrics`;
    await waitForHttp(oursUrl, ours, 'pgwarden metrics');

    let peerUrl: string | null = null;
    let peerMissing: string | null = null;
    if (existsSync(PEER_BINARY)) {
      const peerPort = await freePort();
      const peer = spawn(PEER_BINARY, [`--web.listen-address=127.0.0.1:${peerPort}`, '--log.level=error'], {
        stdio: 'ignore',
        env: { ...process.env, DATA_SOURCE_NAME: `${dbUrl}?sslmode=disable` },
      });
      children.push(peer);
      peerUrl = `http://127.0.0.1:${peerPort}/metrics`;
      await waitForHttp(peerUrl, peer, 'prometheus-postgres-exporter');
    } else {
      peerMissing = `${PEER_BINARY} not installed (apt-get install prometheus-postgres-exporter)`;
    }

    const load = (await import('node:os')).loadavg().map((l) => Math.round(l * 100) / 100);
    log(`metrics: 1 warm-up + ${ROUNDS} scrapes of each exporter, interleaved (load ${load.join(', ')})`);
    await scrapeOnce(oursUrl);
    if (peerUrl) await scrapeOnce(peerUrl);
    const oursSamples: number[] = [];
    const peerSamples: number[] = [];
    let oursLast = '';
    let peerLast = '';
    for (let i = 0; i < ROUNDS; i++) {
      const a = await scrapeOnce(oursUrl);
      oursSamples.push(a.ms);
      oursLast = a.text;
      if (!/^pgwarden_up\{[^}]*\} 1$/m.test(a.text))
        throw new Error('pgwarden metrics: pgwarden_up is not 1');
      if (peerUrl) {
        const b = await scrapeOnce(peerUrl);
        peerSamples.push(b.ms);
        peerLast = b.text;
        if (!/^pg_up 1$/m.test(b.text)) throw new Error('prometheus-postgres-exporter: pg_up is not 1');
      }
    }

    log(`metrics: ${TUNE_RUNS} runs of pgwarden tune --db on the same database`);
    const tuneSamples: number[] = [];
    let findings = 0;
    for (let i = 0; i < TUNE_RUNS; i++) {
      const start = now();
      const result = spawnSync(
        process.execPath,
        [
          distPath('bin/pgwarden.js'),
          'tune',
          '--db',
          dbUrl,
          '--workload',
          'oltp',
          '--format',
          'json',
          '--quiet',
        ],
        { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } },
      );
      tuneSamples.push(now() - start);
      if (result.status !== 0 && result.status !== 1) throw new Error(`pgwarden tune: ${result.stderr}`);
      findings = (JSON.parse(result.stdout) as { findings: unknown[] }).findings.length;
    }

    const pgwarden = series('pgwarden metrics', null, oursSamples, oursLast);
    const result: MetricsBenchResult = {
      tables: options.tables,
      server: new URL(serverUrl).host,
      generateMs,
      pgwarden,
      peer: peerUrl ? series('prometheus-postgres-exporter', peerVersion(), peerSamples, peerLast) : null,
      peerMissing,
      tune: { samples: tuneSamples, stats: stats(tuneSamples), findings },
      load,
      goalMs: SCRAPE_GOAL_MS,
      met: pgwarden.stats.median <= SCRAPE_GOAL_MS,
    };
    log(
      `metrics: scrape median ${fmtMs(pgwarden.stats.median)}${result.peer ? `, postgres_exporter ${fmtMs(result.peer.stats.median)}` : ''}; tune ${fmtMs(result.tune.stats.median)}`,
    );
    return result;
  } finally {
    await forget();
  }
}

export function metricsGoals(result: MetricsBenchResult): GoalLine[] {
  return [
    {
      benchmark: `\`pgwarden metrics\` scrape, ${result.tables.toLocaleString('en-US')} tables`,
      goal: `median ≤ ${fmtMs(result.goalMs)}`,
      result: `median ${fmtMs(result.pgwarden.stats.median)}`,
      met: result.met,
      peer: result.peer
        ? `${fmtRatio(result.pgwarden.stats.median, result.peer.stats.median)} postgres_exporter ${result.peer.version ?? ''} (${fmtMs(result.peer.stats.median)})`
        : (result.peerMissing ?? '–'),
    },
  ];
}

function row(label: string, s: Stats, extra: string[]): string[] {
  return [label, fmtMs(s.median), fmtMs(s.p90), fmtMs(s.min), fmtMs(s.max), ...extra];
}

export function renderMetricsBench(result: MetricsBenchResult): string {
  const rows = [
    row('`pgwarden metrics` (cache off)', result.pgwarden.stats, [
      result.pgwarden.series.toLocaleString('en-US'),
      `${Math.round(result.pgwarden.bytes / 1024)} kB`,
    ]),
  ];
  if (result.peer)
    rows.push(
      row(
        `prometheus-postgres-exporter ${result.peer.version ?? ''} (default collectors)`,
        result.peer.stats,
        [result.peer.series.toLocaleString('en-US'), `${Math.round(result.peer.bytes / 1024)} kB`],
      ),
    );
  return [
    `A database of ${result.tables.toLocaleString('en-US')} tables (4 columns, a primary key and 3 more indexes each; generated in ${fmtMs(result.generateMs)}) on the PostgreSQL service at ${result.server}. Each exporter runs as its own process on the same database; ${ROUNDS} scrapes of each after one warm-up, interleaved, timed from request to the last byte (one HTTP request = one scrape: pgwarden's cache is off). The machine is shared: load average ${result.load.join(' / ')} (1/5/15 min) when the rounds began. The work differs: postgres_exporter's default collectors read server-wide views (pg_stat_database, pg_stat_activity, pg_locks, pg_settings, the database sizes) and no table statistics, so it exports no dead tuples; pgwarden reads those views too (database sizes included) and, each scrape, every table's statistics for the live and dead tuple totals and the 10 tables with the most dead tuples.${result.peerMissing ? ` The peer did not run: ${result.peerMissing}.` : ''}`,
    '',
    mdTable(['Exporter', 'Median', 'p90', 'Min', 'Max', 'Series', 'Size'], rows),
    '',
    mdTable(
      ['Goal', 'Result', 'Met', 'pgwarden / postgres_exporter'],
      [
        [
          `scrape median ≤ ${fmtMs(result.goalMs)}`,
          fmtMs(result.pgwarden.stats.median),
          yesNo(result.met),
          result.peer ? fmtRatio(result.pgwarden.stats.median, result.peer.stats.median) : '–',
        ],
      ],
    ),
    '',
    `\`pgwarden tune --db … --workload oltp --format json\` on the same database, a fresh process per run (${TUNE_RUNS} runs): median ${fmtMs(result.tune.stats.median)}, p90 ${fmtMs(result.tune.stats.p90)} (${result.tune.findings} findings). PGTune, the peer of its formulas, is a web page: there is no command to time beside it.`,
  ].join('\n');
}
