import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { readMigrationFolder, readMigrationScript } from '../../src/migrate/files.js';
import { lint } from '../../src/ops/lint.js';

/** Lint applies the rules of how each layout's runner really runs a file (test/fixtures/layouts/). */
const config = { config: parseConfig({}, 'test'), path: null, dir: process.cwd() };
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'layouts');

function folder(files: Record<string, string>, under = ''): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'pgwarden-layout-lint-')), under);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

async function findings(path: string) {
  const report = await lint({ paths: [path], config });
  return report.findings.map((f) => ({
    rule: f.rule,
    where: (f.location as { file: string }).file.split('/').at(-1),
    fix: f.fix ?? '',
  }));
}

const TRANSACTION_RULES = ['migration/cannot-run-in-transaction', 'migration/nested-transaction'];
const transactionFindings = async (path: string) =>
  (await findings(path)).filter((f) => TRANSACTION_RULES.includes(f.rule)).map((f) => `${f.rule}@${f.where}`);

describe('lint reads transactions as each runner runs the file', () => {
  it('a plain .sql file that starts with -- pgwarden:no-transaction is linted without a transaction', async () => {
    const found = await findings(join(FIXTURES, 'plain', 'index_concurrently.sql'));
    expect(found.filter((f) => TRANSACTION_RULES.includes(f.rule))).toEqual([]);
    // and no fix asks to add the line that is already there
    expect(found.filter((f) => f.fix.includes('pgwarden:no-transaction'))).toEqual([]);
  });

  it('Prisma: its own BEGIN/COMMIT enum swap is not nested; CONCURRENTLY alone in a file runs outside any block', async () => {
    expect(await transactionFindings(join(FIXTURES, 'prisma', 'migrations'))).toEqual([]);
  });

  it('golang-migrate: CONCURRENTLY alone is fine; with another statement in the file, PostgreSQL refuses it', async () => {
    expect(await transactionFindings(join(FIXTURES, 'golang-migrate', 'migrations'))).toEqual([]);
    const dir = folder({
      '1_init.up.sql': 'CREATE TABLE t (id int);',
      '2_index.up.sql': 'ALTER TABLE t ADD COLUMN a int;\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n',
    });
    expect(await transactionFindings(dir)).toEqual(['migration/cannot-run-in-transaction@2_index.up.sql']);
  });

  it('diesel with run_in_transaction = false, Flyway non-transactional scripts, dbmate transaction:false: no finding', async () => {
    expect(await transactionFindings(join(FIXTURES, 'diesel', 'migrations'))).toEqual([]);
    expect(await transactionFindings(join(FIXTURES, 'flyway', 'db', 'migration'))).toEqual([]);
    expect(await transactionFindings(join(FIXTURES, 'dbmate', 'db', 'migrations'))).toEqual([]);
  });

  it('dbmate runs `transaction: false` (with a space) in its transaction: CONCURRENTLY there is refused', async () => {
    const dir = folder(
      {
        '20240101000000_t.sql': '-- migrate:up\nCREATE TABLE t (a int);\n-- migrate:down\nDROP TABLE t;\n',
        '20240101000001_i.sql':
          '-- migrate:up transaction: false\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n-- migrate:down\n',
      },
      'db/migrations',
    );
    expect(await transactionFindings(dir)).toEqual([
      'migration/cannot-run-in-transaction@20240101000001_i.sql',
    ]);
  });
});

describe('a migration file given on its own', () => {
  const at = (layout: string, path: string) => join(FIXTURES, layout, path);

  it("is linted as its folder's runner runs it: CONCURRENTLY where that runner has no transaction is fine", async () => {
    const alone = [
      at('goose', 'migrations/20240105093000_index_accounts_email.sql'),
      at('golang-migrate', 'migrations/000003_index_status.up.sql'),
      at('prisma', 'migrations/20240103000000_post_title_index/migration.sql'),
      at('diesel', 'migrations/2025-09-19-132648-0002_index_items_sku/up.sql'),
      at('sqlx', 'migrations/20240103000000_index_accounts_email.up.sql'),
      at('sqlx', 'migrations/20240103000000_index_accounts_email.down.sql'),
    ];
    for (const file of alone) expect(await transactionFindings(file), file).toEqual([]);
  });

  it('is its down when it is a down file of its own, else its up (a file of sections is its up)', async () => {
    for (const [layout, file, side] of [
      ['sqlx', 'migrations/20240103000000_index_accounts_email.down.sql', 'down'],
      ['sqlx', 'migrations/20240103000000_index_accounts_email.up.sql', 'up'],
      ['golang-migrate', 'migrations/000003_index_status.down.sql', 'down'],
      ['diesel', 'migrations/2025-09-19-132648-0002_index_items_sku/down.sql', 'down'],
      ['goose', 'migrations/20240105093000_index_accounts_email.sql', 'up'],
    ] as const) {
      const script = (await readMigrationScript(at(layout, file)))!;
      expect(script.file, file).toBe(at(layout, file));
      expect(script.text.includes('DROP INDEX'), file).toBe(side === 'down');
    }
  });

  it("with its runner's transaction, its fix, and its up section only (goose)", async () => {
    const found = await findings(at('goose', 'migrations/20240107110000_index_accounts_status.sql'));
    expect(found).toEqual([
      {
        rule: 'migration/cannot-run-in-transaction',
        where: '20240107110000_index_accounts_status.sql',
        fix: '-- +goose NO TRANSACTION\nCREATE INDEX CONCURRENTLY accounts_status_idx ON accounts (status);',
      },
    ]);
  });

  it('a loose SQL file, or one of pgwarden’s own layout, is read as itself', async () => {
    const dir = folder({
      'change.sql': 'CREATE INDEX CONCURRENTLY i ON t (a);\n',
      'other.sql': '-- pgwarden:no-transaction\nCREATE INDEX CONCURRENTLY j ON t (b);\n',
    });
    expect(await transactionFindings(join(dir, 'change.sql'))).toEqual([
      'migration/cannot-run-in-transaction@change.sql',
    ]);
    expect(await transactionFindings(join(dir, 'other.sql'))).toEqual([]);
  });
});

describe('Flyway locations with sub-folders', () => {
  const location = join(FIXTURES, 'flyway-folders', 'db', 'migration');

  it('are read recursively, in version order across folders, as Flyway does', async () => {
    const folder = await readMigrationFolder(location);
    expect(folder.layout).toBe('flyway');
    expect(folder.migrations.map((m) => m.version)).toEqual([
      '1',
      '1.1',
      '1.2',
      '1.10',
      '2',
      'R__account_emails',
    ]);
    expect(folder.ignored.map((i) => i.path.slice(location.length + 1)).sort()).toEqual([
      '.archive',
      'README.md',
      'release_1/U1.1__drop_email.sql',
    ]);
  });

  it('are linted with what earlier versions in other folders created; CONCURRENTLY alone runs without a transaction', async () => {
    const found = await findings(location);
    expect(found.filter((f) => TRANSACTION_RULES.includes(f.rule))).toEqual([]);
    // V2's index is on the column V1.2 (another folder) added: lint knows the table, so it is not a new table
    expect(found.map((f) => f.rule)).not.toContain('sql/syntax-error');
  });

  it('two scripts of one version in two folders stop the run, as Flyway does', async () => {
    const dir = folder({
      'V1__a.sql': 'CREATE TABLE a (id int);',
      'one/V2__b.sql': 'CREATE TABLE b (id int);',
      'two/V2__c.sql': 'CREATE TABLE c (id int);',
    });
    await expect(readMigrationFolder(dir)).rejects.toThrow(/two migrations have version 2/);
  });
});

describe('dbmate files with several up/down blocks', () => {
  const dir = join(FIXTURES, 'dbmate-sections', 'db', 'migrations');

  it('are read block by block: each transactional block in its own BEGIN/COMMIT, transaction:false ones outside', async () => {
    const [first, second] = (await readMigrationFolder(dir)).migrations;
    const statements = (text: string) =>
      text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('--'));
    expect(statements(first!.up.text)).toEqual([
      'BEGIN;',
      'CREATE TABLE orders (id BIGINT PRIMARY KEY, customer TEXT NOT NULL, placed_at TIMESTAMPTZ NOT NULL DEFAULT now());',
      'COMMIT;',
      'CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer);',
    ]);
    expect(statements(first!.down!.text)).toEqual([
      'BEGIN;',
      'DROP TABLE orders;',
      'COMMIT;',
      'DROP INDEX CONCURRENTLY IF EXISTS orders_customer_idx;',
    ]);
    expect(statements(second!.up.text).at(-1)).toBe('COMMIT;');
    // positions are the file's: the CREATE INDEX is on line 8
    expect(first!.up.text.split('\n')[7]).toMatch(/^CREATE INDEX CONCURRENTLY/);
  });

  it('are linted with those transactions: CONCURRENTLY in a transaction:false block is fine', async () => {
    expect(await transactionFindings(dir)).toEqual([]);
  });
});
