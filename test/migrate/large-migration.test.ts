import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase, pg15ServiceUrl, type TestDatabase } from '../helpers/db.js';

const pg15 = pg15ServiceUrl();
const ROWS = 50;
const BODY = 1024 * 1024;

/**
 * A valid 50 MB migration: 50 rows of 1 MB each, cheap for the server, so the time is pgwarden's. Reading it once
 * kept the event loop busy for longer than the connect timeout: `migrate up` said "cannot connect … timed out".
 */
function largeMigration(dir: string): string {
  mkdirSync(join(dir, 'migrations'));
  const file = join(dir, 'migrations', '20240101000000_large.sql');
  const rows = Array.from(
    { length: ROWS },
    (_, i) =>
      `INSERT INTO big_notes (id, body) VALUES (${i + 1}, '${String.fromCharCode(97 + (i % 26)).repeat(BODY)}');`,
  );
  writeFileSync(
    file,
    `-- migrate:up\nCREATE TABLE big_notes (id integer PRIMARY KEY, body text NOT NULL);\n${rows.join('\n')}\n-- migrate:down\nDROP TABLE big_notes;\n`,
  );
  return file;
}

describe.skipIf(pg15 === undefined)('a 50 MB migration', () => {
  let dir: string;
  let file: string;
  let database: TestDatabase;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pgwarden-large-'));
    file = largeMigration(dir);
    database = await createTestDatabase(pg15!);
  });
  afterAll(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is applied by migrate up', async () => {
    expect(statSync(file).size).toBeGreaterThan(50 * 1024 * 1024);
    const result = await runCli(['migrate', 'up', '--db', database.url, '--dir', join(dir, 'migrations')]);
    expect(result.stderr).not.toMatch(/cannot connect|timed out/);
    expect(result.code, result.stderr).toBe(0);
    const connection = await database.connect();
    const [row] = await connection.rows<{ n: string; bytes: string }>(
      'counting',
      'SELECT count(*) AS n, sum(length(body)) AS bytes FROM big_notes',
    );
    expect(Number(row!.n)).toBe(ROWS);
    expect(Number(row!.bytes)).toBe(ROWS * BODY);
  });

  it('is linted without a false syntax error', async () => {
    const result = await runCli(['lint', file, '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { findings: { rule: string }[] };
    expect(report.findings.map((f) => f.rule)).not.toContain('sql/syntax-error');
  });
});
