/**
 * syslog and zstd input. The syslog fixture (test/fixtures/logs/syslog, made by its capture.sh) is what a real
 * rsyslogd wrote while a cluster of the test's own logged to syslog, jsonlog and stderr at once: the three must tell
 * the same story. pgBadger reads the same files for comparison.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LogModel } from '../../src/logs/model.js';
import { readLogs } from '../../src/logs/read.js';
import { runCli } from '../helpers/cli.js';
import { sharedTempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const FIXTURES = new URL('../fixtures/logs/syslog/', import.meta.url).pathname;
const SYSLOG = join(FIXTURES, 'postgresql.syslog.gz');
const JSONLOG = join(FIXTURES, 'pg.json.gz');
const STDERR = join(FIXTURES, 'pg.log.gz');
const PREFIX = readFileSync(join(FIXTURES, 'prefix.txt'), 'utf8').replace(/\n$/, '');
const PGBADGER = '/usr/bin/pgbadger';
const hasZstd = (() => {
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** What the report says, in a form the formats must agree on. */
function story(m: LogModel) {
  return {
    queries: m.queries,
    queryMs: m.queryMs,
    distinct: m.distinctQueries,
    errors: m.errors.map((e) => [e.sqlstate, e.message, e.count, e.example.statement, e.example.detail]),
    connections: [m.connections.received, m.connections.authorized, m.connections.disconnections],
    byApplication: m.connections.byApplication,
    checkpoints: m.checkpoints.completed,
    queryStats: m.queryStats.map((q) => [q.fingerprint, q.calls, q.totalMs, q.maxMs]),
    slowest: m.queryStats.map((q) => [q.slowest.text, q.slowest.session, q.slowest.time]),
  };
}

let syslog: LogModel;
let jsonlog: LogModel;

describe('syslog', () => {
  beforeAll(async () => {
    syslog = await readLogs({ paths: [SYSLOG], prefix: PREFIX });
    jsonlog = await readLogs({ paths: [JSONLOG] });
  }, 60_000);

  it('is recognised, and tells the story jsonlog and stderr tell of the same events', async () => {
    expect(syslog.files[0]).toMatchObject({
      format: 'syslog',
      compressed: true,
      prefix: PREFIX,
      unreadable: 0,
    });
    expect(syslog.queries).toBeGreaterThan(400);
    expect(story(syslog)).toEqual(story(jsonlog));
    const stderr = await readLogs({ paths: [STDERR], prefix: PREFIX });
    expect(story(syslog)).toEqual(story(stderr));
  });

  it('joins the chunks of a line cut at 900 bytes, at a space and where there is none, and reads #011 as a tab', () => {
    const raw = gunzipSync(readFileSync(SYSLOG)).toString('utf8');
    // the fixture has both kinds of cut: a chunk that starts with the space it was cut at, and one that does not
    expect(raw).toMatch(/\]: \[\d+-[2-9]\] {2}\S/);
    expect(raw).toMatch(/\]: \[\d+-[2-9]\] \d/);
    const long = syslog.queryStats.map((q) => q.slowest.text).filter((t) => t.length > 900);
    expect(long.length).toBeGreaterThanOrEqual(2);
    expect(long.some((t) => /^SELECT length\('1234567891011\d+500'\) AS n$/.test(t))).toBe(true);
    expect(long.some((t) => t.includes("'word1 word2 ") && t.includes(' word200 '))).toBe(true);
    expect(
      syslog.queryStats.some((q) => q.slowest.text.startsWith('SELECT id,\n\ttotal\n\tFROM orders')),
    ).toBe(true);
  });

  it('takes the time and process id from the syslog header when log_line_prefix has none', async () => {
    // the same lines with the server's prefix cut out, as a server with log_line_prefix = '' writes them
    const raw = gunzipSync(readFileSync(SYSLOG)).toString('utf8');
    const bare = raw.replace(
      /^(.*?\]: \[\d+-\d+\] )\d{4}-\d\d-\d\d [^ ]+ UTC \[\d+\]: user=.*?,sess=\S+ /gm,
      '$1',
    );
    const file = join(sharedTempDir('pgwarden-syslog'), 'messages');
    writeFileSync(file, bare);
    // the year comes from the file's last write, as on the server that wrote it
    const written = new Date(Date.parse(jsonlog.last!) + 5000);
    utimesSync(file, written, written);
    const read = await readLogs({ paths: [file] });
    expect(read.files[0]).toMatchObject({ format: 'syslog', prefix: '', unreadable: 0 });
    expect(read.queries).toBe(jsonlog.queries);
    expect(read.errorCount).toBe(jsonlog.errorCount);
    // whole seconds (the header's), and the process id as the session: the loops tracker still follows sessions
    const first = Date.parse(jsonlog.first!);
    expect(Math.abs(Date.parse(read.first!) - first)).toBeLessThan(1000);
    expect(read.sessionsKnown).toBe(true);
  });

  it.skipIf(!existsSync(PGBADGER))(
    'pgBadger counts auto_explain plans as queries: its count is ours plus the plans logged',
    async () => {
      const dir = sharedTempDir('pgwarden-badger-syslog');
      const out = join(dir, 'out.json');
      const file = join(dir, 'pg.json');
      writeFileSync(file, gunzipSync(readFileSync(JSONLOG)));
      // a pid file of its own: another pgBadger (the bench's) may be running
      await run(PGBADGER, ['-q', '--pid-dir', dir, '-f', 'jsonlog', '-o', out, file]);
      const badger = JSON.parse(readFileSync(out, 'utf8')) as { overall_stat: { queries_number: number } };
      const plans = (readFileSync(file, 'utf8').match(/"message":"duration: [\d.]+ ms {2}plan:/g) ?? [])
        .length;
      expect(plans).toBeGreaterThan(100);
      // pgBadger is wrong here: a plan line repeats the duration of a statement logged on its own line
      expect(badger.overall_stat.queries_number).toBe(jsonlog.queries + plans);
    },
    60_000,
  );
});

describe.skipIf(!hasZstd)('zstd', () => {
  it('reads a zstd-compressed log through the zstd program, by its bytes or its name', async () => {
    const dir = sharedTempDir('pgwarden-zstd');
    const plain = join(dir, 'pg.json');
    writeFileSync(plain, gunzipSync(readFileSync(JSONLOG)));
    execFileSync('zstd', ['-q', plain, '-o', join(dir, 'pg.json.zst')]);
    execFileSync('zstd', ['-q', plain, '-o', join(dir, 'renamed')]);
    const zst = await readLogs({ paths: [join(dir, 'pg.json.zst')] });
    expect(zst.files[0]).toMatchObject({ format: 'jsonlog', compressed: true });
    expect(story(zst)).toEqual(story(jsonlog));
    const sniffed = await readLogs({ paths: [join(dir, 'renamed')] });
    expect(sniffed.files[0]).toMatchObject({ format: 'jsonlog', compressed: true });
    expect(sniffed.queries).toBe(jsonlog.queries);
    // a broken file is an input error naming it
    writeFileSync(join(dir, 'broken.log.zst'), readFileSync(join(dir, 'pg.json.zst')).subarray(0, 2000));
    await expect(readLogs({ paths: [join(dir, 'broken.log.zst')] })).rejects.toThrow(
      /broken\.log\.zst: not a readable zstd file/,
    );
  });

  it('CLI: without a zstd program, a clear error and exit 2', async () => {
    const dir = sharedTempDir('pgwarden-zstd-cli');
    const plain = join(dir, 'pg.json');
    writeFileSync(plain, gunzipSync(readFileSync(JSONLOG)));
    execFileSync('zstd', ['-q', plain, '-o', join(dir, 'pg.json.zst')]);
    const ok = await runCli(['logs', join(dir, 'pg.json.zst'), '--format', 'json', '--fail-on', 'none']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).queries).toBe(jsonlog.queries);
    const missing = await runCli(['logs', join(dir, 'pg.json.zst')], { env: { PATH: '/nonexistent' } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /pg\.json\.zst: zstd-compressed, and no zstd program to read it with\n {2}hint: /,
    );
    // several CLI runs: minutes on the loaded shared machine
  }, 300_000);
});
