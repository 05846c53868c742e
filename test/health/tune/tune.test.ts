import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/config.js';
import type { Finding } from '../../../src/core/finding.js';
import type { Report } from '../../../src/core/report.js';
import { Connection } from '../../../src/db/connection.js';
import type { TuneData } from '../../../src/health/tune/render.js';
import { tune } from '../../../src/ops/tune.js';
import { runCli } from '../../helpers/cli.js';
import { clusterBinariesExist, startTestCluster, type TestCluster } from '../../helpers/cluster.js';

/**
 * `pgwarden tune` on a PostgreSQL 15 cluster of its own: its small max_wal_size and work_mem are the planted
 * conditions, and its settings are what the ALTER SYSTEM script changes and a restart proves.
 */
const HARDWARE = { ram: '2GB', cpus: 4, workload: 'oltp' } as const;

/** Low thresholds, so that a few seconds of work are evidence enough. */
const config = {
  config: parseConfig(
    {
      rules: {
        'health/tune-checkpoints-requested': { options: { minCheckpoints: 3 } },
        'health/tune-work-mem-spills': { options: { minTempFiles: 1 } },
        'health/tune-connection-pooler': { options: { minConnections: 10 } },
        'health/tune-table-autovacuum': { options: { minRows: 50_000 } },
      },
    },
    'test',
  ),
  path: null,
  dir: process.cwd(),
};

const EVIDENCE_RULES = [
  'health/tune-checkpoints-requested',
  'health/tune-work-mem-spills',
  'health/tune-connection-pooler',
];

let cluster: TestCluster;

function byRule(report: Report<TuneData>, rule: string): Finding[] {
  return report.findings.filter((f) => f.rule === rule);
}

async function waitFor(what: string, check: () => Promise<boolean>, seconds = 60): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

describe.skipIf(!clusterBinariesExist())('pgwarden tune on a PostgreSQL 15 cluster', () => {
  beforeAll(async () => {
    cluster = await startTestCluster({
      settings: {
        max_wal_size: '32MB',
        min_wal_size: '32MB',
        checkpoint_timeout: '1h',
        work_mem: '64kB',
      },
    });
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('a quiet server gives no workload finding', async () => {
    const report = await tune({ config, db: cluster.url, ...HARDWARE });
    for (const rule of EVIDENCE_RULES) expect(byRule(report, rule), rule).toEqual([]);
    expect(byRule(report, 'health/tune-pending-restart')).toEqual([]);
    // the defaults of a 2 GB OLTP server are far off: shared_buffers 128MB against 512MB
    expect(byRule(report, 'health/tune-setting-differs').map((f) => f.location)).toContainEqual({
      object: 'shared_buffers',
      kind: 'setting',
    });
    const data = report.data!;
    expect(data.inputs.ram).toEqual({ value: '2GB', from: '--ram' });
    expect(data.inputs.connections).toEqual({ value: 100, from: "the server's max_connections" });
    expect(data.inputs.pgVersion).toEqual({ value: 15, from: 'the server' });
    expect(data.settings?.find((s) => s.name === 'shared_buffers')).toMatchObject({
      current: '128MB',
      recommended: '512MB',
      restart: true,
      context: 'postmaster',
    });
  });

  it('spills, requested checkpoints and idle connections each give their finding and fix', async () => {
    const work = await Connection.open(cluster.url);
    const idle: Connection[] = [];
    try {
      await work.query(
        'CREATE TABLE churn AS SELECT g AS id, md5(g::text) AS body FROM generate_series(1, 600000) g',
      );
      await work.query('INSERT INTO churn SELECT * FROM churn');
      await work.query(`SET work_mem = '64kB'`);
      await work.query('SELECT count(*) FROM (SELECT body FROM churn ORDER BY body DESC) sorted');
      await waitFor('the checkpoints and temporary files in the statistics', async () => {
        const { rows } = await work.query<{ requested: number; files: number }>(
          `SELECT (SELECT checkpoints_req FROM pg_stat_bgwriter)::int AS requested,
                  (SELECT temp_files FROM pg_stat_database WHERE datname = current_database())::int AS files`,
        );
        return rows[0]!.requested >= 3 && rows[0]!.files >= 1;
      });
      for (let i = 0; i < 12; i++) idle.push(await Connection.open(cluster.url));

      const report = await tune({ config, db: cluster.url, ...HARDWARE });
      const [checkpoints] = byRule(report, 'health/tune-checkpoints-requested');
      expect(checkpoints?.message).toMatch(
        /checkpoints were requested .*max_wal_size 32MB.*raise max_wal_size to 8GB/,
      );
      expect(checkpoints?.fix).toBe("ALTER SYSTEM SET max_wal_size = '8GB';\nSELECT pg_reload_conf();");
      const [spills] = byRule(report, 'health/tune-work-mem-spills');
      expect(spills?.message).toMatch(/^queries wrote \d+ temporary files .* with work_mem 64kB/);
      expect(spills?.evidence).toMatchObject({ workMem: '64kB' });
      const [pooler] = byRule(report, 'health/tune-connection-pooler');
      expect(pooler?.message).toMatch(/^1[2-9] of 1[2-9] client connections are idle/);
      expect(report.data!.workload?.checkpointsRequested).toBeGreaterThanOrEqual(3);
      // the script carries the evidence's changes too
      expect(report.data!.changes.map((c) => c.name)).toEqual(
        expect.arrayContaining(['max_wal_size', 'shared_buffers']),
      );
    } finally {
      for (const connection of idle) await connection.close();
      await work.close();
    }
  });

  it("the ALTER SYSTEM script runs, marks the restart, sets the tables' own autovacuum settings, and after a restart the server has the values", async () => {
    const setup = await Connection.open(cluster.url);
    try {
      await setup.query(`CREATE TABLE "Tune Events" (id bigint, kind int);
        INSERT INTO "Tune Events" SELECT g, g % 7 FROM generate_series(1, 60000) g;
        ANALYZE "Tune Events";`);
    } finally {
      await setup.close();
    }
    const configFile = join(cluster.workDir, 'pgwarden.config.json');
    writeFileSync(configFile, JSON.stringify({ rules: config.config.rules }));
    const cli = await runCli([
      '--config',
      configFile,
      'tune',
      '--db',
      cluster.url,
      '--ram',
      HARDWARE.ram,
      '--cpus',
      String(HARDWARE.cpus),
      '--workload',
      HARDWARE.workload,
      '--format',
      'sql',
    ]);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/^-- RESTART needed after the reload for: .*shared_buffers/m);
    expect(cli.stdout).toContain("ALTER SYSTEM SET shared_buffers = '512MB'; -- RESTART");
    expect(cli.stdout).toContain("ALTER SYSTEM SET random_page_cost = '1.1';");
    // the big table's own autovacuum settings, after the reload (health/tune-table-autovacuum's fix)
    expect(cli.stdout).toMatch(
      /^SELECT pg_reload_conf\(\);\n[\s\S]*^ALTER TABLE public\."Tune Events" SET \(autovacuum_vacuum_scale_factor = 0\.05, autovacuum_vacuum_threshold = 1000\);$/m,
    );
    const script = join(cluster.workDir, 'tune.sql');
    writeFileSync(script, cli.stdout, { mode: 0o644 });
    await cluster.exec('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-q', '-d', cluster.url, '-f', script]);

    const pending = await tune({ config, db: cluster.url, ...HARDWARE });
    // every table of the script has its settings now, and tune no longer asks for them
    const altered = [...cli.stdout.matchAll(/^ALTER TABLE (.+) SET \((.+)\);$/gm)];
    expect(altered.map((m) => m[1])).toContain('public."Tune Events"');
    const check = await Connection.open(cluster.url);
    try {
      for (const [, table, settings] of altered) {
        const { rows } = await check.query<{ reloptions: string[] | null }>(
          'SELECT reloptions FROM pg_class WHERE oid = $1::regclass',
          [table],
        );
        expect(rows[0]!.reloptions, table).toEqual(settings!.split(', ').map((s) => s.replace(' = ', '=')));
      }
    } finally {
      await check.close();
    }
    expect(byRule(pending, 'health/tune-table-autovacuum')).toEqual([]);
    expect(byRule(pending, 'health/tune-pending-restart').map((f) => f.location)).toContainEqual({
      object: 'shared_buffers',
      kind: 'setting',
    });

    await cluster.restart();
    const after = await tune({ config, db: cluster.url, ...HARDWARE });
    expect(byRule(after, 'health/tune-setting-differs')).toEqual([]);
    expect(byRule(after, 'health/tune-pending-restart')).toEqual([]);
    const shown = new Map(after.data!.settings!.map((s) => [s.name, s]));
    expect(shown.get('shared_buffers')).toMatchObject({ current: '512MB', differs: false });
    expect(shown.get('random_page_cost')).toMatchObject({ current: '1.1', differs: false });
    expect(shown.get('max_wal_size')).toMatchObject({ current: '8GB', differs: false });
    const connection = await Connection.open(cluster.url);
    try {
      const { rows } = await connection.query<{ shared_buffers: string; jit: string }>(
        `SELECT current_setting('shared_buffers') AS shared_buffers, current_setting('jit') AS jit`,
      );
      expect(rows[0]).toEqual({ shared_buffers: '512MB', jit: 'off' });
    } finally {
      await connection.close();
    }
  });
});

describe('pgwarden tune without a server', () => {
  it("prints PGTune's list as JSON in the one envelope, and as a postgresql.conf snippet", async () => {
    const json = await runCli([
      'tune',
      '--ram',
      '16GB',
      '--cpus',
      '8',
      '--workload',
      'oltp',
      '--format',
      'json',
    ]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as Report & TuneData;
    expect(report).toMatchObject({ tool: 'pgwarden', command: 'tune', findings: [], settings: null });
    expect(report.source).toBe('no server (the hardware given)');
    expect(report.changes.find((c) => c.name === 'shared_buffers')).toMatchObject({
      value: '4GB',
      restart: true,
    });
    const conf = await runCli([
      'tune',
      '--ram',
      '16GB',
      '--cpus',
      '8',
      '--workload',
      'oltp',
      '--format',
      'conf',
    ]);
    expect(conf.code).toBe(0);
    expect(conf.stdout).toMatch(/^shared_buffers = 4GB +# restart: /m);
    expect(conf.stdout).toMatch(/^work_mem = 13617kB +# /m);
  });

  it.concurrent.each([
    [['--ram', '0'], /--ram 0: not an amount of memory/],
    [['--ram', '16'], /--ram 16: not an amount of memory/],
    [['--ram', '16GB', '--cpus', 'x'], /--cpus x: not a whole number/],
    [['--ram', '16GB', '--workload', 'batch'], /--workload batch: not one of web, oltp, dw, desktop, mixed/],
    [['--ram', '16GB', '--storage', 'tape'], /--storage tape: not one of ssd, hdd, san, nvme/],
    [['--ram', '16GB', '--pg-version', '9'], /--pg-version 9: not a whole number from 10 to 18/],
  ])('tune %j: one clear error and exit 2', async (args, message) => {
    const result = await runCli(['tune', ...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^pgwarden: error: /);
    expect(lines[0]).toMatch(message);
    expect(lines.slice(1).every((line) => line.startsWith('  hint: '))).toBe(true);
  });
});
