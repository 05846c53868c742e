/**
 * `pgwarden logs` on real logs: a cluster of the test's own logs everything in stderr, csvlog and jsonlog at once
 * while pgbench and scripted sessions plant an N+1 loop beside loops that are not one, a burst of errors, a lock
 * wait, a deadlock, a temp spill and WAL-driven checkpoints. The three formats must tell the same story, agree with
 * pgBadger on the same files (where they differ, the test says which is right), and every fix must run.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuleSet } from '../../src/core/engine.js';
import type { Finding } from '../../src/core/finding.js';
import type { Report } from '../../src/core/report.js';
import { analyzeLogs, type LogsData } from '../../src/ops/logs.js';
import { allRules } from '../../src/rules/index.js';
import { runCli } from '../helpers/cli.js';
import { clusterBinariesExist } from '../helpers/cluster.js';
import { sharedTempDir } from '../helpers/tmp.js';
import { PLANTED_PREFIX, type PlantedLogs, plantLogs } from './workload.js';

const run = promisify(execFile);
const PGBADGER = '/usr/bin/pgbadger';

const ruleSet = createRuleSet(allRules, {
  rules: { 'log/temp-files': { options: { minBytes: 0 } } },
});

type Formats = 'stderr' | 'csv' | 'json';
let planted: PlantedLogs;
const reports = {} as Record<Formats, Report<LogsData>>;

function rule(report: Report<LogsData>, id: string): Finding[] {
  return report.findings.filter((f) => f.rule === id);
}

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: planted.cluster.url.replace(/\/postgres$/, '/shop') });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

interface Badger {
  overall_stat: {
    queries_number: number;
    errors_number: number;
    postgres: { queries_duration: { execute: number } };
  };
  normalyzed_info: { postgres: Record<string, { count: number; duration: number }> };
  error_info: { postgres: Record<string, { count: number; error: string[] }> };
  checkpoint_info: { starting: Record<string, number>; warning: number };
  tempfile_info: { postgres: { count: number; size: number; maxsize: number } };
  autovacuum_info: { postgres: { tables: Record<string, { vacuums: number }> } };
  autoanalyze_info: { postgres: { count: number } };
  lock_info: { postgres: Record<string, { count: number; duration: number }> };
  connection_info: { postgres: { count: number } };
}

async function pgbadger(file: string, format: 'stderr' | 'csv' | 'jsonlog'): Promise<Badger> {
  const dir = sharedTempDir('pgwarden-badger');
  const out = join(dir, 'out.json');
  // a pid file of its own: another pgBadger (the bench's) may be running
  const args = ['-q', '--pid-dir', dir, '-f', format, '-o', out, file];
  if (format === 'stderr') args.unshift('--prefix', PLANTED_PREFIX);
  await run(PGBADGER, args, { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(readFileSync(out, 'utf8')) as Badger;
}

describe.skipIf(!clusterBinariesExist())('pgwarden logs on planted logs', () => {
  beforeAll(async () => {
    planted = await plantLogs();
    reports.stderr = await analyzeLogs({
      paths: [planted.stderr],
      prefix: PLANTED_PREFIX,
      ruleSet,
      top: 1000,
    });
    reports.csv = await analyzeLogs({ paths: [planted.csv], ruleSet, top: 1000 });
    reports.json = await analyzeLogs({ paths: [planted.json], ruleSet, top: 1000 });
    // the proofs run statements on the same server
    await planted.cluster.restart();
  }, 180_000);

  afterAll(async () => {
    await planted?.cluster.destroy();
  });

  it('reads the same events from stderr, csvlog and jsonlog', () => {
    const story = (r: Report<LogsData>) => {
      const d = r.data!;
      return {
        queries: d.queries,
        queryMs: d.queryMs,
        distinct: d.distinctQueries,
        errors: d.errorCount,
        errorKinds: d.errors.map((e) => [e.sqlstate, e.count]),
        lockWaits: [d.lockWaits.count, d.lockWaits.totalMs],
        deadlocks: d.deadlocks.count,
        temp: d.tempFiles,
        checkpoints: [d.checkpoints.completed, d.checkpoints.reasons, d.checkpoints.warnings],
        maintenance: [d.maintenance.vacuums, d.maintenance.analyzes],
        connections: [d.connections.received, d.connections.disconnections],
        top: d.topQueries.slice(0, 8).map((q) => [q.fingerprint, q.calls, q.totalMs]),
        loops: d.loops.map((l) => [l.fingerprint, l.longest.calls]),
        findings: r.findings.map((f) => f.rule),
      };
    };
    expect(story(reports.csv)).toEqual(story(reports.stderr));
    expect(story(reports.json)).toEqual(story(reports.stderr));
    expect(reports.stderr.data!.files[0]).toMatchObject({
      format: 'stderr',
      prefix: PLANTED_PREFIX,
      unreadable: 0,
    });
    expect(reports.stderr.data!.sessionsKnown && reports.stderr.data!.sqlstatesKnown).toBe(true);
  });

  it.skipIf(!existsSync(PGBADGER))(
    'agrees with pgBadger on queries, top fingerprints, errors, checkpoints, temp files, autovacuum and connections',
    async () => {
      for (const [format, file, badgerFormat] of [
        ['stderr', planted.stderr, 'stderr'],
        ['csv', planted.csv, 'csv'],
        ['json', planted.json, 'jsonlog'],
      ] as const) {
        const badger = await pgbadger(file, badgerFormat);
        const d = reports[format].data!;
        expect(d.queries, format).toBe(badger.overall_stat.queries_number);
        expect(d.queryMs, format).toBeCloseTo(badger.overall_stat.postgres.queries_duration.execute, 2);
        // every query pgBadger saw 10 times or more is one of pgwarden's fingerprints, with the same calls and
        // time. pgBadger groups by text, pgwarden by the parser's fingerprint: pgbench's END is a COMMIT, so
        // pgwarden's COMMIT is pgBadger's "commit;" and "end;" together (the parser is right: one statement).
        const same = (text: string) => (text === 'end;' ? 'commit;' : text);
        const ours = new Map(
          reports[format].data!.topQueries.map((q) => [
            same(q.normalized.toLowerCase().replace(/\$\d+/g, '?').replace(/;?$/, ';')),
            q,
          ]),
        );
        const theirs = new Map<string, { count: number; duration: number }>();
        for (const [text, stats] of Object.entries(badger.normalyzed_info.postgres)) {
          const sum = theirs.get(same(text)) ?? { count: 0, duration: 0 };
          theirs.set(same(text), { count: sum.count + stats.count, duration: sum.duration + stats.duration });
        }
        const frequent = [...theirs].filter(([, v]) => v.count >= 10);
        expect(frequent.length, format).toBeGreaterThanOrEqual(6);
        for (const [text, stats] of frequent) {
          const mine = ours.get(text);
          expect(mine, `${format}: ${text}`).toBeDefined();
          expect(mine!.calls, text).toBe(stats.count);
          expect(mine!.totalMs, text).toBeCloseTo(stats.duration, 2);
        }
        // pgBadger counts two LOG messages as errors: the lock wait ("still waiting for ShareLock") and
        // "database system was shut down at". They are not errors: pgwarden counts ERROR, FATAL and PANIC only,
        // and reports the lock wait as a lock wait.
        const notErrors = Object.values(badger.error_info.postgres)
          .filter((e) => e.error.every((message) => message.startsWith('LOG:')))
          .reduce((n, e) => n + e.count, 0);
        expect(notErrors, format).toBe(2);
        expect(d.errorCount, format).toBe(badger.overall_stat.errors_number - notErrors);
        expect(d.checkpoints.reasons, format).toEqual(badger.checkpoint_info.starting);
        // pgBadger matches only "(N seconds apart)": PostgreSQL writes "(1 second apart)" in the singular, which
        // pgBadger misses; pgwarden counts both (the server did warn)
        const singular = readFileSync(file, 'utf8').match(/too frequently \(1 second apart\)/g)?.length ?? 0;
        expect(d.checkpoints.warnings, format).toBe(badger.checkpoint_info.warning + singular);
        expect(d.tempFiles.count, format).toBe(badger.tempfile_info.postgres.count);
        expect(d.tempFiles.bytes, format).toBe(badger.tempfile_info.postgres.size);
        // pgBadger's jsonlog reader gives as "maxsize" the sum of one statement's files (4,030,464 here, the four
        // files of pgbench's primary key build), its stderr and csv readers the largest file: pgwarden reports the
        // largest file from every format, as the log shows it
        if (format !== 'json')
          expect(d.tempFiles.maxBytes, format).toBe(badger.tempfile_info.postgres.maxsize);
        const vacuums = Object.values(badger.autovacuum_info.postgres.tables).reduce(
          (n, t) => n + t.vacuums,
          0,
        );
        expect(d.maintenance.vacuums, format).toBe(vacuums);
        expect(d.maintenance.analyzes, format).toBe(badger.autoanalyze_info.postgres.count);
        const locks = Object.values(badger.lock_info.postgres);
        expect(d.lockWaits.count, format).toBe(locks.reduce((n, l) => n + l.count, 0));
        expect(d.lockWaits.totalMs, format).toBeCloseTo(
          locks.reduce((n, l) => n + l.duration, 0),
          2,
        );
        expect(d.connections.received, format).toBe(badger.connection_info.postgres.count);
      }
    },
    120_000,
  );

  it('finds the N+1 loop with its session, count and parameters; its rewrite returns the rows of the whole loop', async () => {
    const [finding, ...others] = rule(reports.json, 'log/n-plus-one');
    expect(others).toEqual([]);
    expect(finding!.message).toMatch(
      /ran 12 times in a row in session [0-9a-f]+\.[0-9a-f]+ \(webapp, postgres@shop\)/,
    );
    expect(finding!.evidence).toMatchObject({
      statement: 'SELECT id, total FROM orders WHERE customer_id = $1',
      keyColumn: 'customer_id',
      loops: 1,
      calls: 12,
      longest: {
        application: 'webapp',
        calls: 12,
        params: ["$1 = '1'", "$1 = '2'", "$1 = '3'", "$1 = '4'", "$1 = '5'"],
        before: 'SELECT id FROM customers ORDER BY id LIMIT $1',
      },
    });
    expect(finding!.fix).toBe('SELECT customer_id, id, total FROM orders WHERE customer_id = ANY($1)');
    const oneByOne: string[] = [];
    for (const id of planted.loopIds)
      for (const row of await query<{ id: number; total: string }>(
        'SELECT id, total FROM orders WHERE customer_id = $1',
        [id],
      ))
        oneByOne.push(`${id}:${row.id}:${row.total}`);
    const together = (
      await query<{ customer_id: number; id: number; total: string }>(finding!.fix!, [planted.loopIds])
    ).map((r) => `${r.customer_id}:${r.id}:${r.total}`);
    expect(together.sort()).toEqual(oneByOne.sort());
    expect(together.length).toBeGreaterThan(planted.loopIds.length);
  });

  it('the batch job (read, write, read, write) and the polling of one row are loops, but not N+1', async () => {
    const loops = reports.json.data!.loops.map((l) => l.normalized);
    expect(loops).toEqual(['SELECT id, total FROM orders WHERE customer_id = $1']);
    const top = reports.json.data!.topQueries.map((q) => q.normalized);
    expect(top).toContain('SELECT status FROM jobs WHERE id = $1');
    // a higher threshold than the loop is long: no finding
    const strict = await analyzeLogs({
      paths: [planted.json],
      ruleSet: createRuleSet(allRules, { rules: { 'log/n-plus-one': { options: { minRepeats: 13 } } } }),
    });
    expect(rule(strict, 'log/n-plus-one')).toEqual([]);
  });

  it('reports the burst of errors, not the single ones; the deadlock with both statements; the lock wait with its blocker', () => {
    const bursts = rule(reports.json, 'log/error-burst');
    expect(bursts.map((f) => f.evidence?.sqlstate)).toEqual(['22012']);
    expect(bursts[0]!.message).toMatch(/ERROR 22012 "division by zero" 12 times/);
    const [deadlock, ...moreDeadlocks] = rule(reports.json, 'log/deadlock');
    expect(moreDeadlocks).toEqual([]);
    expect(deadlock!.severity).toBe('error');
    expect((deadlock!.evidence!.statements as string[]).sort()).toEqual([
      'UPDATE customers SET name = name WHERE id = 3',
      'UPDATE customers SET name = name WHERE id = 4',
    ]);
    const [wait] = rule(reports.json, 'log/lock-wait');
    expect(wait!.evidence).toMatchObject({
      waits: 1,
      longest: {
        statement: "UPDATE customers SET name = 'x' WHERE id = 2",
        blockingStatement: 'UPDATE customers SET name = name WHERE id = 2',
        acquired: true,
      },
    });
    expect(wait!.evidence!.longest).toHaveProperty('waitedMs', expect.any(Number));
    expect((wait!.evidence!.longest as { waitedMs: number }).waitedMs).toBeGreaterThanOrEqual(450);
  });

  it('a window before the lock wait has no lock wait, deadlock or burst finding', async () => {
    const lockAt = reports.json.data!.lockWaits.longest[0]!.time!;
    const errorsAt = reports.json.data!.errors.find((e) => e.sqlstate === '22012')!.first!;
    // the millisecond before the first error of the burst (ISO with its zone, as --until takes it)
    const until = new Date(Date.parse(errorsAt) - 1).toISOString();
    const before = await analyzeLogs({ paths: [planted.json], until, ruleSet });
    expect(before.data!.errorCount).toBe(0);
    expect(lockAt > errorsAt).toBe(true);
    for (const id of ['log/lock-wait', 'log/deadlock', 'log/error-burst'])
      expect(rule(before, id)).toEqual([]);
    expect(before.data!.queries).toBeLessThan(reports.json.data!.queries);
  });

  it('a slow query is reported from its p95; the fast pgbench queries are not', () => {
    const slow = rule(reports.json, 'log/slow-query');
    expect(slow.map((f) => f.evidence?.fingerprint)).toContain(
      reports.json.data!.topQueries.find(
        (q) => q.normalized === 'UPDATE customers SET name = $1 WHERE id = $2',
      )!.fingerprint,
    );
    for (const q of reports.json.data!.topQueries.filter((t) => t.p95Ms < 500))
      expect(slow.some((f) => f.evidence?.fingerprint === q.fingerprint)).toBe(false);
  });

  it("the temp-file fix keeps the spilling query in memory: EXPLAIN's temp blocks go to zero", async () => {
    const spill = rule(reports.json, 'log/temp-files').find(
      (f) =>
        String(f.evidence?.fingerprint) ===
        reports.json.data!.topQueries.find((q) => q.normalized.startsWith('SELECT g FROM generate_series'))!
          .fingerprint,
    );
    expect(spill?.fix).toMatch(/^SET work_mem = '\d+MB';$/);
    const statement = 'SELECT g FROM generate_series(1, 100000) g ORDER BY g DESC LIMIT 1';
    const tempBlocks = async (setting: string) => {
      const client = new pg.Client({ connectionString: planted.cluster.url });
      await client.connect();
      try {
        await client.query(setting);
        const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(
          `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${statement}`,
        );
        return [...JSON.stringify(rows[0]!['QUERY PLAN']).matchAll(/"Temp Written Blocks":(\d+)/g)].reduce(
          (n, m) => n + Number(m[1]),
          0,
        );
      } finally {
        await client.end();
      }
    };
    expect(await tempBlocks("SET work_mem = '64kB'")).toBeGreaterThan(0);
    expect(await tempBlocks(spill!.fix!)).toBe(0);
  });

  it('too-frequent checkpoints: the max_wal_size fix runs; a window without WAL checkpoints has no finding', async () => {
    const [finding] = rule(reports.json, 'log/frequent-checkpoints');
    const cp = reports.json.data!.checkpoints;
    expect(cp.reasons.wal).toBeGreaterThanOrEqual(1);
    expect(finding!.message).toContain(
      `${cp.reasons.wal} checkpoint${cp.reasons.wal === 1 ? '' : 's'} started because WAL reached max_wal_size`,
    );
    const value = finding!.evidence!.suggestedMaxWalSize as string;
    expect(finding!.fix).toBe(`ALTER SYSTEM SET max_wal_size = '${value}';\nSELECT pg_reload_conf();`);
    for (const statement of finding!.fix!.split('\n')) await query(statement);
    const [shown] = await query<{ max_wal_size: string }>('SHOW max_wal_size');
    expect(shown!.max_wal_size).toBe(value);
    const webapp = reports.json.data!.loops[0]!.longest.start!;
    const later = await analyzeLogs({ paths: [planted.json], since: webapp, ruleSet });
    expect(Object.keys(later.data!.checkpoints.reasons)).not.toContain('wal');
    expect(rule(later, 'log/frequent-checkpoints')).toEqual([]);
  });

  it('CLI: a log folder (one format read), json, html, gzip, and clear errors', async () => {
    const folder = await runCli(['logs', planted.dir, '--format', 'json', '--fail-on', 'none']);
    expect(folder.code).toBe(0);
    const json = JSON.parse(folder.stdout);
    expect(json).toMatchObject({ tool: 'pgwarden', command: 'logs', queries: reports.json.data!.queries });
    expect(json.files.map((f: { format: string }) => f.format)).toEqual(['jsonlog']);
    expect(json.skippedFiles).toHaveLength(2);
    expect(json.findings.map((f: Finding) => f.rule).sort()).toEqual(
      reports.json.findings
        .filter((f) => f.rule !== 'log/temp-files')
        .map((f) => f.rule)
        .sort(),
    );

    const html = await runCli(['logs', planted.json, '--format', 'html']);
    expect(html.code).toBe(1);
    expect(html.stdout).toMatch(/^<!doctype html>/);
    expect(html.stdout).toContain('<svg');
    expect(html.stdout).toContain('N+1');
    expect(html.stdout).not.toMatch(/<script|<link|src="http/);

    const dir = sharedTempDir('pgwarden-logs-gz');
    writeFileSync(join(dir, 'postgresql.log.gz'), gzipSync(readFileSync(planted.stderr)));
    const gz = await runCli([
      'logs',
      join(dir, 'postgresql.log.gz'),
      '--prefix',
      PLANTED_PREFIX,
      '--format',
      'json',
    ]);
    expect(JSON.parse(gz.stdout).queries).toBe(reports.stderr.data!.queries);
    expect(JSON.parse(gz.stdout).files[0].compressed).toBe(true);

    const wrong = await runCli(['logs', planted.stderr, '--prefix', '%t <%p> ']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(
      /^pgwarden: error: .*no line matches the log_line_prefix '%t <%p> '\n {2}hint: /,
    );
    await expect(analyzeLogs({ paths: [join(dir, 'nope.log')] })).rejects.toThrow(
      /nope\.log: no such file or folder/,
    );
    await expect(analyzeLogs({ paths: [planted.json], since: 'yesterday' })).rejects.toThrow(
      /--since yesterday: not a date or time/,
    );
  }, 120_000);

  it('reads standard input: a gzip-compressed csvlog', async () => {
    const { spawn } = await import('node:child_process');
    const { cliPath } = await import('../helpers/cli.js');
    const child = spawn(process.execPath, [cliPath, 'logs', '-', '--format', 'json', '--fail-on', 'none'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    // a gzip-compressed csvlog, recognised from its bytes alone
    child.stdin.end(gzipSync(readFileSync(planted.csv)));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.queries).toBe(reports.csv.data!.queries);
    expect(report.files[0]).toMatchObject({ path: '-', format: 'csvlog', compressed: true, unreadable: 0 });
  });

  it('MCP analyze_logs reads a log inside the project and refuses one outside it', async () => {
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
    const { cliPath } = await import('../helpers/cli.js');
    const project = sharedTempDir('pgwarden-logs-mcp');
    mkdirSync(join(project, 'log'));
    copyFileSync(planted.json, join(project, 'log', 'pg.json'));
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
    delete env.DATABASE_URL;
    const client = new Client({ name: 'pgwarden-logs-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [cliPath, 'mcp', '--db', planted.cluster.url, '--project', project, '--quiet'],
        env,
        stderr: 'ignore',
      }),
    );
    try {
      const ok = await client.callTool({ name: 'analyze_logs', arguments: { paths: ['log'] } });
      expect(ok.isError).toBeFalsy();
      const structured = ok.structuredContent as { queries: number; findings: Finding[] };
      expect(structured.queries).toBe(reports.json.data!.queries);
      expect(structured.findings.some((f) => f.rule === 'log/n-plus-one')).toBe(true);
      const outside = await client.callTool({ name: 'analyze_logs', arguments: { paths: [planted.json] } });
      expect(outside.isError).toBe(true);
      expect(JSON.stringify(outside.content)).toMatch(/outside the project folder/);
    } finally {
      await client.close();
    }
  }, 60_000);
});
