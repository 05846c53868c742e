import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { openTarget } from '../../src/db/target.js';
import { readMigrationFolder } from '../../src/migrate/files.js';
import { migrateUp } from '../../src/migrate/runner.js';
import { lint } from '../../src/ops/lint.js';
import { useTestDatabase } from '../helpers/db.js';
import { migrationProject } from '../helpers/project.js';

/**
 * sqlx's folders as sqlx reads and runs them (docs/migration-layouts.md, sqlx): simple `N_x.sql` and reversible
 * `N_x.up.sql` / `.down.sql` files of a Rust crate, versions as numbers, `-- no-transaction` only as a file's first
 * bytes, each file sent as one string.
 */
const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'layouts', 'sqlx', 'migrations');
const config = { config: parseConfig({}, 'test'), path: null, dir: process.cwd() };
const db = useTestDatabase();
const CRATE = {
  '../Cargo.toml':
    '[package]\nname = "app"\n\n[dependencies]\nsqlx = { version = "0.8", features = ["postgres", "migrate"] }\n',
};
const folder = (files: Record<string, string>) => join(migrationProject(files).dir, 'migrations');

describe('sqlx folders', () => {
  it('are recognised in a crate; simple and reversible files mix, ordered by version as numbers', async () => {
    const read = await readMigrationFolder(FIXTURE);
    expect(read.layout).toBe('sqlx');
    expect(read.migrations.map((m) => [m.version, m.name, m.down !== null])).toEqual([
      ['20240101000000', 'create_accounts', false],
      ['20240102000000', 'touch_accounts', false],
      ['20240103000000', 'index_accounts_email', true],
      ['20240104000000', 'index_accounts_status', true],
      ['20240105000000', 'index_accounts_updated', false],
      ['20240106000000', 'index_lower_email', false],
    ]);
    expect(read.ignored.map((i) => i.path.split('/').at(-1))).toEqual([
      'README.md',
      '20240107000000_drop_legacy.down.sql',
    ]);
    // unpadded sequence numbers: 2 before 10; the crate's manifest may be one level further up
    const dir = join(
      folder({
        ...CRATE,
        'postgresql/10_c.up.sql': 'CREATE TABLE c (id int);',
        'postgresql/2_b.up.sql': 'CREATE TABLE b (id int);',
      }),
      'postgresql',
    );
    const unpadded = await readMigrationFolder(dir);
    expect(unpadded.layout).toBe('sqlx');
    expect(unpadded.migrations.map((m) => m.version)).toEqual(['2', '10']);
  });

  it('without a sqlx crate, a file that starts with -- no-transaction tells sqlx; else .up/.down pairs stay golang-migrate', async () => {
    const marked = folder({ '1_a.sql': '-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);\n' });
    expect((await readMigrationFolder(marked)).layout).toBe('sqlx');
    const pairs = folder({ '1_a.up.sql': 'CREATE TABLE a (id int);', '1_a.down.sql': 'DROP TABLE a;' });
    expect((await readMigrationFolder(pairs)).layout).toBe('golang-migrate');
    // a crate that does not use sqlx keeps another runner's files
    const otherCrate = folder({
      '../Cargo.toml': '[package]\nname = "tool"\n\n[dependencies]\nserde = "1"\n',
      '1_a.up.sql': 'CREATE TABLE a (id int);',
      '1_a.down.sql': 'DROP TABLE a;',
    });
    expect((await readMigrationFolder(otherCrate)).layout).toBe('golang-migrate');
  });

  it('a name whose prefix is not a number stops the folder, as it stops sqlx; two ups of one version too', async () => {
    await expect(
      readMigrationFolder(folder({ ...CRATE, '1_a.sql': 'SELECT 1;', 'seed_data.sql': 'SELECT 2;' })),
    ).rejects.toThrow(
      /seed_data\.sql: sqlx stops at a migration name whose prefix is not a number \("seed"\)/,
    );
    await expect(
      readMigrationFolder(folder({ ...CRATE, '1_a.sql': 'SELECT 1;', '01_b.up.sql': 'SELECT 2;' })),
    ).rejects.toThrow(/two migrations have version 1/);
  });

  it('runs a file in a transaction unless its first bytes are -- no-transaction; the file is one string either way', async () => {
    const read = await readMigrationFolder(FIXTURE);
    const by = (version: string) => read.migrations.find((m) => m.version === version)!;
    expect(by('20240101000000').up).toMatchObject({ transaction: true, sentWhole: true });
    // first line: honoured, for the up and for the down (each has its own)
    expect(by('20240103000000').up).toMatchObject({ transaction: false, sentWhole: true });
    expect(by('20240103000000').down).toMatchObject({ transaction: false, sentWhole: true });
    // two statements after it: PostgreSQL's implicit transaction
    expect(by('20240105000000').up).toMatchObject({ transaction: true, implicitTransaction: true });
    // after a comment line: not read, sqlx's transaction
    expect(by('20240106000000').up).toMatchObject({ transaction: true, sentWhole: true });
    expect(by('20240106000000').up.implicitTransaction).toBeUndefined();
  });
});

describe('lint of a sqlx folder', () => {
  it('reports CONCURRENTLY where sqlx runs it in a transaction, with sqlx’s own fix, first line first', async () => {
    const report = await lint({ paths: [FIXTURE], config });
    const refused = report.findings
      .filter((f) => f.rule === 'migration/cannot-run-in-transaction')
      .map((f) => ({
        file: (f.location as { file: string }).file.split('/').at(-1),
        message: f.message.replace(/^CREATE INDEX CONCURRENTLY cannot run inside /, ''),
        fix: f.fix,
      }));
    expect(refused).toEqual([
      {
        file: '20240104000000_index_accounts_status.up.sql',
        message: "the migration runner's transaction: PostgreSQL rejects it",
        fix: '-- no-transaction\nCREATE INDEX CONCURRENTLY accounts_status_idx ON accounts (status);',
      },
      {
        file: '20240105000000_index_accounts_updated.up.sql',
        message:
          'the transaction PostgreSQL gives a string of several statements (the runner sends the file as one, without BEGIN): PostgreSQL rejects it',
        fix: '-- no-transaction\n-- alone, in a migration file of its own\nCREATE INDEX CONCURRENTLY accounts_updated_idx ON accounts (updated_at);',
      },
      {
        file: '20240106000000_index_lower_email.sql',
        message:
          "the migration runner's transaction: PostgreSQL rejects it; the file's -- no-transaction on line 2 is not read: sqlx reads it only as the file's very first bytes",
        fix: '-- no-transaction\nCREATE INDEX CONCURRENTLY accounts_lower_email_idx ON accounts (lower(email));',
      },
    ]);
  });
});

describe('a byte-order mark before -- no-transaction', () => {
  it('turns the opt-out off, as for sqlx, and the finding says why', async () => {
    const dir = folder({
      ...CRATE,
      '1_accounts.sql': 'CREATE TABLE accounts (id bigint PRIMARY KEY, email text);',
      '2_index.sql':
        '\uFEFF-- no-transaction\nCREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);\n',
      '3_index.sql':
        '-- no-transaction\nCREATE INDEX CONCURRENTLY accounts_id_email_idx ON accounts (id, email);\n',
    });
    const read = await readMigrationFolder(dir);
    expect(read.migrations.map((m) => m.up.transaction)).toEqual([true, true, false]);
    const report = await lint({ paths: [dir], config });
    const refused = report.findings.filter((f) => f.rule === 'migration/cannot-run-in-transaction');
    expect(refused.map((f) => (f.location as { file: string }).file.split('/').at(-1))).toEqual([
      '2_index.sql',
    ]);
    expect(refused[0]!.message).toMatch(/on line 1 is not read: .* \(a byte-order mark comes before it\)$/);
  });
});

describe("pgwarden's runner on a sqlx folder", () => {
  it('runs the migrations as sqlx would: the -- no-transaction index is built CONCURRENTLY and valid', async () => {
    const project = migrationProject({
      ...CRATE,
      '1_accounts.sql': 'CREATE TABLE accounts (id bigint PRIMARY KEY, email text);',
      '2_index.up.sql':
        '-- no-transaction\nCREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);\n',
      '2_index.down.sql': '-- no-transaction\nDROP INDEX CONCURRENTLY accounts_email_idx;\n',
    });
    const up = await migrateUp({
      target: await openTarget({ db: db().url }),
      config: project.config,
      noGuardReason: 'a test',
    });
    expect(up.runs.map((r) => r.version)).toEqual(['1', '2']);
    const connection = await db().connect();
    const { rows } = await connection.query<{ valid: boolean }>(
      `SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'accounts_email_idx'::regclass`,
    );
    expect(rows).toEqual([{ valid: true }]);
  });
});
