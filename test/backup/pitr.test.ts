import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { clusterBinariesExist, startTestCluster, type TestCluster } from '../helpers/cluster.js';

const hasTools = clusterBinariesExist() && existsSync('/usr/bin/pgbackrest');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function sql<R extends pg.QueryResultRow = Record<string, unknown>>(
  url: string,
  text: string,
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

/** Switches to a new WAL segment and waits until the archiver has archived the one it closed. */
async function switchAndArchive(url: string): Promise<void> {
  const { file } = (await sql<{ file: string }>(url, 'SELECT pg_walfile_name(pg_switch_wal()) AS file'))[0]!;
  await until(`archiving of ${file}`, async () => {
    const [row] = await sql<{ last: string | null }>(
      url,
      'SELECT last_archived_wal AS last FROM pg_stat_archiver',
    );
    return row?.last !== null && row!.last! >= file ? true : undefined;
  });
}

function json(result: { code: number | null; stdout: string; stderr: string }) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw new Error(`not JSON (exit ${result.code}): ${result.stdout}${result.stderr}`);
  }
  const report = parsed as {
    command: string;
    findings: { rule: string; severity: string; fix: string | null }[];
  };
  return { ...report, data: report as unknown as Record<string, unknown> };
}

describe.skipIf(!hasTools)('pgwarden pitr on pgBackRest, on a cluster of its own', () => {
  let cluster: TestCluster;
  let repo: string;
  let stanzaArgs: string[];

  beforeAll(async () => {
    cluster = await startTestCluster({
      // archive_mode off: setup must say the server needs it, and a restart; 1 MB segments keep the WAL small
      settings: { wal_level: 'replica', archive_mode: 'off', max_wal_senders: 2 },
      initdbArgs: ['--wal-segsize=1'],
    });
    repo = join(cluster.workDir, 'repo');
    stanzaArgs = ['--repo', repo];
  });

  afterAll(async () => {
    await cluster?.destroy();
  });

  it('refuses when pgbackrest is not on PATH: one line and a hint, exit 2', async () => {
    const result = await runCli(['pitr', 'setup', '--stanza', 'demo', '--repo', repo, '--db', cluster.url], {
      env: { PATH: '/nonexistent' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pgBackRest is not installed: no pgbackrest executable on PATH/);
    expect(result.stderr).toMatch(/hint: .*apt-get install pgbackrest/);
    expect(result.stdout).toBe('');
  });

  it('refuses a role that cannot read data_directory, and a data directory that is not here', async () => {
    await sql(cluster.url, 'CREATE ROLE plain LOGIN');
    const plainUrl = cluster.url.replace('postgres@', 'plain@');
    const plain = await runCli(['pitr', 'setup', '--stanza', 'demo', '--repo', repo, '--db', plainUrl]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/superuser or a member of pg_read_all_settings/);
    expect(plain.stderr).toMatch(/GRANT pg_read_all_settings TO plain/);

    const missing = await runCli([
      'pitr',
      'setup',
      '--stanza',
      'demo',
      '--repo',
      repo,
      '--db',
      cluster.url,
      '--pg-data',
      join(cluster.workDir, 'elsewhere'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/not on this machine or not readable here/);
  });

  it('setup prints the ALTER SYSTEM lines, applies the reload-only one, and creates the stanza once archiving is on', async () => {
    const first = await runCli(['pitr', 'setup', '--stanza', 'demo', '--repo', repo, '--db', cluster.url]);
    expect(first.code).toBe(2);
    expect(first.stdout).toContain("ALTER SYSTEM SET archive_mode = 'on';");
    expect(first.stdout).toMatch(
      /ALTER SYSTEM SET archive_command = 'pgbackrest --config=.*pgbackrest\.conf --stanza=demo archive-push %p';/,
    );
    expect(first.stdout).toMatch(/needs a restart/);
    expect(first.stderr).toMatch(/does not archive WAL into stanza demo yet/);
    const configPath = join(repo, 'pgbackrest.conf');
    const config = readFileSync(configPath, 'utf8');
    expect(config).toContain(`pg1-path=${cluster.dataDir}`);
    expect(config).toContain(`pg1-port=${cluster.port}`);

    // --apply runs the reload-only change; archive_mode still waits for a restart
    const applied = await runCli([
      'pitr',
      'setup',
      '--stanza',
      'demo',
      '--repo',
      repo,
      '--db',
      cluster.url,
      '--apply',
      '--format',
      'json',
    ]);
    expect(applied.code).toBe(2);
    const appliedData = json(applied).data as { changes: { setting: string; applied: boolean }[] };
    expect(appliedData.changes.map((c) => [c.setting, c.applied])).toEqual([
      ['archive_mode', false],
      ['archive_command', true],
    ]);
    // while archive_mode is off the server shows archive_command as "(disabled)": ALTER SYSTEM wrote it here
    expect(readFileSync(join(cluster.dataDir, 'postgresql.auto.conf'), 'utf8')).toContain(
      `archive_command = 'pgbackrest --config=${configPath} --stanza=demo archive-push %p'`,
    );

    // the DBA runs the printed line and restarts
    await sql(cluster.url, "ALTER SYSTEM SET archive_mode = 'on'");
    await cluster.restart();
    const ready = await runCli([
      'pitr',
      'setup',
      '--stanza',
      'demo',
      '--repo',
      repo,
      '--db',
      cluster.url,
      '--format',
      'json',
    ]);
    expect(ready.stderr).not.toMatch(/error/i);
    expect(ready.code, ready.stderr + ready.stdout).toBe(0);
    expect(json(ready).data).toMatchObject({
      ready: true,
      stanzaCreated: true,
      checked: true,
      config: 'unchanged',
    });
  });

  it('status before the first backup: no backup is an error; archiving itself is fine', async () => {
    // the project config names the stanza: no --repo needed
    const project = join(cluster.workDir, 'project');
    mkdirSync(project, { recursive: true });
    writeFileSync(
      join(project, 'pgwarden.config.json'),
      JSON.stringify({ pitr: { pgbackrestConfig: join(repo, 'pgbackrest.conf'), stanza: 'demo' } }),
    );
    const status = await runCli(['pitr', 'status', '--db', cluster.url, '--format', 'json'], {
      cwd: project,
    });
    expect(status.code, status.stderr).toBe(1);
    const rules = json(status).findings.map((f) => f.rule);
    expect((json(status).data.skipped as unknown[]).length).toBe(0);
    expect(rules).toEqual(['health/pitr-backup-stale']);
    expect(json(status).findings[0]!.fix).toMatch(
      /^pgwarden pitr backup --stanza demo --pgbackrest-config \S+ --type full$/,
    );
  });

  it('status without a server reads the repository only, and says which rules it left out', async () => {
    const status = await runCli(['pitr', 'status', ...stanzaArgs, '--format', 'json']);
    expect(status.code, status.stderr).toBe(1);
    const report = json(status);
    expect(report.findings.map((f) => f.rule)).toEqual(['health/pitr-backup-stale']);
    expect((report.data.skipped as { rule: string }[]).map((s) => s.rule)).toEqual([
      'health/pitr-archive-failing',
      'health/pitr-archive-lag',
      'health/pitr-archiving-off',
    ]);
    expect(report.data.server).toBeNull();
  });

  let before: string;

  it('backs up, then restores to a noted time: the rows inserted before it are there, their deletion after it is not', async () => {
    const backup = await runCli(['pitr', 'backup', ...stanzaArgs, '--type', 'full', '--format', 'json']);
    expect(backup.stderr).not.toMatch(/error/i);
    expect(backup.code, backup.stderr).toBe(0);
    const taken = json(backup).data as { backup: { type: string; label: string; stoppedAt: string } };
    expect(taken.backup.type).toBe('full');
    expect(taken.backup.label).toMatch(/F$/);

    const healthy = await runCli(['pitr', 'status', ...stanzaArgs, '--db', cluster.url, '--format', 'json']);
    expect(healthy.code).toBe(0);
    expect(json(healthy).findings).toEqual([]);
    expect(json(healthy).data.oldestRecoveryPoint).toBe(taken.backup.stoppedAt);

    before = new Date(Date.parse(taken.backup.stoppedAt) - 60_000).toISOString();
    await sql(cluster.url, 'CREATE TABLE orders (id int PRIMARY KEY, note text)');
    await sql(cluster.url, "INSERT INTO orders SELECT g, 'kept' FROM generate_series(1, 250) g");
    const { noted } = (
      await sql<{ noted: string }>(
        cluster.url,
        "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' AS noted",
      )
    )[0]!;
    await new Promise((done) => setTimeout(done, 50));
    await switchAndArchive(cluster.url);
    await sql(cluster.url, 'DELETE FROM orders');
    await switchAndArchive(cluster.url);

    const into = join(cluster.workDir, 'restored');
    const port = await freePort();
    const restore = await runCli([
      'pitr',
      'restore',
      ...stanzaArgs,
      '--to',
      noted,
      '--into',
      into,
      '--port',
      String(port),
      '--format',
      'json',
    ]);
    expect(restore.stderr).not.toMatch(/error/i);
    expect(restore.code, restore.stderr).toBe(0);
    const restored = json(restore).data as {
      target: { type: string; value: string };
      backup: { label: string };
      startCommand: string;
      archiving: string;
    };
    expect(restored.target).toEqual({ type: 'time', value: noted });
    expect(restored.backup.label).toBe(taken.backup.label);
    expect(restored.archiving).toBe('off');
    expect(restored.startCommand).toContain(`-D ${into}`);
    expect(restored.startCommand).toContain(`'-p ${port}'`);
    const auto = readFileSync(join(into, 'postgresql.auto.conf'), 'utf8');
    expect(auto).toContain(`recovery_target_time = '${noted}'`);
    expect(auto).toContain("recovery_target_action = 'promote'");

    await cluster.exec('pg_ctl', [
      '-D',
      into,
      '-l',
      join(into, 'recovery.log'),
      '-o',
      `-p ${port}`,
      '-w',
      '-t',
      '60',
      'start',
    ]);
    try {
      const restoredUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
      await until('the end of recovery', async () => {
        const [row] = await sql<{ r: boolean }>(restoredUrl, 'SELECT pg_is_in_recovery() AS r');
        return row?.r === false ? true : undefined;
      });
      const { n, kept } = (
        await sql<{ n: number; kept: number }>(
          restoredUrl,
          "SELECT count(*)::int AS n, count(*) FILTER (WHERE note = 'kept')::int AS kept FROM orders",
        )
      )[0]!;
      expect(n).toBe(250);
      expect(kept).toBe(250);
      const { now } = (
        await sql<{ now: number }>(cluster.url, 'SELECT count(*)::int AS now FROM orders')
      )[0]!;
      expect(now).toBe(0);
    } finally {
      await cluster.exec('pg_ctl', ['-D', into, '-m', 'immediate', '-w', 'stop']).catch(() => {});
    }
  });

  it('restore refuses a non-empty folder and a time before the oldest recovery point', async () => {
    const full = join(cluster.workDir, 'not-empty');
    mkdirSync(full, { recursive: true });
    writeFileSync(join(full, 'keep.txt'), 'x');
    const nonEmpty = await runCli(['pitr', 'restore', ...stanzaArgs, '--to', 'now_point', '--into', full]);
    expect(nonEmpty.code, nonEmpty.stderr).toBe(2);
    expect(nonEmpty.stderr).toMatch(/is not empty: a restore never writes over files/);
    expect(readFileSync(join(full, 'keep.txt'), 'utf8')).toBe('x');

    const early = await runCli([
      'pitr',
      'restore',
      ...stanzaArgs,
      '--to',
      before,
      '--into',
      join(cluster.workDir, 'too-early'),
    ]);
    expect(early.code, early.stderr).toBe(2);
    expect(early.stderr).toMatch(/is before the oldest recovery point of stanza demo/);
    expect(existsSync(join(cluster.workDir, 'too-early'))).toBe(false);
  });

  it('status reports failing archiving and the backlog it leaves, and clears once archiving works again', async () => {
    const configPath = join(repo, 'pgbackrest.conf');
    const broken = `pgbackrest --config=${join(dirname(configPath), 'missing.conf')} --stanza=demo archive-push %p`;
    await sql(cluster.url, `ALTER SYSTEM SET archive_command = '${broken}'`);
    await sql(cluster.url, 'SELECT pg_reload_conf()');
    await until('the broken archive_command', async () => {
      const [row] = await sql<{ c: string }>(cluster.url, "SELECT current_setting('archive_command') AS c");
      return row?.c === broken ? true : undefined;
    });
    await sql(cluster.url, 'CREATE TABLE filler (id int)');
    for (let i = 0; i < 12; i++) {
      await sql(cluster.url, 'INSERT INTO filler VALUES (1); SELECT pg_switch_wal()');
    }
    await until('a failed archive attempt', async () => {
      const [row] = await sql<{ failed: number }>(
        cluster.url,
        'SELECT failed_count::int AS failed FROM pg_stat_archiver',
      );
      return (row?.failed ?? 0) > 0 ? true : undefined;
    });
    const failing = await runCli(['pitr', 'status', ...stanzaArgs, '--db', cluster.url, '--format', 'json']);
    expect(failing.code).toBe(1);
    const findings = json(failing).findings;
    expect(findings.map((f) => f.rule)).toEqual(['health/pitr-archive-failing', 'health/pitr-archive-lag']);
    expect(findings.map((f) => f.severity)).toEqual(['error', 'warning']);

    await sql(
      cluster.url,
      `ALTER SYSTEM SET archive_command = 'pgbackrest --config=${configPath} --stanza=demo archive-push %p'`,
    );
    await sql(cluster.url, 'SELECT pg_reload_conf()');
    await switchAndArchive(cluster.url);
    const fixed = await runCli(['pitr', 'status', ...stanzaArgs, '--db', cluster.url, '--format', 'json']);
    expect(json(fixed).findings).toEqual([]);
    expect(fixed.code).toBe(0);
  });
});
