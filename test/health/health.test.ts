import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuleSet } from '../../src/core/engine.js';
import type { Finding } from '../../src/core/finding.js';
import type { Report } from '../../src/core/report.js';
import { Connection } from '../../src/db/connection.js';
import { withDatabase } from '../../src/db/url.js';
import { type HealthData, healthReport } from '../../src/ops/health.js';
import { allRules } from '../../src/rules/index.js';
import { cliPath, runCli } from '../helpers/cli.js';
import { clusterBinariesExist, startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { sharedTempDir as tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);

/** Thresholds a test can reach in seconds (the defaults are minutes): every other option stays at its default. */
const FAST = createRuleSet(allRules, {
  rules: {
    'health/idle-in-transaction': { options: { warningSeconds: 1 } },
    'health/long-running-query': { options: { warningSeconds: 1 } },
    'health/blocked-sessions': { options: { minWaitSeconds: 1 } },
    'health/xmin-horizon': { options: { minSeconds: 1 } },
    'health/prepared-transaction': { options: { warningSeconds: 1 } },
    'health/temp-files': { options: { minBytesPerDay: 1024 } },
  },
});

const rulesOf = (findings: readonly Finding[]) => [...new Set(findings.map((f) => f.rule))].sort();
const findingOf = (report: Report<HealthData>, rule: string, object?: string) =>
  report.findings.find(
    (f) =>
      f.rule === rule && (object === undefined || ('object' in f.location && f.location.object === object)),
  );

async function until(
  what: string,
  check: () => Promise<boolean>,
  seconds = 20,
  pauseMs = 200,
): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, pauseMs));
  }
}

describe.skipIf(!clusterBinariesExist())('pgwarden health on a planted PostgreSQL 15 cluster', () => {
  let cluster: TestCluster;
  let url: string;
  let admin: Connection;
  const sessions: Connection[] = [];
  const pending: Promise<unknown>[] = [];
  let healthy: Report<HealthData>;
  let planted: Report<HealthData>;
  const pids: Record<string, number> = {};

  const session = async () => {
    const connection = await Connection.open(url, { applicationName: 'planted' });
    sessions.push(connection);
    return connection;
  };
  const pidOf = async (connection: Connection) =>
    Number((await connection.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);

  beforeAll(async () => {
    cluster = await startTestCluster({
      settings: {
        max_connections: 30,
        max_prepared_transactions: 5,
        shared_preload_libraries: 'pg_stat_statements',
        wal_level: 'logical',
        archive_mode: 'on',
        archive_command: 'true',
      },
    });
    const server = await Connection.open(cluster.url);
    await server.query('CREATE DATABASE shop');
    await server.close();
    url = withDatabase(cluster.url, 'shop');
    admin = await Connection.open(url);
    await admin.query(`
      CREATE EXTENSION pg_stat_statements;
      CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, note text);
      INSERT INTO orders SELECT g, g % 100, 'order ' || g FROM generate_series(1, 2000) g;
      CREATE INDEX orders_customer_id_idx ON orders (customer_id);`);
    await admin.query('VACUUM ANALYZE orders');
    healthy = await healthReport(admin, { ruleSet: FAST });
  }, 120_000);

  afterAll(async () => {
    for (const connection of sessions) await connection.close();
    await Promise.allSettled(pending);
    await admin?.close();
    await cluster?.destroy();
  });

  it('finds nothing on a healthy database, and reads every check', () => {
    expect(healthy.findings).toEqual([]);
    expect(healthy.skipped).toEqual([]);
    expect(healthy.command).toBe('health');
    expect(healthy.data!.health.counts.tables).toBe(1);
    expect(healthy.data!.health.statements).not.toBeNull();
  });

  it('the CLI on the healthy database: Nagios OK with exit 0', async () => {
    const result = await runCli(['health', '--db', url, '--nagios']);
    expect(result.stdout).toMatch(/^PGWARDEN_HEALTH OK: shop: no problem found .*\| connections=\d+;;;0;30 /);
    expect(result.code).toBe(0);
  });

  describe('with every condition planted', () => {
    beforeAll(async () => {
      // a logical slot waits for the transactions running when it is made: before the sessions below
      await admin.query(`SELECT pg_create_physical_replication_slot('lost_replica', true)`);
      await admin.query(`SELECT pg_create_logical_replication_slot('lost_cdc', 'test_decoding')`);
      await admin.query(`
        CREATE SEQUENCE ticket_seq MAXVALUE 100;
        SELECT setval('ticket_seq', 96);
        CREATE TABLE dups (v int);
        INSERT INTO dups VALUES (1), (1);
        CREATE INDEX orders_customer_copy ON orders (customer_id);
        CREATE TABLE churn (id int, payload text) WITH (autovacuum_enabled = false);
        INSERT INTO churn SELECT g, repeat('x', 20) FROM generate_series(1, 10000) g;
        DELETE FROM churn WHERE id <= 6000;
        ALTER TABLE orders ADD CONSTRAINT orders_id_positive CHECK (id > 0) NOT VALID;
        CREATE TABLE audit (at timestamptz);
        CREATE FUNCTION audit_order() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN INSERT INTO audit VALUES (now()); RETURN NEW; END$$;
        CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION audit_order();
        ALTER TABLE orders DISABLE TRIGGER orders_audit;
        CREATE TABLE chain (v int);
        INSERT INTO chain VALUES (1);`);
      await admin
        .query('CREATE UNIQUE INDEX CONCURRENTLY dups_v_key ON dups (v)')
        .then(() => {
          throw new Error('the unique index was built: the test needs it to fail');
        })
        .catch((error: Error) => expect(error.message).toMatch(/could not create unique index/));
      // a sort that spills with a tiny work_mem, flushed to the statistics
      await admin.query(`SET work_mem = '64kB'`);
      await admin.query(
        'SELECT count(*) FROM (SELECT g FROM generate_series(1, 200000) g ORDER BY random()) s',
      );
      await admin.query('RESET work_mem');
      // the N+1 shape: one row per call, many calls
      for (let i = 1; i <= 1200; i++) await admin.query('SELECT * FROM orders WHERE id = $1', [i % 2000]);
      await admin.query('SELECT pg_stat_force_next_flush()');
      for (let i = 0; i < 12; i++) await admin.query('CHECKPOINT');
      // archiving that fails from now on
      await admin.query(`ALTER SYSTEM SET archive_command = 'false'`);
      await admin.query('SELECT pg_reload_conf()');
      // the archiver takes the new command at its next loop: switch segments until one fails
      await until(
        'the archiver to fail',
        async () => {
          const rows = await admin.query<{ failed: string }>(
            'SELECT failed_count AS failed FROM pg_stat_archiver',
          );
          if (Number(rows.rows[0]!.failed) > 0) return true;
          await admin.query('INSERT INTO audit VALUES (now())');
          await admin.query('SELECT pg_switch_wal()');
          return false;
        },
        60,
        1000,
      );

      // an idle transaction holding an XID and the xmin horizon
      const idle = await session();
      pids.idle = await pidOf(idle);
      await idle.query('BEGIN');
      await idle.query('SELECT txid_current()');
      await idle.query('SELECT count(*) FROM orders');
      // a prepared transaction
      const twoPhase = await session();
      await twoPhase.query('BEGIN');
      await twoPhase.query('INSERT INTO audit VALUES (now())');
      await twoPhase.query(`PREPARE TRANSACTION 'forgotten'`);
      // a blocking chain of three: blocker ← updater ← reader
      const blocker = await session();
      pids.blocker = await pidOf(blocker);
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE chain IN ACCESS EXCLUSIVE MODE');
      const updater = await session();
      pids.updater = await pidOf(updater);
      pending.push(updater.query('UPDATE chain SET v = 2').catch(() => {}));
      const reader = await session();
      pids.reader = await pidOf(reader);
      // SHARE conflicts with the updater's queued ROW EXCLUSIVE too: it waits behind both
      pending.push(reader.query('BEGIN; LOCK TABLE chain IN SHARE MODE; COMMIT').catch(() => {}));
      // a long query
      const sleeper = await session();
      pids.sleeper = await pidOf(sleeper);
      pending.push(sleeper.query('SELECT pg_sleep(120)').catch(() => {}));
      // idle connections up to 80% of max_connections 30
      for (let i = 0; i < 18; i++) await session();
      await until('the chain to wait', async () => {
        const rows = await admin.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = 'shop'`,
        );
        return Number(rows.rows[0]!.n) === 2;
      });
      await new Promise((done) => setTimeout(done, 1500));
      planted = await healthReport(admin, { ruleSet: FAST });
    }, 120_000);

    it('reports each planted condition, with its fix', () => {
      expect(rulesOf(planted.findings)).toEqual(
        [
          'health/analyze-lag',
          'health/blocked-sessions',
          'health/checkpoints-requested',
          'health/connections',
          'health/disabled-trigger',
          'health/duplicate-index',
          'health/idle-in-transaction',
          'health/inactive-replication-slot',
          'health/invalid-index',
          'health/long-running-query',
          'health/n-plus-one',
          'health/not-valid-constraint',
          'health/prepared-transaction',
          'health/sequence-exhaustion',
          'health/temp-files',
          'health/vacuum-lag',
          'health/xmin-horizon',
          'health/archiver-failing',
        ].sort(),
      );

      const chain = findingOf(planted, 'health/blocked-sessions')!;
      expect(chain.location).toEqual({ object: `pid ${pids.blocker}`, kind: 'query' });
      expect(chain.fix).toBe(`SELECT pg_terminate_backend(${pids.blocker});`);
      expect(chain.message).toContain(`blocks 2 sessions`);
      expect(chain.message).toContain(`pid ${pids.updater} waits`);
      expect(chain.message).toMatch(
        new RegExp(
          `pid ${pids.reader} waits [^;]* for (pid ${pids.blocker}, pid ${pids.updater}|pid ${pids.updater}, pid ${pids.blocker})`,
        ),
      );

      const idle = findingOf(planted, 'health/idle-in-transaction', `pid ${pids.idle}`)!;
      expect(idle.fix).toBe(`SELECT pg_terminate_backend(${pids.idle});`);
      expect(findingOf(planted, 'health/long-running-query', `pid ${pids.sleeper}`)?.message).toMatch(
        /pg_sleep/,
      );

      const horizon = findingOf(planted, 'health/xmin-horizon')!;
      const kinds = new Set(
        (horizon.evidence!.holders as { kind: string; name: string }[]).map((h) => `${h.kind} ${h.name}`),
      );
      expect(kinds).toContain(`session pid ${pids.idle}`);
      expect(kinds).toContain('prepared transaction forgotten');
      expect(kinds).toContain('replication slot lost_cdc');

      expect(findingOf(planted, 'health/prepared-transaction')?.fix).toBe(`ROLLBACK PREPARED 'forgotten';`);
      expect(
        findingOf(planted, 'health/inactive-replication-slot', 'replication slot lost_replica')?.fix,
      ).toBe(`SELECT pg_drop_replication_slot('lost_replica');`);
      const sequence = findingOf(planted, 'health/sequence-exhaustion', 'public.ticket_seq')!;
      expect(sequence.severity).toBe('error');
      expect(sequence.fix).toBe('ALTER SEQUENCE public.ticket_seq NO MAXVALUE;');
      expect(findingOf(planted, 'health/invalid-index', 'public.dups_v_key')?.fix).toBe(
        'REINDEX INDEX CONCURRENTLY public.dups_v_key;',
      );
      expect(findingOf(planted, 'health/duplicate-index', 'public.orders_customer_id_idx')?.message).toMatch(
        /identical to public.orders_customer_copy|identical to/,
      );
      const churn = findingOf(planted, 'health/vacuum-lag', 'public.churn')!;
      expect(churn.message).toMatch(/6,000 dead rows .*autovacuum is disabled for it/);
      expect(churn.fix).toBe(
        'VACUUM (VERBOSE, ANALYZE) public.churn;\nALTER TABLE public.churn RESET (autovacuum_enabled);',
      );
      expect(findingOf(planted, 'health/n-plus-one')?.message).toMatch(
        /called 1,2\d\d times .*SELECT \* FROM orders WHERE id = \$1/,
      );
      expect(findingOf(planted, 'health/not-valid-constraint')?.fix).toBe(
        'ALTER TABLE public.orders VALIDATE CONSTRAINT orders_id_positive;',
      );
      expect(findingOf(planted, 'health/disabled-trigger')?.fix).toBe(
        'ALTER TABLE public.orders ENABLE TRIGGER orders_audit;',
      );
      expect(planted.skipped).toEqual([]);
    });

    it('check_postgres side by side: every shared condition it detects, pgwarden detects', async () => {
      // check_postgres action (and the thresholds it needs, where it has no default) → the rule that covers it
      const shared: [string, string[], string][] = [
        ['backends', ['--warning=75%', '--critical=95%'], 'health/connections'],
        ['txn_idle', ['--warning=1 second'], 'health/idle-in-transaction'],
        ['txn_time', ['--warning=1 second'], 'health/xmin-horizon'],
        ['query_time', ['--warning=1 second'], 'health/long-running-query'],
        // (check_postgres 2.25, Debian's, has no lockwait action; `locks` counts locks, not waits)
        ['prepared_txns', [], 'health/prepared-transaction'],
        ['sequence', [], 'health/sequence-exhaustion'],
        ['disabled_triggers', [], 'health/disabled-trigger'],
        ['replication_slots', ['--warning=1'], 'health/inactive-replication-slot'],
        ['txn_wraparound', [], 'health/xid-wraparound'],
        ['autovac_freeze', [], 'health/xid-wraparound'],
        ['archive_ready', [], 'health/archiver-failing'],
      ];
      const detected: string[] = [];
      for (const [action, thresholds, rule] of shared) {
        const { code, stdout } = await run(
          'check_postgres',
          [
            `--action=${action}`,
            '--host=127.0.0.1',
            `--port=${cluster.port}`,
            '--dbuser=postgres',
            '--dbname=shop',
            ...thresholds,
          ],
          { env: { ...process.env, PGCONNECT_TIMEOUT: '5' } },
        ).then(
          ({ stdout }) => ({ code: 0, stdout }),
          (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
        );
        expect(code, `${action}: ${stdout}`).toBeLessThan(3);
        if (code === 0) continue;
        detected.push(action);
        expect(rulesOf(planted.findings), `check_postgres ${action} detected: ${stdout}`).toContain(rule);
      }
      // the planted conditions it can see, it saw: the comparison is not vacuous
      expect(detected).toEqual(
        expect.arrayContaining([
          'backends',
          'txn_idle',
          'txn_time',
          'query_time',
          'prepared_txns',
          'sequence',
          'disabled_triggers',
          'replication_slots',
        ]),
      );
    });

    it('the CLI: Prometheus exposition that promtool accepts, Nagios CRITICAL with exit 2, the JSON envelope', async () => {
      const prometheus = await runCli(['health', '--db', url, '--format', 'prometheus', '--fail-on', 'none']);
      expect(prometheus.code).toBe(0);
      expect(prometheus.stdout).toContain('pgwarden_up 1');
      expect(prometheus.stdout).toMatch(
        /pgwarden_replication_slot_active\{slot_name="lost_cdc",slot_type="logical"\} 0/,
      );
      expect(prometheus.stdout).toMatch(/pgwarden_sequence_used_ratio\{sequence="public.ticket_seq"\} 0\.9/);
      const file = join(tempDir('pgwarden-health-'), 'metrics.prom');
      writeFileSync(file, prometheus.stdout);
      const promtool = await run('sh', ['-c', `promtool check metrics < ${file}`]).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
      );
      expect(promtool.out).toBe('');
      expect(promtool.code).toBe(0);

      const nagios = await runCli(['health', '--db', url, '--nagios']);
      expect(nagios.code).toBe(2);
      expect(nagios.stdout.trim().split('\n')).toHaveLength(1);
      expect(nagios.stdout).toMatch(/^PGWARDEN_HEALTH CRITICAL: \d+ critical, \d+ warning: health\//);

      const json = await runCli(['health', '--db', url, '--format', 'json']);
      expect(json.code).toBe(1);
      expect(json.stderr).toBe('');
      const parsed = JSON.parse(json.stdout);
      expect(Object.keys(parsed).slice(0, 6)).toEqual([
        'tool',
        'version',
        'command',
        'findings',
        'summary',
        'skipped',
      ]);
      expect(parsed.command).toBe('health');
      expect(parsed.health.connections.max).toBe(30);
    });

    it('as a role without pg_monitor: the checks run, and the report says what it could not see', async () => {
      await admin.query(`CREATE ROLE plain LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO plain`);
      const plain = await Connection.open(url.replace('postgres@', 'plain@'));
      try {
        const report = await healthReport(plain, { ruleSet: FAST });
        expect(report.skipped.map((s) => s.rule)).toContain('health/idle-in-transaction');
        expect(report.skipped.find((s) => s.rule === 'health/idle-in-transaction')?.reason).toMatch(
          /pg_read_all_stats or pg_monitor/,
        );
        expect(rulesOf(report.findings)).toEqual(
          expect.arrayContaining(['health/invalid-index', 'health/connections']),
        );
      } finally {
        await plain.close();
      }
    });

    it('with a sample: XIDs consumed per second, sequence rates', async () => {
      await admin.query('CREATE SEQUENCE rate_seq');
      const worker = await session();
      let stop = false;
      const consume = (async () => {
        while (!stop) await worker.query(`SELECT txid_current(), nextval('rate_seq')`);
      })();
      const report = await healthReport(admin, { ruleSet: FAST, sampleSeconds: 1 }).finally(() => {
        stop = true;
      });
      await consume.catch(() => {});
      const health = report.data!.health;
      expect(health.sampleSeconds).toBeGreaterThan(0.9);
      expect(health.wraparound.xidPerSecond).toBeGreaterThan(0);
      expect(health.sequences.find((s) => s.name === 'public.rate_seq')?.perSecond).toBeGreaterThan(0);
      // a burst of thousands of XIDs a second, kept up, would reach the limit within weeks: said with the days left
      const rate = health.wraparound.xidPerSecond!;
      const wrap = findingOf(report, 'health/xid-wraparound');
      if (rate * 30 * 86_400 >= 2 ** 31)
        expect(wrap?.message).toMatch(/stops accepting writes in [\d.]+ days/);
      else expect(wrap).toBeUndefined();
    });

    it('the MCP tool: health on the server database', async () => {
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [cliPath, 'mcp', '--db', url, '--project', tempDir('pgwarden-health-mcp-')],
        env: Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined)) as Record<
          string,
          string
        >,
        stderr: 'pipe',
      });
      const client = new Client({ name: 'pgwarden-test', version: '1.0.0' });
      await client.connect(transport);
      try {
        const { tools } = await client.listTools();
        expect(tools.find((t) => t.name === 'health')?.annotations?.readOnlyHint).toBe(true);
        const result = (await client.callTool({ name: 'health', arguments: {} })) as unknown as {
          structuredContent: { command: string; findings: Finding[] };
          content: { text: string }[];
        };
        expect(result.structuredContent.command).toBe('health');
        expect(rulesOf(result.structuredContent.findings)).toContain('health/blocked-sessions');
        expect(result.content[0]!.text).toMatch(/^Health of shop on PostgreSQL 15/);
      } finally {
        await client.close();
      }
    });

    it('has fixes that run and clear what they fix (last: it ends the planted sessions)', async () => {
      const report = await healthReport(admin, { ruleSet: FAST });
      // no fix (advice), a duplicate of another finding's fix, or one that must fail (duplicates in the unique index)
      const notRun = new Set([
        'health/connections',
        'health/checkpoints-requested',
        'health/temp-files',
        'health/n-plus-one',
        'health/archiver-failing',
        'health/xmin-horizon',
        'health/invalid-index',
      ]);
      const horizon = findingOf(report, 'health/xmin-horizon')!;
      const fixes = report.findings.filter((f) => !notRun.has(f.rule)).map((f) => f.fix);
      expect(fixes).toContain(horizon.fix);
      // the sessions first: what holds locks and the horizon, then the objects
      const ordered = [...report.findings]
        .filter((f) => !notRun.has(f.rule))
        .sort(
          (a, b) =>
            Number(b.fix!.startsWith('SELECT pg_') || b.fix!.startsWith('ROLLBACK')) -
            Number(a.fix!.startsWith('SELECT pg_') || a.fix!.startsWith('ROLLBACK')),
        );
      for (const finding of ordered) {
        expect(finding.fix, finding.rule).not.toBeNull();
        for (const statement of finding.fix!.split('\n')) await admin.query(statement);
      }
      await Promise.allSettled(pending);
      const after = await healthReport(admin, { ruleSet: FAST });
      const left = rulesOf(after.findings);
      for (const rule of new Set(ordered.map((f) => f.rule))) expect(left, rule).not.toContain(rule);
      expect(left).not.toContain('health/xmin-horizon');
    });
  });
});
