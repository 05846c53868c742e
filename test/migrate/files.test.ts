import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareVersions, readMigrations, splitSections } from '../../src/migrate/files.js';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgwarden-migrations-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

describe('migration sections', () => {
  it('splits up and down, keeping every position of the file', () => {
    const text = '-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n';
    const sections = splitSections(text)!;
    expect(sections.up.text.length).toBe(text.length);
    expect(sections.up.text).toContain('CREATE TABLE a');
    expect(sections.up.text).not.toContain('DROP TABLE');
    expect(sections.up.text.split('\n')[3]!.trim()).toBe('');
    expect(sections.down!.text).toContain('DROP TABLE a');
    expect(sections.down!.text.indexOf('DROP TABLE')).toBe(text.indexOf('DROP TABLE'));
    expect(sections.up.transaction).toBe(true);
  });

  it("reads dbmate's transaction:false and pgwarden's no-transaction directive", () => {
    expect(
      splitSections('-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);')!.up.transaction,
    ).toBe(false);
    expect(
      splitSections('-- migrate:up\n-- pgwarden:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);')!.up
        .transaction,
    ).toBe(false);
  });

  it("reads node-pg-migrate's markers", () => {
    const sections = splitSections(
      '-- Up Migration\nCREATE TABLE a (id int);\n-- Down Migration\nDROP TABLE a;',
    )!;
    expect(sections.up.text).toContain('CREATE TABLE');
    expect(sections.down!.text).toContain('DROP TABLE');
  });

  it('returns nothing for a plain SQL file', () => {
    expect(splitSections('CREATE TABLE a (id int);')).toBeUndefined();
  });
});

describe('migration folders', () => {
  it('orders versions numerically', () => {
    expect(['1.10', '1.9', '2', '1.2.3'].sort(compareVersions)).toEqual(['1.2.3', '1.9', '1.10', '2']);
    expect(compareVersions('20240101000000', '20231231235959')).toBeGreaterThan(0);
  });

  it('reads the pgwarden / dbmate layout', async () => {
    const dir = folder({
      '20240102000000_add_note.sql':
        '-- migrate:up\nALTER TABLE a ADD COLUMN note text;\n-- migrate:down\nALTER TABLE a DROP COLUMN note;',
      '20240101000000_create_a.sql':
        '-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;',
    });
    const migrations = await readMigrations(dir);
    expect(migrations.map((m) => [m.version, m.name, m.layout, m.down !== null])).toEqual([
      ['20240101000000', 'create_a', 'pgwarden', true],
      ['20240102000000', 'add_note', 'pgwarden', true],
    ]);
    expect(migrations[0]!.up.migration).toMatchObject({ dir, version: '20240101000000', layout: 'pgwarden' });
  });

  it('reads up/down pairs (golang-migrate)', async () => {
    const dir = folder({
      '1_create.up.sql': 'CREATE TABLE a (id int);',
      '1_create.down.sql': 'DROP TABLE a;',
      '2_index.up.sql': '-- pgwarden:no-transaction\nCREATE INDEX CONCURRENTLY i ON a (id);',
    });
    const migrations = await readMigrations(dir);
    expect(migrations.map((m) => [m.version, m.layout, m.down?.text ?? null, m.up.transaction])).toEqual([
      // one statement sent alone: pgwarden runs it in a transaction of its own (the same effect)
      ['1', 'golang-migrate', 'DROP TABLE a;', true],
      ['2', 'golang-migrate', null, false],
    ]);
  });

  it('reads diesel and Prisma folders', async () => {
    const diesel = await readMigrations(
      folder({
        '2024-01-01-000000_create/up.sql': 'CREATE TABLE a (id int);',
        '2024-01-01-000000_create/down.sql': 'DROP TABLE a;',
      }),
    );
    expect(diesel.map((m) => [m.layout, m.down !== null])).toEqual([['diesel', true]]);
    const prisma = await readMigrations(
      folder({ '20240101000000_init/migration.sql': 'CREATE TABLE a (id int);' }),
    );
    expect(prisma.map((m) => [m.layout, m.version, m.name, m.down])).toEqual([
      ['prisma', '20240101000000_init', 'init', null],
    ]);
  });

  it('reads Flyway versioned migrations; undo migrations are Teams-only and ignored', async () => {
    const migrations = await readMigrations(
      folder({
        'V1__create.sql': 'CREATE TABLE a (id int);',
        'U1__create.sql': 'DROP TABLE a;',
        'V1.10__later.sql': 'SELECT 2;',
        'V1.9__earlier.sql': 'SELECT 1;',
      }),
    );
    expect(migrations.map((m) => [m.version, m.name, m.layout, m.down !== null])).toEqual([
      ['1', 'create', 'flyway', false],
      ['1.9', 'earlier', 'flyway', false],
      ['1.10', 'later', 'flyway', false],
    ]);
  });

  it('refuses two migrations with one version; a golang-migrate down without its up is an empty up', async () => {
    await expect(readMigrations(folder({ '1_a.sql': 'SELECT 1;', '1_b.sql': 'SELECT 2;' }))).rejects.toThrow(
      /two migrations have version 1/,
    );
    const [downOnly] = await readMigrations(folder({ '3_x.down.sql': 'SELECT 1;' }));
    expect([downOnly!.version, downOnly!.up.text, downOnly!.down!.text]).toEqual(['3', '', 'SELECT 1;']);
  });

  it('refuses two versions that are one number: Flyway V1 and V01, 1.0 and 1', async () => {
    await expect(
      readMigrations(folder({ 'V1__x.sql': 'SELECT 1;', 'V01__x.sql': 'SELECT 2;' })),
    ).rejects.toThrow(/two migrations have version 1 \(01 and 1 are the same number\)/);
    await expect(
      readMigrations(folder({ 'V1.0__a.sql': 'SELECT 1;', 'V1__b.sql': 'SELECT 2;' })),
    ).rejects.toThrow(/are the same number/);
    // distinct numbers stay distinct
    const migrations = await readMigrations(
      folder({ 'V1__a.sql': 'SELECT 1;', 'V10__b.sql': 'SELECT 2;', 'V1.01__c.sql': 'SELECT 3;' }),
    );
    expect(migrations.map((m) => m.version)).toEqual(['1', '1.01', '10']);
  });
});
