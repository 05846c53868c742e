import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LoadedConfig, parseConfig } from '../../src/core/config.js';
import { openTarget } from '../../src/db/target.js';
import { readMigrationFolder } from '../../src/migrate/files.js';
import { migrateUp } from '../../src/migrate/runner.js';
import { lint } from '../../src/ops/lint.js';
import { useTestDatabase } from '../helpers/db.js';

/**
 * `lint --fix` moves a CREATE INDEX out of a migration's transaction into a NEW migration in the layout's own form,
 * or makes a lone one CONCURRENTLY in place with the runner's own opt-out; pgwarden's runner, reading the folder as
 * that layout, then runs it on a real server and the index exists. Applied migrations are never edited.
 */

const db = useTestDatabase();

const INIT = `CREATE TABLE "User" (id bigint PRIMARY KEY, email text, name text);
INSERT INTO "User" SELECT g, 'u' || g || '@example.com', 'n' || g FROM generate_series(1, 100) AS g;`;
const SHARED =
  'ALTER TABLE "User" ADD COLUMN "createdAt" timestamptz;\nCREATE UNIQUE INDEX "User_email_key" ON "User" (email);';
const LONE = 'CREATE INDEX "User_name_idx" ON "User" (name);';
const section = (up: string, down: string) => `-- migrate:up\n${up}\n\n-- migrate:down\n${down}\n`;
const goose = (up: string, down: string) => `-- +goose Up\n${up}\n\n-- +goose Down\n${down}\n`;

interface LayoutCase {
  readonly layout: string;
  /** The migrations folder, inside the project. */
  readonly dir: string;
  readonly files: Record<string, string>;
  /** The files --fix writes or changes, relative to the folder. */
  readonly written: readonly string[];
  /** What the new or changed files must say (file → text it contains). */
  readonly contains?: Readonly<Record<string, string>>;
}

const CASES: readonly LayoutCase[] = [
  {
    layout: 'prisma',
    dir: 'prisma/migrations',
    files: {
      'migration_lock.toml': 'provider = "postgresql"\n',
      '20240101000000_init/migration.sql': INIT,
      '20240102000000_email/migration.sql': SHARED,
      '20240103000000_name/migration.sql': LONE,
    },
    written: [
      '20240102000000_email/migration.sql',
      '20240102000001_email_concurrently/migration.sql',
      '20240103000000_name/migration.sql',
    ],
    contains: {
      '20240102000001_email_concurrently/migration.sql':
        'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "User_email_key" ON "User" (email);\n',
    },
  },
  {
    layout: 'golang-migrate',
    dir: 'migrations',
    files: {
      '000001_init.up.sql': INIT,
      '000001_init.down.sql': 'DROP TABLE "User";',
      '000002_email.up.sql': SHARED,
      '000002_email.down.sql': 'ALTER TABLE "User" DROP COLUMN "createdAt";',
      '000004_name.up.sql': LONE,
      '000004_name.down.sql': 'DROP INDEX "User_name_idx";',
    },
    written: [
      '000002_email.up.sql',
      '000003_email_concurrently.up.sql',
      '000003_email_concurrently.down.sql',
      '000004_name.up.sql',
    ],
    contains: { '000003_email_concurrently.down.sql': 'DROP INDEX CONCURRENTLY IF EXISTS "User_email_key";' },
  },
  {
    layout: 'diesel',
    dir: 'migrations',
    files: {
      '2024-01-01-000000_init/up.sql': INIT,
      '2024-01-01-000000_init/down.sql': 'DROP TABLE "User";',
      '2024-01-02-000000_email/up.sql': SHARED,
      '2024-01-02-000000_email/down.sql': 'ALTER TABLE "User" DROP COLUMN "createdAt";',
      '2024-01-03-000000_name/up.sql': LONE,
      '2024-01-03-000000_name/down.sql': 'DROP INDEX "User_name_idx";',
    },
    written: [
      '2024-01-02-000000_email/up.sql',
      '2024-01-02-000001_email_concurrently/up.sql',
      '2024-01-02-000001_email_concurrently/down.sql',
      '2024-01-02-000001_email_concurrently/metadata.toml',
      '2024-01-03-000000_name/up.sql',
      '2024-01-03-000000_name/metadata.toml',
    ],
    contains: { '2024-01-03-000000_name/metadata.toml': 'run_in_transaction = false' },
  },
  {
    layout: 'dbmate',
    dir: 'db/migrations',
    files: {
      '20240101000000_init.sql': section(INIT, 'DROP TABLE "User";'),
      '20240102000000_email.sql': section(SHARED, 'ALTER TABLE "User" DROP COLUMN "createdAt";'),
      '20240103000000_name.sql': section(LONE, 'DROP INDEX "User_name_idx";'),
    },
    written: ['20240102000000_email.sql', '20240102000001_email_concurrently.sql', '20240103000000_name.sql'],
    contains: {
      '20240102000001_email_concurrently.sql': '-- migrate:up transaction:false\n',
      '20240103000000_name.sql': '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY',
    },
  },
  {
    layout: 'pgwarden',
    dir: 'migrations',
    files: {
      '1_init.sql': section(INIT, 'DROP TABLE "User";'),
      '2_email.sql': section(SHARED, 'ALTER TABLE "User" DROP COLUMN "createdAt";'),
      '4_name.sql': section(LONE, 'DROP INDEX "User_name_idx";'),
    },
    written: ['2_email.sql', '3_email_concurrently.sql', '4_name.sql'],
    contains: { '4_name.sql': '-- pgwarden:no-transaction' },
  },
  {
    layout: 'goose',
    dir: 'migrations',
    files: {
      '00001_init.sql': goose(INIT, 'DROP TABLE "User";'),
      '00002_email.sql': goose(SHARED, 'ALTER TABLE "User" DROP COLUMN "createdAt";'),
      '00004_name.sql': goose(LONE, 'DROP INDEX "User_name_idx";'),
    },
    written: ['00002_email.sql', '00003_email_concurrently.sql', '00004_name.sql'],
    contains: {
      '00003_email_concurrently.sql':
        '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "User_email_key" ON "User" (email);\n\n-- +goose Down\nDROP INDEX CONCURRENTLY IF EXISTS "User_email_key";\n',
      '00004_name.sql':
        '-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = \'2s\';\nSET statement_timeout = \'15min\';\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "User_name_idx" ON "User" (name);\n',
    },
  },
  {
    layout: 'sqlx',
    dir: 'migrations',
    files: {
      '../Cargo.toml':
        '[package]\nname = "app"\n\n[dependencies]\nsqlx = { version = "0.8", features = ["postgres", "migrate"] }\n',
      '20240101000000_init.sql': INIT,
      '20240102000000_email.up.sql': SHARED,
      '20240102000000_email.down.sql': 'ALTER TABLE "User" DROP COLUMN "createdAt";',
      '20240104000000_name.sql': LONE,
    },
    written: [
      '20240102000000_email.up.sql',
      '20240102000001_email_concurrently.up.sql',
      '20240102000001_email_concurrently.down.sql',
      '20240104000000_name.sql',
    ],
    contains: {
      '20240102000001_email_concurrently.up.sql':
        '-- no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "User_email_key" ON "User" (email);\n',
      '20240102000001_email_concurrently.down.sql':
        '-- no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS "User_email_key";\n',
      '20240104000000_name.sql': '-- no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "User_name_idx"',
    },
  },
  {
    layout: 'flyway',
    dir: 'db/migration',
    files: { 'V1__init.sql': INIT, 'V2__email.sql': SHARED, 'V3__name.sql': LONE },
    written: ['V2__email.sql', 'V2.1__email_concurrently.sql', 'V3__name.sql'],
  },
];

function project(
  dir: string,
  files: Record<string, string>,
): { root: string; folder: string; config: LoadedConfig } {
  const root = mkdtempSync(join(tmpdir(), 'pgwarden-fix-layout-'));
  const folder = join(root, dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), text);
  }
  return {
    root,
    folder,
    config: { config: parseConfig({ migrations: { dir } }, 'test'), path: null, dir: root },
  };
}

function listing(folder: string): string[] {
  return (
    readdirSync(folder, { recursive: true, withFileTypes: true }) as {
      isFile(): boolean;
      name: string;
      parentPath: string;
    }[]
  )
    .filter((e) => e.isFile())
    .map((e) => relative(folder, join(e.parentPath, e.name)))
    .sort();
}

async function indexes(): Promise<Record<string, boolean>> {
  const connection = await db().connect();
  const { rows } = await connection.query<{ name: string; valid: boolean }>(
    `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = '"User"'::regclass AND NOT i.indisprimary`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.valid]));
}

describe('lint --fix writes new migrations in the layout its runner runs', () => {
  it.each(CASES)('$layout', async ({ layout, dir, files, written, contains }) => {
    const { folder, config, root } = project(dir, files);
    const before = listing(folder);
    const report = await lint({ paths: [folder], config, fix: true });
    const fix = report.data!.fix!;
    expect(fix.files.map((f) => relative(folder, f.file)).sort()).toEqual([...written].sort());
    for (const [file, text] of Object.entries(contains ?? {}))
      expect(readFileSync(join(folder, file), 'utf8')).toContain(text);
    // every file of the folder is one the runner runs: nothing written beside its migrations
    const read = await readMigrationFolder(folder);
    expect(read.layout).toBe(layout);
    const ignoredBefore = before.filter((f) => read.ignored.some((i) => i.path.endsWith(f)));
    expect(read.ignored.map((i) => relative(folder, i.path)).sort()).toEqual(ignoredBefore.sort());
    expect(report.findings.filter((f) => f.rule === 'migration/require-concurrent-index')).toEqual([]);
    // pgwarden's runner, reading the folder as this layout, runs them: the indexes exist and are valid
    const up = await migrateUp({
      target: await openTarget({ db: db().url }),
      config,
      dir: folder,
      noGuardReason: 'a test',
    });
    expect(up.runs.length).toBe(read.migrations.length);
    expect(await indexes()).toEqual({ User_email_key: true, User_name_idx: true });
    expect(existsSync(root)).toBe(true);
  });

  it('goose: a statement in a StatementBegin block is left where it is, with the reason; the SETs go before the block', async () => {
    const block = `-- +goose Up\n-- +goose StatementBegin\nALTER TABLE "User" ADD COLUMN nick text;\n${LONE}\n-- +goose StatementEnd\n`;
    const { folder, config } = project('migrations', {
      '00001_init.sql': goose(INIT, 'DROP TABLE "User";'),
      '00002_name.sql': block,
    });
    const report = await lint({ paths: [folder], config, fix: true });
    expect(report.data!.fix!.skipped.filter((s) => s.rule === 'migration/require-concurrent-index')).toEqual([
      expect.objectContaining({
        reason: expect.stringMatching(/^goose sends a StatementBegin … StatementEnd block as one string/),
      }),
    ]);
    const written = readFileSync(join(folder, '00002_name.sql'), 'utf8');
    expect(written).not.toContain('CONCURRENTLY');
    expect(written).not.toContain('NO TRANSACTION');
    expect(written).toMatch(
      /^-- \+goose Up\nSET lock_timeout = '2s';\n(SET statement_timeout = '15min';\n)?-- \+goose StatementBegin\n/,
    );
  });

  it('node-pg-migrate: refuses, with the reason, instead of writing what its runner would run in a transaction', async () => {
    const { folder, config } = project('migrations', {
      '1700000000000_init.sql': `-- Up Migration\n${INIT}\n-- Down Migration\nDROP TABLE "User";\n`,
      '1700000000001_email.sql': `-- Up Migration\n${SHARED}\n-- Down Migration\nSELECT 1;\n`,
    });
    const report = await lint({ paths: [folder], config, fix: true });
    // a lock_timeout may be set, but no statement is made CONCURRENTLY and no migration is added
    expect(report.data!.fix!.files.map((f) => f.before !== null && f.after.includes('CONCURRENTLY'))).toEqual(
      [false],
    );
    expect(
      report.data!.fix!.skipped.find((s) => s.rule === 'migration/require-concurrent-index')?.reason,
    ).toMatch(/node-pg-migrate runs every SQL migration in a transaction/);
  });
});

describe('lint --fix never edits an applied migration', () => {
  it('applied per the --db database: another runner’s history (Prisma)', async () => {
    const { folder, config } = project('prisma/migrations', {
      'migration_lock.toml': 'provider = "postgresql"\n',
      '20240101000000_init/migration.sql': INIT,
      '20240102000000_email/migration.sql': SHARED,
      '20240103000000_name/migration.sql': LONE,
    });
    const connection = await db().connect();
    await connection.query(`${INIT}
      ALTER TABLE "User" ADD COLUMN "createdAt" timestamptz;
      CREATE UNIQUE INDEX "User_email_key" ON "User" (email);
      CREATE TABLE _prisma_migrations (id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL,
        finished_at timestamptz, migration_name varchar(255) NOT NULL, logs text, rolled_back_at timestamptz,
        started_at timestamptz NOT NULL DEFAULT now(), applied_steps_count int NOT NULL DEFAULT 0);
      INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES
        ('1', 'x', now(), '20240101000000_init', 1), ('2', 'y', now(), '20240102000000_email', 1);`);
    const texts = Object.fromEntries(listing(folder).map((f) => [f, readFileSync(join(folder, f), 'utf8')]));
    const report = await lint({ paths: [folder], config, fix: true, db: db().url });
    const fix = report.data!.fix!;
    // the pending one is fixed in place; the applied one is left as it is, with the reason
    expect(fix.files.map((f) => relative(folder, f.file))).toEqual(['20240103000000_name/migration.sql']);
    expect(readFileSync(join(folder, '20240102000000_email/migration.sql'), 'utf8')).toBe(
      texts['20240102000000_email/migration.sql'],
    );
    expect(fix.skipped.find((s) => s.file.endsWith('20240102000000_email/migration.sql'))?.reason).toMatch(
      /already applied \(recorded in public\._prisma_migrations, prisma's history\)/,
    );
  });

  it('applied per git: committed on the default branch, or unchanged since --changed-since', async () => {
    const { folder, config, root } = project('migrations', {
      '1_init.sql': section(INIT, 'DROP TABLE "User";'),
      '2_email.sql': section(SHARED, 'SELECT 1;'),
    });
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: root });
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'init');
    writeFileSync(join(folder, '3_name.sql'), section(LONE, 'SELECT 1;'));
    const email = readFileSync(join(folder, '2_email.sql'), 'utf8');
    const report = await lint({ paths: [folder], config, fix: true });
    expect(report.data!.fix!.files.map((f) => relative(folder, f.file))).toEqual(['3_name.sql']);
    expect(readFileSync(join(folder, '2_email.sql'), 'utf8')).toBe(email);
    expect(report.data!.fix!.skipped.find((s) => s.file.endsWith('2_email.sql'))?.reason).toMatch(
      /committed on main/,
    );
    // on a branch: a migration changed since the ref is the branch's own, and fixed
    git('checkout', '-q', '-b', 'feature');
    writeFileSync(
      join(folder, '2_email.sql'),
      section(`${SHARED}\nALTER TABLE "User" ADD COLUMN note text;`, 'SELECT 1;'),
    );
    const cwd = process.cwd();
    process.chdir(root); // --changed-since reads the git checkout of the working directory
    const since = await lint({ paths: [folder], config, fix: true, changedSince: 'main' }).finally(() =>
      process.chdir(cwd),
    );
    expect(since.data!.fix!.files.map((f) => relative(folder, f.file))).toContain('2_email.sql');
  });
});
