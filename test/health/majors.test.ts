import { describe, expect, inject, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { healthReport } from '../../src/ops/health.js';
import { createTestDatabase, pg15ServiceUrl, pg18Url, useEmbeddedServer } from '../helpers/db.js';

/** Database-local conditions: what a shared server can hold without disturbing other test files. */
const PLANT = `
  CREATE SEQUENCE ticket_seq MAXVALUE 100;
  SELECT setval('ticket_seq', 96);
  CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL);
  INSERT INTO orders SELECT g, g % 10 FROM generate_series(1, 500) g;
  CREATE INDEX orders_customer_a ON orders (customer_id);
  CREATE INDEX orders_customer_b ON orders (customer_id);
  ALTER TABLE orders ADD CONSTRAINT orders_id_positive CHECK (id > 0) NOT VALID;
  CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
  CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
  ALTER TABLE orders DISABLE TRIGGER orders_touch;
  CREATE TABLE dups (v int);
  INSERT INTO dups VALUES (1), (1);
  CREATE TABLE churn (id int) WITH (autovacuum_enabled = false);
  INSERT INTO churn SELECT generate_series(1, 5000);
  DELETE FROM churn WHERE id <= 3000;`;

const available = inject('embeddedUrls');
const servers = [
  { major: 18, url: () => pg18Url(), present: true },
  ...[13, 14, 16, 17].map((major) => ({
    major,
    url: () => useEmbeddedServer(major)().url,
    present: available[String(major)] !== undefined,
  })),
  { major: 15, url: () => pg15ServiceUrl()!, present: pg15ServiceUrl() !== undefined },
];

const objectsOf = (findings: readonly Finding[], rule: string) =>
  findings
    .filter((f) => f.rule === rule)
    .map((f) => ('object' in f.location ? f.location.object : ''))
    .sort();

describe.each(servers)('pgwarden health on PostgreSQL $major', ({ major, url, present }) => {
  it.skipIf(!present)('reads every view of this major and reports the planted conditions', async () => {
    const db = await createTestDatabase(url());
    try {
      const connection = await db.connect();
      await connection.query(PLANT);
      await connection
        .query('CREATE UNIQUE INDEX CONCURRENTLY dups_v_key ON dups (v)')
        .catch((error: Error) => expect(error.message).toMatch(/could not create unique index/));
      // the statistics reach the views within a second (a collector before 15, a flush from 15)
      let report = await healthReport(connection);
      for (
        let tries = 0;
        tries < 50 && objectsOf(report.findings, 'health/vacuum-lag').length === 0;
        tries++
      ) {
        await new Promise((done) => setTimeout(done, 200));
        report = await healthReport(connection);
      }
      const health = report.data!.health;
      expect(health.server.major).toBe(major);
      expect(health.unreadable).toEqual([]);
      expect(health.checkpoints).not.toBeNull();
      expect(health.archiver).not.toBeNull();
      expect(health.wraparound.databases.map((d) => d.name)).toContain(db.name);
      expect(objectsOf(report.findings, 'health/sequence-exhaustion')).toEqual(['public.ticket_seq']);
      expect(objectsOf(report.findings, 'health/invalid-index')).toEqual(['public.dups_v_key']);
      expect(objectsOf(report.findings, 'health/duplicate-index')).toEqual(['public.orders_customer_b']);
      expect(objectsOf(report.findings, 'health/vacuum-lag')).toEqual(['public.churn']);
      expect(objectsOf(report.findings, 'health/not-valid-constraint')).toEqual([
        'public.orders.orders_id_positive',
      ]);
      expect(objectsOf(report.findings, 'health/disabled-trigger')).toEqual(['public.orders']);
      // without pg_stat_statements in the database, its rules say why they did not run
      if (health.statements === null)
        expect(report.skipped).toContainEqual({
          rule: 'health/n-plus-one',
          reason: 'needs the extension pg_stat_statements',
        });
    } finally {
      await db.drop();
    }
  });
});
