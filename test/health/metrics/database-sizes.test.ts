import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from '../../../src/db/connection.js';
import { readDatabaseSizes } from '../../../src/db/database-sizes.js';
import { withDatabase } from '../../../src/db/url.js';
import { readMetrics } from '../../../src/health/metrics/collect.js';
import { pg15ServiceUrl, pg18Url } from '../../helpers/db.js';

/**
 * Database sizes on a server whose databases come and go, read as a monitoring role (pg_monitor, not a superuser:
 * for it, pg_database_size of a dropped database fails with "database with OID … does not exist"; a superuser gets
 * NULL). The exporter and tune share readDatabaseSizes.
 */
describe('database sizes while databases are dropped', () => {
  const role = `pgw_monitor_${randomBytes(4).toString('hex')}`;
  const prefix = `pgw_churn_${randomBytes(3).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  let admin: Connection;
  let monitorUrl: string;

  beforeAll(async () => {
    admin = await Connection.open(pg18Url());
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'; GRANT pg_monitor TO ${role}`);
    const url = new URL(pg18Url());
    url.username = role;
    url.password = password;
    monitorUrl = url.toString();
  });
  afterAll(async () => {
    for (const suffix of ['gone18', '0', '1'])
      await admin?.query(`DROP DATABASE IF EXISTS ${prefix}_${suffix} WITH (FORCE)`);
    await admin?.query(`DROP ROLE IF EXISTS ${role}`);
    await admin?.close();
  });

  // 3D000 up to PostgreSQL 15, 42704 from 16: both told apart from other errors by the catalog itself
  it.each([
    ['18', () => pg18Url()],
    ['15', () => pg15ServiceUrl()],
  ])(
    'PostgreSQL %s: a database dropped after the list is left out, for a monitoring role and a superuser; the one-query read of the same list fails whole',
    async (_major, serverUrl) => {
      const server = serverUrl();
      if (!server) return;
      const superuser = server === pg18Url() ? admin : await Connection.open(server);
      const name = `${prefix}_gone${_major}`;
      const url = new URL(server);
      url.username = role;
      url.password = password;
      try {
        if (superuser !== admin)
          await superuser.query(
            `CREATE ROLE ${role} LOGIN PASSWORD '${password}'; GRANT pg_monitor TO ${role}`,
          );
        await superuser.query(`CREATE DATABASE ${name}`);
        const monitor = await Connection.open(url.toString());
        try {
          const listed = (
            await monitor.query<{ oid: number; datname: string }>(
              'SELECT oid, datname FROM pg_database WHERE datname IN ($1, $2, $3) ORDER BY oid',
              ['postgres', 'template1', name],
            )
          ).rows;
          const gone = listed.find((d) => d.datname === name)!.oid;
          await superuser.query(`DROP DATABASE ${name}`);
          const oids = listed.map((d) => d.oid);
          // what the exporter's and tune's single query did with a database dropped under it
          await expect(
            monitor.query('SELECT sum(pg_database_size(oid))::float8 FROM unnest($1::oid[]) oid', [oids]),
          ).rejects.toThrow(new RegExp(`database with OID ${gone} does not exist`));
          // in a REPEATABLE READ transaction (tune's) as in READ COMMITTED (the exporter's), as the monitoring
          // role and as a superuser (on 18 it gets the error too, and has_database_privilege says true)
          for (const reader of [monitor, superuser])
            for (const consistentSnapshot of [true, false]) {
              const sizes = await reader.readOnly(async (tx) => readDatabaseSizes(tx, oids), {
                consistentSnapshot,
              });
              expect([...sizes.keys()].sort()).toEqual(oids.filter((oid) => oid !== gone).sort());
              for (const bytes of sizes.values()) expect(bytes).toBeGreaterThan(0);
            }
        } finally {
          await monitor.close();
        }
      } finally {
        if (superuser !== admin) {
          await superuser.query(`DROP DATABASE IF EXISTS ${name}`);
          await superuser.query(`DROP ROLE IF EXISTS ${role}`);
          await superuser.close();
        }
      }
    },
  );

  it('the exporter reads every database while others are created and dropped beside it', async () => {
    let stop = false;
    let drops = 0;
    const churn = async (name: string) => {
      const session = await Connection.open(pg18Url());
      try {
        while (!stop) {
          await session.query(`CREATE DATABASE ${name}`);
          await session.query(`DROP DATABASE ${name}`);
          drops++;
        }
      } finally {
        await session.close();
      }
    };
    const churning = [churn(`${prefix}_0`), churn(`${prefix}_1`)];
    const monitor = await Connection.open(withDatabase(monitorUrl, 'postgres'));
    try {
      const started = Date.now();
      let scrapes = 0;
      while (Date.now() - started < 6_000 || drops < 6 || scrapes < 6) {
        const reading = await readMetrics(monitor, { statementTimeoutMs: 10_000, topTables: 5 });
        expect(reading.failed).toEqual([]);
        expect(reading.databases!.map((d) => d.database)).toContain('postgres');
        for (const row of reading.databases!)
          if (row.database === 'postgres' || row.size_bytes !== null)
            expect(row.size_bytes, String(row.database)).toBeGreaterThan(0);
        scrapes++;
      }
      // scrapes and drops interleaved (how many of each a loaded machine manages varies)
      expect(Math.min(scrapes, drops)).toBeGreaterThanOrEqual(6);
    } finally {
      stop = true;
      await Promise.all(churning);
      await monitor.close();
    }
  });
});
