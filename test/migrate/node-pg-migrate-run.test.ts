import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { readMigrations } from '../../src/migrate/files.js';
import { LAYOUTS } from '../../src/migrate/layouts.js';
import { lint } from '../../src/ops/lint.js';
import { pg15ServiceUrl, useTestDatabase } from '../helpers/db.js';

/**
 * node-pg-migrate's CLI runs every pending migration of a run in ONE transaction by default (`--single-transaction`,
 * turned off with `--no-single-transaction`; salsita/node-pg-migrate src/runner.ts: one BEGIN before the pending
 * migrations, one COMMIT after). The fixture (test/fixtures/layouts/node-pg-migrate-run/: a table, a column, then a
 * CREATE INDEX CONCURRENTLY) is run by the real node-pg-migrate on the PostgreSQL 15 service: the third migration
 * fails and takes the first two with it. pgwarden's layout data and lint say so.
 */
const PG15 = pg15ServiceUrl();
const DIR = join(import.meta.dirname, '..', 'fixtures', 'layouts', 'node-pg-migrate-run', 'migrations');
const BIN = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'node-pg-migrate');
const config = { config: parseConfig({}, 'test'), path: null, dir: process.cwd() };

/** node-pg-migrate SQL migrations (`-- Up Migration` / `-- Down Migration`) in a new folder, linted. */
function lintMigrations(migrations: Record<string, { up: string; down: string }>) {
  const dir = mkdtempSync(join(tmpdir(), 'pgwarden-npm-run-'));
  for (const [name, { up, down }] of Object.entries(migrations))
    writeFileSync(join(dir, name), `-- Up Migration\n${up}\n\n-- Down Migration\n${down}\n`);
  return lint({ paths: [dir], config });
}

describe('node-pg-migrate: one transaction for every pending migration of a run', () => {
  it('is the layout’s data, carried by each script read from the folder', async () => {
    expect(LAYOUTS['node-pg-migrate'].transactionSpan).toBe('run');
    expect(LAYOUTS.dbmate.transactionSpan).toBe('migration');
    const migrations = await readMigrations(DIR);
    expect(migrations.map((m) => [m.layout, m.up.transaction, m.up.transactionSpan])).toEqual([
      ['node-pg-migrate', true, 'run'],
      ['node-pg-migrate', true, 'run'],
      ['node-pg-migrate', true, 'run'],
    ]);
  });

  it('lint says CONCURRENTLY in any migration rolls back the whole run', async () => {
    const report = await lint({ paths: [DIR], config });
    const found = report.findings.filter((f) => f.rule === 'migration/cannot-run-in-transaction');
    expect(found).toHaveLength(1);
    expect((found[0]!.location as { file: string }).file).toMatch(/1733400000003_index_accounts_email\.sql$/);
    expect(found[0]!.message).toBe(
      "CREATE INDEX CONCURRENTLY cannot run inside the migration runner's transaction, which spans every pending migration of the run: PostgreSQL rejects it, and the whole run is rolled back: the pending migrations before this one too",
    );
    // the runner ignores pgwarden's directive in a .sql file: the fix says what does opt out
    expect(found[0]!.fix).toMatch(
      /^-- node-pg-migrate runs every SQL migration in the run's transaction .*pgm\.noTransaction\(\)/,
    );
  });

  it("lint says a file's own COMMIT commits the run so far and leaves the rest of the run without a transaction", async () => {
    const report = await lintMigrations({
      '1733400000001_create_notes.sql': {
        up: 'CREATE TABLE notes (id bigint PRIMARY KEY);',
        down: 'DROP TABLE notes;',
      },
      '1733400000002_notes_body.sql': {
        up: 'ALTER TABLE notes ADD COLUMN body text;\nCOMMIT;\nALTER TABLE notes ADD COLUMN title text;',
        down: 'ALTER TABLE notes DROP COLUMN title, DROP COLUMN body;',
      },
    });
    const found = report.findings.filter((f) => f.rule === 'migration/nested-transaction');
    expect(found.map((f) => f.message)).toEqual([
      "COMMIT ends the migration runner's transaction, which spans every pending migration of the run: it commits the pending migrations before this one with half of this one, and what follows, the later migrations of the run included, runs without a transaction",
    ]);
  });

  it('lint says splitting a migration does not split the run’s transaction', async () => {
    const report = await lintMigrations({
      '1733400000001_create.sql': {
        up: 'CREATE TABLE a (id bigint PRIMARY KEY);\nCREATE TABLE b (id bigint PRIMARY KEY);',
        down: 'DROP TABLE a, b;',
      },
      '1733400000002_both.sql': {
        up: "SET lock_timeout = '2s';\nALTER TABLE a ADD COLUMN note text;\nALTER TABLE b ADD COLUMN note text;",
        down: 'ALTER TABLE a DROP COLUMN note;\nALTER TABLE b DROP COLUMN note;',
      },
    });
    const found = report.findings.filter((f) => f.rule === 'migration/several-heavy-locks');
    expect(found.map((f) => f.fix)).toEqual([
      '-- split into separate migrations, and run them with node-pg-migrate --no-single-transaction: by default every pending migration of a run shares one transaction, so separate migrations still hold their locks together until the run ends',
    ]);
  });

  describe.skipIf(!PG15)('the real node-pg-migrate on PostgreSQL 15', () => {
    const db = useTestDatabase(() => PG15!);

    function nodePgMigrate(...args: string[]) {
      return spawnSync(BIN, ['up', '--migrations-dir', DIR, ...args], {
        env: { ...process.env, DATABASE_URL: db().url },
        encoding: 'utf8',
      });
    }

    async function state() {
      const connection = await db().connect();
      const { rows } = await connection.query<{
        accounts: string | null;
        index: string | null;
        runs: number;
      }>(
        `SELECT to_regclass('accounts')::text AS accounts, to_regclass('accounts_email_idx')::text AS index,
                (SELECT count(*)::int FROM pgmigrations) AS runs`,
      );
      return rows[0];
    }

    it('by default: CONCURRENTLY in the third pending migration rolls back all three', async () => {
      const run = nodePgMigrate();
      expect(run.status).toBe(1);
      expect(run.stderr + run.stdout).toMatch(
        /CREATE INDEX CONCURRENTLY cannot run inside a transaction block/,
      );
      expect(await state()).toEqual({ accounts: null, index: null, runs: 0 });
    });

    it('with --no-single-transaction: the two migrations before it stay applied', async () => {
      const run = nodePgMigrate('--no-single-transaction');
      expect(run.status).toBe(1);
      expect(await state()).toEqual({ accounts: 'accounts', index: null, runs: 2 });
    });
  });
});
