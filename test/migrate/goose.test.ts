import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { openTarget } from '../../src/db/target.js';
import { gooseSections, readMigrationFolder } from '../../src/migrate/files.js';
import { migrateUp } from '../../src/migrate/runner.js';
import { lint } from '../../src/ops/lint.js';
import { useTestDatabase } from '../helpers/db.js';
import { migrationProject } from '../helpers/project.js';

/**
 * goose's folders as goose reads and runs them (docs/migration-layouts.md, goose): `-- +goose Up` / `Down` sections,
 * NO TRANSACTION for the whole file, StatementBegin … StatementEnd blocks sent as one string, numeric versions.
 */
const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'layouts', 'goose', 'migrations');
const config = { config: parseConfig({}, 'test'), path: null, dir: process.cwd() };
const db = useTestDatabase();

const folder = (files: Record<string, string>) => join(migrationProject(files).dir, 'migrations');

describe('goose folders', () => {
  it('are recognised and ordered by version as numbers; Go migrations and other files are listed as ignored', async () => {
    const read = await readMigrationFolder(FIXTURE);
    expect(read.layout).toBe('goose');
    expect(read.migrations.map((m) => m.version)).toEqual([
      '00001',
      '00002',
      '20240105093000',
      '20240106100000',
      '20240107110000',
      '20240108120000',
      '20240109130000',
    ]);
    expect(read.ignored.map((i) => i.path.split('/').at(-1))).toEqual([
      '20240110140000_seed_plans.go',
      'README.md',
      'helpers.sql',
    ]);
    const numbers = folder({
      '10_c.sql': '-- +goose Up\nCREATE TABLE c (id int);\n',
      '9_b.sql': '-- +goose Up\nCREATE TABLE b (id int);\n',
    });
    expect((await readMigrationFolder(numbers)).migrations.map((m) => m.version)).toEqual(['9', '10']);
  });

  it('two files of one version (00002 and 2) are refused, as goose refuses them', async () => {
    const dir = folder({
      '00002_a.sql': '-- +goose Up\nSELECT 1;\n',
      '2_b.sql': '-- +goose Up\nSELECT 2;\n',
    });
    await expect(readMigrationFolder(dir)).rejects.toThrow(/two migrations have version/);
  });

  it('splits each file at its annotations, in any case; the down is not read as up', async () => {
    const read = await readMigrationFolder(FIXTURE);
    const first = read.migrations[0]!;
    expect(first.up.text).toContain('CREATE TABLE accounts');
    expect(first.up.text).not.toContain('DROP TABLE');
    expect(first.down!.text).toContain('DROP TABLE accounts');
    expect(first.down!.text).not.toContain('CREATE TABLE');
    // positions stay those of the file
    expect(first.up.text.length).toBe(first.up.fileText.length);
    const last = read.migrations.at(-1)!;
    expect(last.down).toBeNull();
    // lower case, no space after --, trailing blanks: goose reads them all
    const sections = gooseSections('--+goose up  \nSELECT 1;\n-- +GOOSE DOWN\nSELECT 2;\n')!;
    expect(sections.up.text).toContain('SELECT 1;');
    expect(sections.up.text).not.toContain('SELECT 2;');
    expect(sections.down!.text).toContain('SELECT 2;');
    // an indented annotation is not one (goose refuses it): no section
    expect(gooseSections('  -- +goose Up\nSELECT 1;\n')).toBeUndefined();
  });

  it('runs each file in a transaction unless it says NO TRANSACTION (anywhere, any case), for both directions', async () => {
    const read = await readMigrationFolder(FIXTURE);
    const by = (version: string) => read.migrations.find((m) => m.version === version)!;
    expect(by('00001').up.transaction).toBe(true);
    expect(by('00001').down!.transaction).toBe(true);
    // `-- +goose no transaction` above the Up annotation
    expect(by('20240105093000').up).toMatchObject({ transaction: false, sentWhole: false });
    expect(by('20240105093000').down).toMatchObject({ transaction: false, sentWhole: false });
  });

  it('a StatementBegin block of several statements in a NO TRANSACTION file is one transaction, as PostgreSQL runs the string goose sends', async () => {
    const read = await readMigrationFolder(FIXTURE);
    const block = read.migrations.find((m) => m.version === '20240108120000')!;
    const lines = block.up.text.split('\n');
    expect(lines[2]!.trimEnd()).toBe('BEGIN;');
    expect(lines[5]!.trimEnd()).toBe(';COMMIT;');
    // one statement in its block runs alone: nothing is written over its annotations
    const single = gooseSections(
      '-- +goose NO TRANSACTION\n-- +goose Up\n-- +goose StatementBegin\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- +goose StatementEnd\n',
    )!;
    expect(single.up.text).not.toMatch(/BEGIN;|COMMIT;/);
  });

  it('a block ends its last statement, as goose does, even without a ;', async () => {
    const dir = folder({
      '1_t.sql':
        '-- +goose Up\n-- +goose StatementBegin\nCREATE TABLE t (a int)\n-- +goose StatementEnd\nCREATE TABLE u (b int);\n',
      '2_n.sql':
        "-- +goose NO TRANSACTION\n-- +goose Up\n-- +goose StatementBegin\nSET lock_timeout = '2s';\nCREATE INDEX i ON t (a)\n-- +goose StatementEnd\n",
    });
    const report = await lint({ paths: [dir], config });
    expect(report.findings.filter((f) => /syntax-error|uncommitted|nested/.test(f.rule))).toEqual([]);
    expect(report.data!.statements.map((s) => s.sql)).toContain('CREATE INDEX i ON t (a)');
  });

  it('keeps every line where it is (a finding after a rewritten block names its own line)', async () => {
    const text =
      '-- +goose NO TRANSACTION\n-- +goose Up\n-- +goose StatementBegin  \r\nSELECT 1;\nSELECT 2;\n-- +goose StatementEnd\n\nCREATE INDEX i ON t (a);\n';
    const up = gooseSections(text)!.up.text;
    expect(up.length).toBe(text.length);
    expect(up.split('\n')).toHaveLength(text.split('\n').length);
    expect(up.split('\n')[7]).toBe('CREATE INDEX i ON t (a);');
    const dir = folder({ '1_t.sql': '-- +goose Up\nCREATE TABLE t (a int);\n', '2_i.sql': text });
    const report = await lint({ paths: [dir], config });
    const index = report.findings.find((f) => f.rule === 'migration/require-concurrent-index')!;
    expect(index.location).toMatchObject({ line: 8 });
  });
});

describe('lint of a goose folder', () => {
  it('reports CONCURRENTLY in goose’s transaction with goose’s own fix, and in a block of several statements; not in a NO TRANSACTION file', async () => {
    const report = await lint({ paths: [FIXTURE], config });
    const refused = report.findings
      .filter((f) => f.rule === 'migration/cannot-run-in-transaction')
      .map((f) => ({ file: (f.location as { file: string }).file.split('/').at(-1), fix: f.fix }));
    expect(refused).toEqual([
      {
        file: '20240107110000_index_accounts_status.sql',
        fix: '-- +goose NO TRANSACTION\nCREATE INDEX CONCURRENTLY accounts_status_idx ON accounts (status);',
      },
      {
        file: '20240108120000_index_plan_in_block.sql',
        fix: '-- alone: outside BEGIN … COMMIT, and not in a StatementBegin … StatementEnd block with other statements\nCREATE INDEX CONCURRENTLY accounts_plan_idx ON accounts (plan);',
      },
    ]);
    // the down sections are not linted as ups: DROP TABLE / DROP COLUMN there are not findings
    expect(report.findings.filter((f) => /drop/i.test(f.rule))).toEqual([]);
  });
});

describe("pgwarden's runner on a goose folder", () => {
  it('runs the migrations as goose would: the NO TRANSACTION index is built CONCURRENTLY and valid', async () => {
    const project = migrationProject({
      '00001_create_accounts.sql':
        '-- +goose Up\nCREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n-- +goose Down\nDROP TABLE accounts;\n',
      '00002_function.sql':
        '-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION one() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$;\n-- +goose StatementEnd\n-- +goose Down\nDROP FUNCTION one();\n',
      '00003_index.sql':
        '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);\n-- +goose Down\nDROP INDEX CONCURRENTLY accounts_email_idx;\n',
    });
    const up = await migrateUp({
      target: await openTarget({ db: db().url }),
      config: project.config,
      noGuardReason: 'a test',
    });
    expect(up.runs.map((r) => r.version)).toEqual(['00001', '00002', '00003']);
    const connection = await db().connect();
    const { rows } = await connection.query<{ valid: boolean; one: number }>(
      `SELECT i.indisvalid AS valid, one() AS one FROM pg_index i
        WHERE i.indexrelid = 'accounts_email_idx'::regclass`,
    );
    expect(rows).toEqual([{ valid: true, one: 1 }]);
  });
});
