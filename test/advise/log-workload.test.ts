import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadedConfig, parseConfig } from '../../src/core/config.js';
import { Connection } from '../../src/db/connection.js';
import { adviseIndexes } from '../../src/ops/advise.js';
import { clusterBinariesExist, startTestCluster, type TestCluster } from '../helpers/cluster.js';

const config: LoadedConfig = { config: parseConfig({}, 'test'), path: null, dir: process.cwd() };

describe.skipIf(!clusterBinariesExist())("pgwarden advise --workload <the server's log>", () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    // every statement logged with its duration, as a DBA sets it to capture a workload
    cluster = await startTestCluster({
      settings: { log_min_duration_statement: 0, log_line_prefix: '%m [%p] %q%u@%d ' },
    });
    const c = await Connection.open(cluster.url);
    try {
      await c.query(`CREATE EXTENSION hypopg;
CREATE TABLE tickets (id int PRIMARY KEY, requester int NOT NULL, state text NOT NULL, opened int NOT NULL);
INSERT INTO tickets SELECT g, g % 5000, CASE WHEN g % 20 = 0 THEN 'open' ELSE 'closed' END, g FROM generate_series(1, 50000) g;
ANALYZE tickets; SELECT pg_stat_force_next_flush();`);
      // the load's rows are flushed to the statistics, then forgotten: they are not the application's writes
      await c.query('SELECT 1');
      await c.query('SELECT pg_stat_reset()');
      // the application: lookups sent as plain text (constants in the log), a range with bind parameters ($n)
      for (let i = 0; i < 30; i++) {
        await c.query(`SELECT id, state FROM tickets WHERE requester = ${i}`);
        if (i % 3 === 0)
          await c.query('SELECT count(*) FROM tickets WHERE opened BETWEEN $1 AND $2', [i, i + 100]);
      }
    } finally {
      await c.close();
    }
  }, 120_000);

  afterAll(async () => {
    await cluster?.destroy();
  });

  it('weighs each logged query by its calls and advises the indexes they need', async () => {
    const report = await adviseIndexes({ config, db: cluster.url, workload: cluster.serverLog });
    const data = report.data!;
    expect(data.workload.source).toBe('log');
    const lookup = data.queries.find((q) => /requester = \d+/.test(q.sql))!;
    expect(lookup.weight).toBe(30);
    expect(lookup.costBefore).toBeGreaterThan(lookup.costAfter!);
    const range = data.queries.find((q) => q.sql.includes('BETWEEN $1 AND $2'))!;
    expect(range.weight).toBe(10);
    // the DDL of the setup is not a query
    expect(data.queries.every((q) => !/CREATE|ANALYZE/.test(q.sql))).toBe(true);
    const definitions = data.recommendations.map((r) => r.definition);
    expect(definitions.some((d) => d.startsWith('public.tickets (requester'))).toBe(true);
    expect(definitions.some((d) => d.startsWith('public.tickets (opened'))).toBe(true);
  }, 120_000);

  it('says how to log a workload when the log has no query durations', async () => {
    await expect(adviseIndexes({ config, db: cluster.url, workload: '/dev/null' })).rejects.toThrow(
      /the log holds no query with a duration to advise on/,
    );
  }, 60_000);
});
