import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase, pg15ServiceUrl, type TestDatabase } from '../helpers/db.js';

/** Every command that lints, reviews, explains, traces or checks takes the target major the same way. */
const COMMANDS = [
  ['check'],
  ['lint'],
  ['inspect'],
  ['schema'],
  ['query'],
  ['explain'],
  ['migrate', 'up'],
  ['migrate', 'down'],
  ['migrate', 'status'],
  ['migrate', 'redo'],
  ['migrate', 'baseline'],
  ['migrate', 'verify'],
];

describe('--pg-version on every command', () => {
  it('is an option of each of them', async () => {
    const missing: string[] = [];
    for (const command of COMMANDS) {
      const { stdout } = await runCli([...command, '--help']);
      if (!stdout.includes('--pg-version <major>')) missing.push(command.join(' '));
    }
    expect(missing).toEqual([]);
  });

  it('is checked like lint’s: a major the embedded server can start', async () => {
    const result = await runCli(['schema', '--pg-version', '12', '--db', 'postgres://nowhere.invalid/x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--pg-version.*a PostgreSQL major version from 13 to 18/);
  });
});

const pg15 = pg15ServiceUrl();

describe.skipIf(pg15 === undefined)('--pg-version against a --db server of another major', () => {
  let database: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    database = await createTestDatabase(pg15!);
    await database.exec('CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL)');
    dir = mkdtempSync(join(tmpdir(), 'pgwarden-pg-version-'));
    mkdirSync(join(dir, 'migrations'));
    writeFileSync(
      join(dir, 'migrations', '20240101000000_notes.sql'),
      '-- migrate:up\nCREATE TABLE notes (id bigint PRIMARY KEY);\n-- migrate:down\nDROP TABLE notes;\n',
    );
  });
  afterAll(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    [['schema']],
    [['migrate', 'status', '--dir', 'DIR']],
    [['explain', 'SELECT id FROM accounts WHERE email = $1', '--params', 'a@example.com']],
    [['lint', 'DIR']],
  ])('%j warns once and reasons for the given major', async (args) => {
    const command = args.map((a) => (a === 'DIR' ? join(dir, 'migrations') : a));
    const result = await runCli([...command, '--db', database.url, '--pg-version', '17', '--format', 'json']);
    expect(result.code, result.stderr).not.toBe(2);
    const warnings = result.stderr.split('\n').filter((line) => line.includes('warning:'));
    expect(warnings).toEqual([
      expect.stringMatching(/warning: --pg-version 17, but the server is PostgreSQL 15/),
    ]);
    JSON.parse(result.stdout);
  });

  it('warns when a trace runs on a server of another major than the target, only then', async () => {
    const lint = (major: string) =>
      runCli([
        'lint',
        join(dir, 'migrations'),
        '--trace-db',
        pg15!,
        '--pg-version',
        major,
        '--format',
        'json',
      ]);
    const same = await lint('15');
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).not.toMatch(/warning:/);
    const other = await lint('16');
    expect(other.stderr).toMatch(/warning: traced on PostgreSQL 15, but the target is 16/);
  });

  it('says nothing when they agree, and the server’s major is the target without --pg-version', async () => {
    const result = await runCli(['lint', join(dir, 'migrations'), '--db', database.url, '--format', 'json']);
    expect(result.stderr).not.toMatch(/warning:/);
    expect(JSON.parse(result.stdout).pgVersion).toBe(15);
  });
});
