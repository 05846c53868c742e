import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMigrationFolder, readMigrations } from '../../src/migrate/files.js';
import { LAYOUTS } from '../../src/migrate/layouts.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'layouts');
const fixture = (path: string) => join(FIXTURES, path);

function folder(files: Record<string, string>, under = ''): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'pgwarden-layouts-')), under);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const names = (migrations: { version: string; name: string }[]) => migrations.map((m) => m.name);

describe('layouts as data', () => {
  it('has one row per runner, each with every fact', () => {
    expect(Object.keys(LAYOUTS).sort()).toEqual(
      [
        'dbmate',
        'diesel',
        'flyway',
        'golang-migrate',
        'goose',
        'node-pg-migrate',
        'pgwarden',
        'prisma',
        'sqlx',
      ].sort(),
    );
    for (const layout of Object.values(LAYOUTS)) {
      for (const field of ['recognise', 'ordering', 'optOut', 'ignores', 'runner'] as const)
        expect(layout[field].length).toBeGreaterThan(0);
      expect(['one-string', 'statements']).toContain(layout.sends);
    }
    expect(LAYOUTS.prisma.downs).toBe(false);
    expect(LAYOUTS.flyway.downs).toBe(false);
    expect(LAYOUTS.diesel.downs).toBe(true);
  });
});

describe('ordering as each runner orders', () => {
  it('diesel: the folder name up to the first _ without dashes, compared as strings (hex suffixes too)', async () => {
    const found = await readMigrationFolder(fixture('diesel/migrations'));
    expect(found.layout).toBe('diesel');
    expect(found.migrations.map((m) => m.version)).toEqual([
      '00000000000000',
      '20170101000000',
      '20170201000000',
      '202509191326480000',
      '202509191326480002',
      '20250919132648000a',
    ]);
    expect(names(found.migrations)).toEqual([
      'diesel_initial_setup',
      'create_shops',
      'create_items',
      'items_sku',
      'index_items_sku',
      'comment_sku_index',
    ]);
  });

  it('dbmate: whole file names in byte order (9_x after 2024…)', async () => {
    const found = await readMigrationFolder(fixture('dbmate/db/migrations'));
    expect(found.layout).toBe('dbmate');
    expect(found.migrations.map((m) => m.version)).toEqual([
      '20240101000000',
      '20240101000001',
      '20240101000002',
      '9',
    ]);
  });

  it('node-pg-migrate: a 17-digit prefix is a UTC time compared in epoch ms', async () => {
    const found = await readMigrationFolder(fixture('node-pg-migrate/migrations'));
    expect(found.layout).toBe('node-pg-migrate');
    expect(found.migrations.map((m) => m.version)).toEqual([
      '0001',
      '20200513070724505',
      '1589353645000',
      '20200601000000000',
    ]);
    // a Down Migration written before the Up runs up to the Up marker, as node-pg-migrate reads it
    const downFirst = found.migrations.at(-1)!;
    expect(downFirst.up.text.trim()).toBe(
      "-- Up Migration\nALTER TABLE events ADD COLUMN source TEXT NOT NULL DEFAULT 'api';",
    );
    expect(downFirst.down!.text.trim()).toBe('-- Down Migration\nALTER TABLE events DROP COLUMN source;');
  });

  it('Flyway: 1.2.10 before 1.10, R__ repeatables after the versioned, V case-sensitive, U ignored', async () => {
    const found = await readMigrationFolder(fixture('flyway/db/migration'));
    expect(found.layout).toBe('flyway');
    expect(found.migrations.map((m) => m.version)).toEqual([
      '1',
      '1.2.9',
      '1.2.10',
      '1.9',
      '1.10',
      '2',
      '3',
      '4',
      'R__order_summary',
    ]);
    expect(found.migrations.every((m) => m.down === null)).toBe(true);
    const ignored = found.ignored.map((i) => i.path.split('/').at(-1));
    expect(ignored).toEqual(
      expect.arrayContaining(['U1__drop_orders.sql', 'v5__lowercase_prefix.sql', 'V6_single_underscore.sql']),
    );
  });

  it('Prisma: whole folder names (same timestamps are distinct migrations), in localeCompare order', async () => {
    const found = await readMigrationFolder(fixture('prisma/migrations'));
    expect(found.layout).toBe('prisma');
    expect(found.migrations.map((m) => m.version)).toEqual([
      '0_init',
      '20240101000000_add_post',
      '20240101000000_Add_post_title',
      '20240102000000_remove_guest_role',
      '20240103000000_post_title_index',
    ]);
    expect(found.migrations.every((m) => m.down === null)).toBe(true);
  });

  it('golang-migrate: by the number N (9 before 000010)', async () => {
    const found = await readMigrationFolder(fixture('golang-migrate/migrations'));
    expect(found.layout).toBe('golang-migrate');
    expect(found.migrations.map((m) => m.version)).toEqual([
      '000001',
      '000002',
      '000003',
      '9',
      '000010',
      '000011',
    ]);
  });

  it("pgwarden's own layout: versions as numbers (2 before 10)", async () => {
    const found = await readMigrationFolder(fixture('pgwarden/migrations'));
    expect(found.layout).toBe('pgwarden');
    expect(found.migrations.map((m) => m.version)).toEqual(['1', '2', '10']);
  });
});

describe('pairing', () => {
  it('golang-migrate pairs up and down by version, whatever their titles', async () => {
    const migrations = await readMigrations(fixture('golang-migrate/migrations'));
    const first = migrations[0]!;
    expect(first.down?.file).toMatch(/000001_accounts_initial\.down\.sql$/);
    // a down-only version is an empty up; a missing down is fine
    const retired = migrations.find((m) => m.version === '000011')!;
    expect(retired.up.text).toBe('');
    expect(retired.down?.text).toContain('SELECT 1');
    const folderWithoutDowns = await readMigrations(
      folder({ '0001_a.up.sql': 'SELECT 1;', '0002_b.up.sql': 'SELECT 2;' }),
    );
    expect(folderWithoutDowns.map((m) => [m.version, m.down])).toEqual([
      ['0001', null],
      ['0002', null],
    ]);
  });

  it('golang-migrate refuses two up files of one version, as the runner does', async () => {
    await expect(
      readMigrations(folder({ '1_a.up.sql': 'SELECT 1;', '01_b.up.sql': 'SELECT 2;' })),
    ).rejects.toThrow(/two up migrations have version 1/);
  });
});

describe('transactions as each runner runs a file', () => {
  it('diesel: metadata.toml run_in_transaction = false; present without the key: false; absent: true', async () => {
    const migrations = await readMigrations(fixture('diesel/migrations'));
    const byName = new Map(migrations.map((m) => [m.name, m]));
    expect(byName.get('index_items_sku')!.up.transaction).toBe(false);
    expect(byName.get('index_items_sku')!.down!.transaction).toBe(false);
    expect(byName.get('create_items')!.up.transaction).toBe(true);
    const dir = folder({
      '2024-01-01-000000_a/up.sql': 'CREATE TABLE a (id int); CREATE INDEX a_i ON a (id);',
      '2024-01-01-000000_a/metadata.toml': '# no key\n',
      '2024-01-02-000000_b/up.sql': 'CREATE TABLE b (id int); CREATE INDEX b_i ON b (id);',
      '2024-01-02-000000_b/metadata.toml': 'not toml at all',
    });
    const [a, b] = await readMigrations(dir);
    // no runner transaction, but one string of two statements: PostgreSQL's implicit transaction
    expect([a!.up.transaction, a!.up.sentWhole]).toEqual([true, true]);
    expect(b!.up.transaction).toBe(true);
  });

  it('golang-migrate and Prisma: one string — several statements in one implicit transaction, CONCURRENTLY alone outside any, a file with its own BEGIN/COMMIT as written', async () => {
    const golang = new Map(
      (await readMigrations(fixture('golang-migrate/migrations'))).map((m) => [m.name, m]),
    );
    expect(golang.get('create_accounts')!.up.transaction).toBe(true);
    expect(golang.get('index_status')!.up.transaction).toBe(false);
    expect(golang.get('status_enum')!.up.transaction).toBe(false);
    expect(golang.get('status_enum')!.up.sentWhole).toBe(true);
    const prisma = new Map((await readMigrations(fixture('prisma/migrations'))).map((m) => [m.name, m]));
    expect(prisma.get('init')!.up.transaction).toBe(true);
    // one statement that can run in a transaction: pgwarden gives it one of its own, with its history row
    expect(prisma.get('Add_post_title')!.up.transaction).toBe(true);
    expect(prisma.get('remove_guest_role')!.up.transaction).toBe(false);
    expect(prisma.get('post_title_index')!.up.transaction).toBe(false);
  });

  it('Flyway: a transaction per script, off with executeInTransaction=false or when every statement needs it off', async () => {
    const flyway = new Map((await readMigrations(fixture('flyway/db/migration'))).map((m) => [m.version, m]));
    expect(flyway.get('1')!.up.transaction).toBe(true);
    expect(flyway.get('2')!.up.transaction).toBe(false);
    expect(flyway.get('3')!.up.transaction).toBe(false);
    expect(flyway.get('3')!.up.sentWhole).toBe(false);
    const conf = await readMigrations(
      folder({
        'V1__cic.sql': 'CREATE INDEX CONCURRENTLY i ON t (a);',
        'V1__cic.sql.conf': 'executeInTransaction=true\n',
      }),
    );
    expect(conf[0]!.up.transaction).toBe(true);
  });

  it('dbmate: transaction:false exactly (with a space, dbmate keeps its transaction)', async () => {
    const dbmate = new Map((await readMigrations(fixture('dbmate/db/migrations'))).map((m) => [m.name, m]));
    expect(dbmate.get('index_items_name')!.up.transaction).toBe(false);
    expect(dbmate.get('index_items_name')!.down!.transaction).toBe(false);
    expect(dbmate.get('item_price')!.up.transaction).toBe(true);
    const upper = await readMigrations(
      folder({ '1_a.sql': '-- migrate:up transaction:FALSE\nSELECT 1;\n-- migrate:down\n' }, 'db/migrations'),
    );
    expect(upper[0]!.up.transaction).toBe(true);
  });
});

describe('robust on what real folders contain', () => {
  it('ignores READMEs, .keep, lock and metadata files and stray .sql files, each listed once', async () => {
    const diesel = await readMigrationFolder(fixture('diesel/migrations'));
    expect(diesel.migrations.map((m) => m.name)).not.toContain('reference_countries');
    expect(diesel.ignored.map((i) => i.path.split('/').at(-1))).toEqual([
      '.keep',
      'README.md',
      'reference_countries.sql',
    ]);
    const prisma = await readMigrationFolder(fixture('prisma/migrations'));
    expect(prisma.ignored.map((i) => i.path.split('/').at(-1)).sort()).toEqual(
      ['20240104000000_backfill_titles', 'README.md', 'down.sql', 'migration_lock.toml'].sort(),
    );
    const golang = await readMigrationFolder(fixture('golang-migrate/migrations'));
    expect(golang.ignored.map((i) => i.path.split('/').at(-1))).toEqual(['1_notes.sql', 'README.md']);
    const npm = await readMigrationFolder(fixture('node-pg-migrate/migrations'));
    expect(npm.ignored.map((i) => i.path.split('/').at(-1))).toEqual(['.gitkeep', '1589353646000_seed.js']);
  });

  it('a diesel folder without up.sql is reported, not fatal', async () => {
    const found = await readMigrationFolder(
      folder({ '2024-01-01-000000_a/up.sql': 'SELECT 1;', '2024-01-02-000000_b/down.sql': 'SELECT 1;' }),
    );
    expect(found.migrations.map((m) => m.name)).toEqual(['a']);
    expect(found.ignored[0]!.reason).toMatch(/no up\.sql/);
  });
});

describe('a folder read again with a FileTextCache (a watch session)', () => {
  it('rebuilds a migration whose file or settings changed, and reuses the others', async () => {
    const { FileTextCache } = await import('../../src/sql/files.js');
    const dir = mkdtempSync(join(tmpdir(), 'pgwarden-diesel-cache-'));
    for (const name of ['2024-01-01-000000_a', '2024-01-02-000000_b']) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'up.sql'), `CREATE TABLE ${name.slice(-1)} (id int);\n`);
      writeFileSync(join(dir, name, 'down.sql'), `DROP TABLE ${name.slice(-1)};\n`);
    }
    const cache = new FileTextCache();
    const [a1, b1] = await readMigrations(dir, { cache });
    expect(await readMigrations(dir, { cache })).toEqual([a1, b1]);
    writeFileSync(join(dir, '2024-01-02-000000_b', 'metadata.toml'), 'run_in_transaction = false\n');
    const [a2, b2] = await readMigrations(dir, { cache });
    expect(a2).toBe(a1);
    expect(b2).not.toBe(b1);
    // what a read without the cache gives
    expect([a2, b2]).toEqual(await readMigrations(dir));
    writeFileSync(join(dir, '2024-01-01-000000_a', 'up.sql'), 'CREATE TABLE a2 (id int);\n');
    const [a3, b3] = await readMigrations(dir, { cache });
    expect(a3!.up.text).toBe('CREATE TABLE a2 (id int);\n');
    expect(b3).toBe(b2);
    expect([a3, b3]).toEqual(await readMigrations(dir));
  });
});
