import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { reviewSchema } from '../../src/ops/schema-review.js';
import { parseSqlSync } from '../../src/sql/parser.js';
import { createTestDatabase, everyMajor } from '../helpers/db.js';

/**
 * schema/updated-at-maintained's fix creates a trigger that sets the column on every UPDATE. Its value must suit the
 * column's real type: a trigger is only exercised by the next UPDATE, so each fix is run here and then a row is
 * updated, on the oldest and newest majors. An integer epoch gets seconds or milliseconds as its rows hold; without
 * statistics to tell, no trigger is proposed.
 */
const config = { config: parseConfig({}, 'test'), path: null, dir: '/nonexistent' };
const NOW_SECONDS = 'extract(epoch FROM now())';

const SETUP = `
CREATE TABLE orders (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE carts (id bigint PRIMARY KEY, updated_at timestamp NOT NULL DEFAULT now());
CREATE TABLE reports (id bigint PRIMARY KEY, updated_at date NOT NULL DEFAULT current_date);
CREATE TABLE devices (id bigint PRIMARY KEY, updated_at bigint NOT NULL);
CREATE TABLE clicks (id bigint PRIMARY KEY, updated_at bigint NOT NULL);
INSERT INTO orders (id, updated_at) SELECT g, now() - interval '3 days' FROM generate_series(1, 50) g;
INSERT INTO carts (id, updated_at) SELECT g, now() - interval '3 days' FROM generate_series(1, 50) g;
INSERT INTO reports (id, updated_at) SELECT g, current_date - 3 FROM generate_series(1, 50) g;
INSERT INTO devices SELECT g, (${NOW_SECONDS} - 86400 * 3 - g)::bigint FROM generate_series(1, 50) g;
INSERT INTO clicks SELECT g, ((${NOW_SECONDS} - 86400 * 3) * 1000 - g)::bigint FROM generate_series(1, 50) g;
ANALYZE orders, carts, reports, devices, clicks;`;

/** How far the updated row's value is from now, in seconds (a day's resolution for a date). */
const AGE = {
  orders: `extract(epoch FROM now() - updated_at)`,
  carts: `extract(epoch FROM localtimestamp - updated_at)`,
  reports: `(current_date - updated_at) * 86400`,
  devices: `${NOW_SECONDS} - updated_at`,
  clicks: `${NOW_SECONDS} - updated_at / 1000.0`,
} as const;

describe.each(everyMajor().filter(({ major }) => major === 13 || major === 18))(
  'updated_at triggers on PostgreSQL $major',
  ({ url }) => {
    it('set the column to now in its own type, and are not proposed when the unit is unknown', async () => {
      const db = await createTestDatabase(url());
      try {
        await db.exec(SETUP);
        const report = await reviewSchema({ config, db: db.url });
        const findings = report.findings.filter((f) => f.rule === 'schema/updated-at-maintained');
        const byTable = new Map(findings.map((f) => [(f.location as { object: string }).object, f]));
        expect([...byTable.keys()].sort()).toEqual(
          ['carts', 'clicks', 'devices', 'orders', 'reports'].map((t) => `public.${t}`),
        );
        expect(byTable.get('public.devices')!.fix).toContain('extract(epoch FROM now())::bigint');
        expect(byTable.get('public.clicks')!.fix).toContain('* 1000');

        const connection = await db.connect();
        for (const [table, age] of Object.entries(AGE)) {
          const fix = byTable.get(`public.${table}`)!.fix!;
          for (const statement of parseSqlSync(fix, { file: 'fix.sql' }).statements)
            await connection.query(statement.text);
          await connection.query(`UPDATE ${table} SET id = id WHERE id = 1`);
          const { rows } = await connection.query<{ age: number }>(
            `SELECT (${age})::float8 AS age FROM ${table} WHERE id = 1`,
          );
          // three days old before the UPDATE; now within a minute (a day for a date)
          expect(Math.abs(rows[0]!.age), table).toBeLessThan(table === 'reports' ? 86_401 : 60);
        }
        // an epoch column with no rows, so no statistics: seconds or milliseconds cannot be told
        await db.exec('CREATE TABLE tokens (id bigint PRIMARY KEY, updated_at bigint)');
        const after = (await reviewSchema({ config, db: db.url })).findings.filter(
          (f) => f.rule === 'schema/updated-at-maintained',
        );
        expect(after).toMatchObject([
          {
            location: { object: 'public.tokens' },
            fix: null,
            message: expect.stringMatching(/seconds from milliseconds/),
          },
        ]);
      } finally {
        await db.drop();
      }
    });
  },
);
