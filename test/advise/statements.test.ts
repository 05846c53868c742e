import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadedConfig, parseConfig } from '../../src/core/config.js';
import { Connection } from '../../src/db/connection.js';
import { adviseIndexes } from '../../src/ops/advise.js';
import { clusterBinariesExist, startTestCluster, type TestCluster } from '../helpers/cluster.js';

const config: LoadedConfig = { config: parseConfig({}, 'test'), path: null, dir: process.cwd() };

describe.skipIf(!clusterBinariesExist())('pgwarden advise --workload pg_stat_statements', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster({ settings: { shared_preload_libraries: 'pg_stat_statements' } });
    const c = await Connection.open(cluster.url);
    try {
      await c.query(`CREATE EXTENSION pg_stat_statements; CREATE EXTENSION hypopg;
CREATE TABLE tickets (id int PRIMARY KEY, requester int NOT NULL, state text NOT NULL, opened int NOT NULL);
INSERT INTO tickets SELECT g, g % 5000, CASE WHEN g % 20 = 0 THEN 'open' ELSE 'closed' END, g FROM generate_series(1, 50000) g;
ANALYZE tickets; SELECT pg_stat_force_next_flush();`);
      // the load's rows are flushed to the statistics first, then forgotten: they are not the application's writes
      await c.query('SELECT 1');
      await c.query('SELECT pg_stat_statements_reset(), pg_stat_reset()');
      // the application, with bind parameters: pg_stat_statements keeps the statements normalized ($1)
      for (let i = 0; i < 30; i++) {
        await c.query('SELECT id, state FROM tickets WHERE requester = $1', [i]);
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

  it('reads the statements by total time, weighs them by calls and plans their generic form on PostgreSQL 15', async () => {
    const report = await adviseIndexes({ config, db: cluster.url, workload: 'pg_stat_statements' });
    const data = report.data!;
    expect(data.workload.source).toBe('pg_stat_statements');
    const lookup = data.queries.find((q) => q.sql.includes('requester = $1'))!;
    expect(lookup.weight).toBe(30);
    expect(lookup.meanMs).toBeGreaterThan(0);
    expect(lookup.costBefore).toBeGreaterThan(lookup.costAfter!);
    const range = data.queries.find((q) => q.sql.includes('BETWEEN $1 AND $2'))!;
    expect(range.weight).toBe(10);
    // its own statements (the catalog reads, pg_stat_statements_reset) are left out
    expect(data.queries.every((q) => !/pg_stat|pg_catalog|hypopg/.test(q.sql))).toBe(true);
    const definitions = data.recommendations.map((r) => r.definition);
    expect(definitions.some((d) => d.startsWith('public.tickets (requester'))).toBe(true);
    expect(definitions.some((d) => d.startsWith('public.tickets (opened'))).toBe(true);
  }, 120_000);
});
