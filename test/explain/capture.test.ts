/**
 * Plans captured now, on the test run's embedded PostgreSQL 18 (and the machine's PostgreSQL 15 service, the only
 * server here with JIT), must agree with pev2 like the stored corpus does.
 *
 * `PGWARDEN_CAPTURE_PLANS=1 npx vitest run test/explain/capture.test.ts` captures every scenario and rewrites
 * test/fixtures/plans/ (the plans and the README that says how each was produced).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Connection } from '../../src/db/connection.js';
import { createTestDatabase, pg15ServiceUrl, pg18Url } from '../helpers/db.js';
import { capturePsqlFixtures, FIXTURE_DIR, formatFixtures, writeFixtureReadme } from './fixtures.js';
import { compareWithPev2 } from './oracle.js';
import { capturePlan, loadDataSet, type PlanScenario, SCENARIOS } from './scenarios.js';

const CAPTURE = process.env.PGWARDEN_CAPTURE_PLANS === '1';

async function serverVersion(url: string): Promise<string> {
  const connection = await Connection.open(url);
  try {
    const { rows } = await connection.query<{ server_version: string }>('SHOW server_version');
    return rows[0]!.server_version;
  } finally {
    await connection.close();
  }
}

/** Captures and checks the scenarios of one server; returns the versions to record (server, and psql's). */
async function captureAll(serverUrl: string, major: 18 | 15): Promise<Record<string, string>> {
  const db = await createTestDatabase(serverUrl);
  try {
    await loadDataSet(db.url);
    const scenarios = SCENARIOS.filter((s: PlanScenario) => s.server === major && (CAPTURE || s.quick));
    for (const scenario of scenarios) {
      const text = await capturePlan(db.url, scenario);
      const comparison = await compareWithPev2(text);
      expect(comparison.mismatches, scenario.name).toEqual([]);
      expect(comparison.exclusive.maxRelative, scenario.name).toBeLessThanOrEqual(0.01);
      if (comparison.plan.analyzed && comparison.plan.timing) expect(comparison.timed).toBe(comparison.nodes);
      if (CAPTURE) {
        const file = join(FIXTURE_DIR, `${scenario.name}.json${scenario.gzip ? '.gz' : ''}`);
        writeFileSync(file, scenario.gzip ? gzipSync(`${text}\n`) : `${text}\n`);
      }
    }
    const versions: Record<string, string> = { [major]: await serverVersion(db.url) };
    if (CAPTURE && major === 18) versions.psql = capturePsqlFixtures(db.url);
    return versions;
  } finally {
    await db.drop();
  }
}

describe('plans captured now', () => {
  const pg15 = pg15ServiceUrl();

  it('PostgreSQL 18: exclusive times agree with pev2 (parallel, CTE, InitPlan, SubPlan, triggers)', async () => {
    const versions = await captureAll(pg18Url(), 18);
    expect(versions[18]).toMatch(/^18\./);
    if (CAPTURE) {
      writeFixtureReadme(versions);
      formatFixtures();
    }
  }, 600_000);

  it.skipIf(!pg15)(
    'PostgreSQL 15 (JIT; InitPlans named "returns $0"): exclusive times agree with pev2',
    async () => {
      const versions = await captureAll(pg15!, 15);
      expect(versions[15]).toMatch(/^15\./);
      if (CAPTURE) {
        writeFixtureReadme(versions);
        formatFixtures();
      }
    },
    600_000,
  );
});
