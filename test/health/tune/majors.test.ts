import { describe, expect, inject, it } from 'vitest';
import { parseConfig } from '../../../src/core/config.js';
import { Connection } from '../../../src/db/connection.js';
import { tune } from '../../../src/ops/tune.js';
import { createTestDatabase, pg18Url, useEmbeddedServer } from '../../helpers/db.js';

/** A 60,000-row table is big enough here (the default is a million rows). */
const config = {
  config: parseConfig(
    { rules: { 'health/tune-table-autovacuum': { options: { minRows: 50_000 } } } },
    'test',
  ),
  path: null,
  dir: process.cwd(),
};
const HARDWARE = { ram: '16GB', cpus: 16, workload: 'dw', storage: 'hdd', os: 'windows' } as const;

const available = inject('embeddedUrls');
const servers = [
  ...[13, 14, 16, 17].map((major) => ({
    major,
    url: () => useEmbeddedServer(major)().url,
    present: available[String(major)] !== undefined,
  })),
  { major: 18, url: () => pg18Url(), present: true },
];

describe.each(servers)('pgwarden tune on PostgreSQL $major', ({ major, url, present }) => {
  it.skipIf(!present)(
    'reads this major, recommends only settings it has with values it takes, and the per-table fix runs',
    async () => {
      const db = await createTestDatabase(url());
      try {
        const connection = await db.connect();
        await connection.query(`
          CREATE TABLE events (id bigint, kind int);
          INSERT INTO events SELECT g, g % 7 FROM generate_series(1, 60000) g;
          ANALYZE events;`);
        const names = new Map(
          (
            await connection.query<{ name: string; enumvals: string[] | null }>(
              'SELECT name, enumvals FROM pg_settings',
            )
          ).rows.map((r) => [r.name, r.enumvals]),
        );
        const exists = (name: string) =>
          expect(names.has(name), `PostgreSQL ${major} has no ${name}`).toBe(true);
        const takes = (name: string, value: string) => {
          exists(name);
          const values = names.get(name);
          if (values) expect(values, `${name} = ${value} on ${major}`).toContain(value);
        };
        // without a server, for this major: every setting exists on it (io_method, io_workers only from 18); the
        // values are PGTune's for a usual build (lz4 WAL compression from 15), which this embedded build lacks
        const offline = await tune({ config, env: {}, pgVersion: major, ...HARDWARE });
        expect(offline.data!.inputs.pgVersion).toEqual({ value: major, from: '--pg-version' });
        for (const setting of offline.data!.recommendations) exists(setting.name);
        const names18 = offline.data!.recommendations.map((s) => s.name);
        if (major < 18) expect(names18).not.toContain('io_method');
        // against the server: its major, its settings, and the script's changes all exist on it with values it takes
        // (wal_compression falls back to on without lz4)
        const report = await tune({ config, db: db.url, ...HARDWARE });
        expect(report.data!.inputs.pgVersion).toEqual({ value: major, from: 'the server' });
        expect(report.data!.settings!.filter((s) => s.current === null).map((s) => s.name)).toEqual([]);
        for (const change of report.data!.changes) takes(change.name, change.value);
        expect(report.skipped).toEqual([]);
        // the big table gets its own autovacuum settings, and the fix runs on this major
        const [table, ...more] = report.findings.filter((f) => f.rule === 'health/tune-table-autovacuum');
        expect(more).toEqual([]);
        expect(table!.location).toEqual({ object: 'public.events', kind: 'table' });
        expect(table!.fix).toBe(
          'ALTER TABLE public.events SET (autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_threshold = 1000);',
        );
        await connection.query(table!.fix!);
        const again = await tune({ config, db: db.url, ...HARDWARE });
        expect(again.findings.filter((f) => f.rule === 'health/tune-table-autovacuum')).toEqual([]);
        const check = await Connection.open(db.url);
        try {
          const { rows } = await check.query<{ reloptions: string[] }>(
            `SELECT reloptions FROM pg_class WHERE oid = 'public.events'::regclass`,
          );
          expect(rows[0]!.reloptions).toEqual([
            'autovacuum_vacuum_scale_factor=0.05',
            'autovacuum_vacuum_threshold=1000',
          ]);
        } finally {
          await check.close();
        }
      } finally {
        await db.drop();
      }
    },
    120_000,
  );
});
