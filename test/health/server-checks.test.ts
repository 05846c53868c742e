import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuleSet } from '../../src/core/engine.js';
import type { Finding } from '../../src/core/finding.js';
import { Connection } from '../../src/db/connection.js';
import { withDatabase } from '../../src/db/url.js';
import { readMetrics } from '../../src/health/metrics/collect.js';
import { renderExposition } from '../../src/health/metrics/exposition.js';
import { metricFamilies } from '../../src/health/metrics/families.js';
import { renderHealthPrometheus } from '../../src/health/prometheus.js';
import { healthReport } from '../../src/ops/health.js';
import { allRules } from '../../src/rules/index.js';
import { clusterBinariesExist, startTestCluster, type TestCluster } from '../helpers/cluster.js';

/** Replication lag from 1 MB, so that a test writes seconds of WAL, not minutes. */
const RULES = createRuleSet(allRules, {
  rules: { 'health/replication-lag': { options: { warningBytes: 1024 ** 2, warningSeconds: 3600 } } },
});
const NEW_RULES = [
  'health/autovacuum-saturated',
  'health/collation-version-drift',
  'health/extension-outdated',
  'health/replication-lag',
];

async function until(what: string, check: () => Promise<boolean>, seconds = 30): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

/** Runs a fix as a DBA pastes it: one statement at a time (REINDEX CONCURRENTLY refuses a transaction block). */
async function runFix(connection: Connection, fix: string): Promise<void> {
  for (const line of fix.split('\n')) if (!line.startsWith('--')) await connection.query(line);
}

describe.skipIf(!clusterBinariesExist())(
  'health: autovacuum workers, replication lag, extensions, collations',
  () => {
    let cluster: TestCluster;
    let url: string;
    let admin: Connection;
    const findingsOf = async (rule: string): Promise<Finding[]> =>
      (await healthReport(admin, { ruleSet: RULES })).findings.filter((f) => f.rule === rule);

    beforeAll(async () => {
      // one autovacuum worker, looking every second: one slow table keeps it busy
      cluster = await startTestCluster({ settings: { autovacuum_max_workers: 1, autovacuum_naptime: 1 } });
      const server = await Connection.open(cluster.url);
      await server.query('CREATE DATABASE shop');
      await server.close();
      url = withDatabase(cluster.url, 'shop');
      admin = await Connection.open(url);
    }, 120_000);

    afterAll(async () => {
      await admin?.close();
      await cluster?.destroy();
    });

    it('finds none of these on a fresh cluster', async () => {
      const report = await healthReport(admin, { ruleSet: RULES });
      expect(report.findings.filter((f) => NEW_RULES.includes(f.rule))).toEqual([]);
      expect(report.skipped.filter((s) => NEW_RULES.includes(s.rule))).toEqual([]);
    });

    it('an extension created at an old version: found, and its fix updates it', async () => {
      await admin.query(`CREATE EXTENSION hstore VERSION '1.4'`);
      const [finding, ...rest] = await findingsOf('health/extension-outdated');
      expect(rest).toEqual([]);
      expect(finding!.message).toMatch(
        /^extension hstore is installed at version 1\.4; the server's files default to 1\.\d+$/,
      );
      expect(finding!.fix).toBe('ALTER EXTENSION hstore UPDATE;');
      await runFix(admin, finding!.fix!);
      expect(await findingsOf('health/extension-outdated')).toEqual([]);
    });

    it('an ICU collation and a database whose recorded versions drifted: found, and the fixes rebuild and refresh', async () => {
      await admin.query(`
      CREATE COLLATION german (provider = icu, locale = 'de');
      CREATE COLLATION unused_one (provider = icu, locale = 'fr');
      CREATE TABLE streets (name text COLLATE german);
      INSERT INTO streets SELECT 'Straße ' || g FROM generate_series(1, 100) g;
      CREATE INDEX streets_name_idx ON streets (name);
      UPDATE pg_collation SET collversion = '1.0' WHERE collname IN ('german', 'unused_one');`);
      await admin.query(
        `CREATE DATABASE icu_db LOCALE_PROVIDER icu ICU_LOCALE 'en' LOCALE 'C.UTF-8' TEMPLATE template0`,
      );
      await admin.query(`UPDATE pg_database SET datcollversion = '1.0' WHERE datname = 'icu_db'`);
      const findings = await findingsOf('health/collation-version-drift');
      expect(findings.map((f) => f.location)).toEqual([
        { object: 'collation public.german', kind: 'database' },
        { object: 'icu_db', kind: 'database' },
      ]);
      const [collation, database] = findings;
      expect(collation!.message).toMatch(
        /^ICU collation public\.german was recorded at version 1\.0, the library now reports [\d.]+: 1 index\(es\) use it: public\.streets_name_idx$/,
      );
      expect(collation!.fix).toBe(
        'REINDEX INDEX CONCURRENTLY public.streets_name_idx;\nALTER COLLATION public.german REFRESH VERSION;',
      );
      expect(database!.fix).toBe(
        '-- connected to database icu_db:\nREINDEX DATABASE CONCURRENTLY icu_db;\nALTER DATABASE icu_db REFRESH COLLATION VERSION;',
      );
      await runFix(admin, collation!.fix!);
      const icu = await Connection.open(withDatabase(cluster.url, 'icu_db'));
      try {
        await runFix(icu, database!.fix!);
      } finally {
        await icu.close();
      }
      expect(await findingsOf('health/collation-version-drift')).toEqual([]);
    }, 60_000);

    it('a standby made with pg_basebackup whose replay is paused: lag found at the replay stage', async () => {
      const standbyDir = `${cluster.workDir}/standby`;
      const port = cluster.port + 1;
      await cluster.exec('pg_basebackup', [
        '-h',
        '127.0.0.1',
        '-p',
        String(cluster.port),
        '-U',
        'postgres',
        '-D',
        standbyDir,
        '-R',
        '-X',
        'stream',
        '-c',
        'fast',
      ]);
      // -R wrote primary_conninfo into postgresql.auto.conf: a later line there names the standby
      appendFileSync(
        `${standbyDir}/postgresql.auto.conf`,
        `\nport = ${port}\nprimary_conninfo = 'host=127.0.0.1 port=${cluster.port} user=postgres application_name=replica1'\n`,
      );
      await cluster.exec('pg_ctl', [
        '-D',
        standbyDir,
        '-l',
        `${cluster.workDir}/standby.log`,
        '-w',
        '-t',
        '30',
        'start',
      ]);
      const standby = await Connection.open(`postgres://postgres@127.0.0.1:${port}/postgres`);
      try {
        await until('the standby to stream', async () => {
          const rows = (await admin.query(`SELECT 1 FROM pg_stat_replication WHERE state = 'streaming'`))
            .rows;
          return rows.length === 1;
        });
        expect(await findingsOf('health/replication-lag')).toEqual([]);
        await standby.query('SELECT pg_wal_replay_pause()');
        await admin.query(
          `CREATE TABLE wal_filler AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 30000) g`,
        );
        let findings: Finding[] = [];
        // the WAL reaches the standby within moments (until then the finding says it is not written there yet),
        // and stays unreplayed
        await until('the lag to show at the replay stage', async () => {
          findings = await findingsOf('health/replication-lag');
          return findings.length === 1 && findings[0]!.message.includes('received but not replayed');
        });
        expect(findings[0]!.location).toEqual({ object: 'standby replica1', kind: 'database' });
        expect(findings[0]!.message).toMatch(
          /^standby replica1 \(127\.0\.0\.1\), async and streaming, is [\d.]+ (kB|MB) of WAL behind in replay.*; most of it received but not replayed/,
        );
        // the exporter's series of the same lag
        const families = metricFamilies([
          {
            target: 'primary',
            reading: await readMetrics(admin, { statementTimeoutMs: 10_000, topTables: 5 }),
            error: null,
            seconds: 0,
          },
        ]);
        const lag = families.find((f) => f.name === 'pgwarden_replication_lag_bytes')!;
        const replay = lag.samples.find((x) => x.labels.stage === 'replay')!;
        expect(replay.labels).toEqual({ target: 'primary', standby: 'replica1', stage: 'replay' });
        expect(replay.value).toBeGreaterThan(1024 ** 2);
        const promtool = spawnSync('/usr/bin/promtool', ['check', 'metrics'], {
          input: renderExposition(families),
        });
        expect(`${promtool.stdout}${promtool.stderr}`).toBe('');
        expect(promtool.status).toBe(0);
        // and health --format prometheus, under the same names
        const report = await healthReport(admin, { ruleSet: RULES });
        const text = renderHealthPrometheus({
          findings: report.findings,
          health: report.data!.health,
          skipped: [],
        });
        expect(text).toMatch(/^pgwarden_replication_lag_bytes\{standby="replica1",stage="replay"\} \d+$/m);
        const checked = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: text });
        expect(`${checked.stdout}${checked.stderr}`).toBe('');
        await standby.query('SELECT pg_wal_replay_resume()');
        await until(
          'the standby to catch up',
          async () => (await findingsOf('health/replication-lag')).length === 0,
        );
        await admin.query('DROP TABLE wal_filler');
      } finally {
        await standby.close();
        await cluster.exec('pg_ctl', ['-D', standbyDir, '-w', '-t', '60', '-m', 'immediate', 'stop']);
      }
    }, 120_000);

    it('the one autovacuum worker busy on a throttled table while another waits over its threshold', async () => {
      await admin.query(`
      CREATE TABLE slow_to_vacuum (id int, pad text) WITH (autovacuum_vacuum_cost_delay = 100, autovacuum_vacuum_cost_limit = 1);
      CREATE TABLE waits_too (id int, pad text) WITH (autovacuum_vacuum_cost_delay = 100, autovacuum_vacuum_cost_limit = 1);
      INSERT INTO slow_to_vacuum SELECT g, repeat('x', 100) FROM generate_series(1, 30000) g;
      INSERT INTO waits_too SELECT g, repeat('x', 100) FROM generate_series(1, 30000) g;
      ANALYZE slow_to_vacuum; ANALYZE waits_too;
      DELETE FROM slow_to_vacuum; DELETE FROM waits_too;`);
      let findings: Finding[] = [];
      // the one worker may first finish a table an earlier test wrote (the replication test's WAL filler): wait
      // until it works on one of these two
      await until('the worker to be busy on one of the two tables', async () => {
        findings = await findingsOf('health/autovacuum-saturated');
        return (
          findings.length === 1 &&
          /^all 1 autovacuum workers are busy \(VACUUM (ANALYZE )?public\.(slow_to_vacuum|waits_too) /.test(
            findings[0]!.message,
          )
        );
      });
      expect(findings[0]!.message).toMatch(
        /^all 1 autovacuum workers are busy \(VACUUM (ANALYZE )?public\.(slow_to_vacuum|waits_too) for/,
      );
      expect(findings[0]!.message).toMatch(
        /while 1 table\(s\) wait over their threshold: public\.(waits_too|slow_to_vacuum) \(30,000 dead rows\)/,
      );
      expect(findings[0]!.fix).toBe(
        "ALTER SYSTEM SET autovacuum_vacuum_cost_limit = '1000';\nSELECT pg_reload_conf();",
      );
      await admin.query(
        'ALTER TABLE slow_to_vacuum RESET (autovacuum_vacuum_cost_delay, autovacuum_vacuum_cost_limit)',
      );
      await admin.query(
        'ALTER TABLE waits_too RESET (autovacuum_vacuum_cost_delay, autovacuum_vacuum_cost_limit)',
      );
      await runFix(admin, findings[0]!.fix!);
    }, 90_000);
  },
);
