import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { lint } from '../../src/ops/lint.js';
import { parseSqlSync } from '../../src/sql/parser.js';
import { createTestDatabase, everyMajor, pg18Url } from '../helpers/db.js';

/**
 * timestamp ↔ timestamptz keeps the table's files on PostgreSQL 12+ when the session's TimeZone is UTC (any fixed
 * zero offset), in both directions; an index on the column is still rebuilt. Traced on every major from 13 to 18,
 * with relfilenode before and after, and the fix lint prints for a non-UTC session run there.
 */
const config = (migrations: Record<string, unknown> = {}) => ({
  config: parseConfig({ migrations }, 'test'),
  path: null,
  dir: process.cwd(),
});

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgwarden-tz-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const TIMEOUTS = "SET LOCAL lock_timeout = '2s';\nSET LOCAL statement_timeout = '5min';\n";
const INIT = `CREATE TABLE events (id bigint PRIMARY KEY, at timestamp NOT NULL DEFAULT now(), seen timestamptz, day timestamp);
CREATE INDEX events_day_idx ON events (day);
`;
const MIGRATIONS = {
  '20240101000000_init.sql': INIT,
  '20240102000000_utc_local.sql': `${TIMEOUTS}SET LOCAL TimeZone = 'UTC';\nALTER TABLE events ALTER COLUMN at TYPE timestamptz;\n`,
  '20240103000000_reverse.sql': `${TIMEOUTS}SET TIME ZONE 'Etc/UTC';\nALTER TABLE events ALTER COLUMN seen TYPE timestamp;\n`,
  '20240104000000_indexed.sql': `${TIMEOUTS}SET LOCAL TimeZone = 'GMT';\nALTER TABLE events ALTER COLUMN day TYPE timestamptz;\n`,
  '20240105000000_new_york.sql': `${TIMEOUTS}SET LOCAL TimeZone = 'America/New_York';\nALTER TABLE events ALTER COLUMN at TYPE timestamp;\n`,
};

const filenode = async (run: (sql: string) => Promise<{ rows: unknown[] }>) =>
  ((await run(`SELECT pg_relation_filenode('events')::text AS f`)).rows[0] as { f: string }).f;

describe.each(everyMajor())('timestamp ↔ timestamptz on PostgreSQL $major', ({ major, url }) => {
  it('keeps the files under UTC, as lint predicts, and its fix for another zone avoids the rewrite', async () => {
    const report = await lint({
      paths: [folder(MIGRATIONS)],
      config: config(),
      trace: true,
      traceDb: url(),
      pgVersion: major,
    });
    const trace = report.data!.trace!;
    expect(trace.stopped).toBeNull();
    expect(trace.statements.flatMap((s) => s.mismatches)).toEqual([]);
    const traced = (pattern: RegExp) => trace.statements.find((s) => pattern.test(s.sql))!;
    const utc = traced(/COLUMN at TYPE timestamptz/);
    expect(utc.observed.rewritten).toEqual([]);
    expect(utc.predicted.rewrites).toEqual([]);
    expect(traced(/COLUMN seen TYPE/).observed.rewritten).toEqual([]);
    // the index on day is built again: the table is read whole, not rewritten
    const indexed = traced(/COLUMN day TYPE/);
    expect(indexed.observed).toMatchObject({
      rewritten: [],
      created: ['public.events_day_idx'],
      scanned: ['public.events'],
    });
    expect(indexed.predicted).toMatchObject({ rewrites: [], scans: ['public.events'] });
    const newYork = traced(/COLUMN at TYPE timestamp;?$/);
    expect(newYork.observed.rewritten).toContain('public.events');
    expect(newYork.predicted.rewrites).toEqual(['public.events']);

    const findings = report.findings.filter((f) => f.rule === 'migration/change-column-type');
    expect(findings.map((f) => (f.location as { file: string }).file.split('/').at(-1))).toEqual([
      '20240104000000_indexed.sql',
      '20240105000000_new_york.sql',
    ]);
    expect(findings[0]!.message).toMatch(
      /keeps "events"'s files \(TimeZone UTC\) but rebuilds "events_day_idx"/,
    );
    const fix = findings[1]!.fix!;
    expect(fix).toContain("SET LOCAL TimeZone = 'UTC';\nALTER TABLE events ALTER COLUMN at TYPE timestamp;");

    // the fix runs on this major, in the migration's transaction, and the table keeps its files
    const db = await createTestDatabase(url());
    try {
      const connection = await db.connect();
      const run = (sql: string) => connection.query(sql);
      await run(`CREATE TABLE events (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now());
        INSERT INTO events (id) SELECT generate_series(1, 100)`);
      const before = await filenode(run);
      await run(`BEGIN; SET LOCAL TimeZone = 'America/New_York'`);
      for (const statement of parseSqlSync(fix, { file: 'fix.sql' }).statements) await run(statement.text);
      await run('COMMIT');
      expect(await filenode(run)).toBe(before);
      const type = await run(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute
        WHERE attrelid = 'events'::regclass AND attname = 'at'`);
      expect(type.rows).toEqual([{ t: 'timestamp without time zone' }]);
      // without it, the same session rewrites the table
      await run(
        `BEGIN; SET LOCAL TimeZone = 'America/New_York'; ALTER TABLE events ALTER COLUMN at TYPE timestamptz; COMMIT`,
      );
      expect(await filenode(run)).not.toBe(before);
    } finally {
      await db.drop();
    }
  });
});

describe('the session TimeZone lint starts from', () => {
  const change = { '20240102000000_change.sql': 'ALTER TABLE events ALTER COLUMN at TYPE timestamptz;\n' };
  const rules = (report: Awaited<ReturnType<typeof lint>>) =>
    report.findings.filter((f) => f.rule === 'migration/change-column-type').map((f) => f.message);

  it('is the config’s migrations.sessionTimeZone', async () => {
    const dir = folder({ '20240101000000_init.sql': INIT, ...change });
    expect(rules(await lint({ paths: [dir], config: config() }))).toHaveLength(1);
    expect(rules(await lint({ paths: [dir], config: config({ sessionTimeZone: 'UTC' }) }))).toEqual([]);
    expect(
      rules(await lint({ paths: [dir], config: config({ sessionTimeZone: 'Europe/Paris' }) })),
    ).toHaveLength(1);
  });

  it("is the --db server's TimeZone (database settings included)", async () => {
    const db = await createTestDatabase(pg18Url());
    try {
      await db.exec(INIT);
      const dir = folder(change);
      await db.exec(`ALTER DATABASE "${db.name}" SET TimeZone = 'UTC'`);
      expect(rules(await lint({ paths: [dir], config: config(), db: db.url }))).toEqual([]);
      await db.exec(`ALTER DATABASE "${db.name}" SET TimeZone = 'Europe/Paris'`);
      expect(rules(await lint({ paths: [dir], config: config(), db: db.url }))).toEqual([
        expect.stringMatching(/rewrites "events".* unless the session's TimeZone is UTC/),
      ]);
    } finally {
      await db.drop();
    }
  });
});
