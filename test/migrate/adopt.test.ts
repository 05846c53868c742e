import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTarget } from '../../src/db/target.js';
import { readHistory } from '../../src/migrate/history.js';
import { migrateBaseline, migrateDown, migrateStatus, migrateUp } from '../../src/migrate/runner.js';
import { useTestDatabase } from '../helpers/db.js';
import { migrationProject } from '../helpers/project.js';

const db = useTestDatabase();
const HISTORY = { schema: 'pgwarden', table: 'migrations' };

/** A project whose migrations folder holds `files` (paths may have sub-folders: Prisma's and diesel's layouts). */
function project(files: Record<string, string>) {
  const made = migrationProject({});
  for (const [path, text] of Object.entries(files)) {
    const full = join(made.dir, 'migrations', path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return made;
}

async function runner(p: ReturnType<typeof project>) {
  return { target: await openTarget({ db: db().url }), config: p.config, noGuardReason: 'a test' };
}

/**
 * Each runner's history as that runner leaves it (its table, written here by our own SQL after the layouts research
 * in docs/migration-layouts.md §10), with the objects of the migrations it applied, and one migration still pending.
 */
const RUNNERS = [
  {
    runner: 'prisma',
    files: {
      '20240101000000_init/migration.sql': 'CREATE TABLE a (id int);',
      '20240102000000_b/migration.sql': 'CREATE TABLE b (id int);',
      '20240103000000_c/migration.sql': 'CREATE TABLE c (id int);',
      'migration_lock.toml': 'provider = "postgresql"\n',
    },
    history: `CREATE TABLE _prisma_migrations (id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL,
        finished_at timestamptz, migration_name varchar(255) NOT NULL, logs text, rolled_back_at timestamptz,
        started_at timestamptz NOT NULL DEFAULT now(), applied_steps_count int NOT NULL DEFAULT 0);
      INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES
        ('1', 'x', now(), '20240101000000_init', 1), ('2', 'y', now(), '20240102000000_b', 1);
      -- a migration rolled back (prisma migrate resolve --rolled-back) is not applied
      INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, rolled_back_at)
        VALUES ('3', 'z', NULL, '20240103000000_c', now());`,
    applied: ['20240101000000_init', '20240102000000_b'],
    pending: '20240103000000_c',
  },
  {
    runner: 'diesel',
    files: {
      '2024-01-01-000000_init/up.sql': 'CREATE TABLE a (id int);',
      '2024-01-01-000000_init/down.sql': 'DROP TABLE a;',
      '20240102000000_b/up.sql': 'CREATE TABLE b (id int);',
      '2024-01-03-000000_c/up.sql': 'CREATE TABLE c (id int);',
    },
    history: `CREATE TABLE __diesel_schema_migrations (version varchar(50) PRIMARY KEY,
        run_on timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP);
      INSERT INTO __diesel_schema_migrations (version) VALUES ('20240101000000'), ('20240102000000');`,
    applied: ['20240101000000', '20240102000000'],
    pending: '20240103000000',
  },
  {
    runner: 'golang-migrate',
    files: {
      '1_init.up.sql': 'CREATE TABLE a (id int);',
      '1_init.down.sql': 'DROP TABLE a;',
      '2_b.up.sql': 'CREATE TABLE b (id int);',
      '10_c.up.sql': 'CREATE TABLE c (id int);',
    },
    // one row: the current version (every migration up to it is applied)
    history: `CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
      INSERT INTO schema_migrations VALUES (2, false);`,
    applied: ['1', '2'],
    pending: '10',
  },
  {
    runner: 'dbmate',
    files: {
      '20240101000000_init.sql': '-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n',
      '20240102000000_b.sql': '-- migrate:up\nCREATE TABLE b (id int);\n',
      '20240103000000_c.sql': '-- migrate:up\nCREATE TABLE c (id int);\n',
    },
    history: `CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY);
      INSERT INTO schema_migrations VALUES ('20240101000000'), ('20240102000000');`,
    applied: ['20240101000000', '20240102000000'],
    pending: '20240103000000',
  },
  {
    runner: 'flyway',
    files: {
      'V1__init.sql': 'CREATE TABLE a (id int);',
      'V1_1__b.sql': 'CREATE TABLE b (id int);',
      'V2__c.sql': 'CREATE TABLE c (id int);',
    },
    history: `CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50),
        description varchar(200) NOT NULL, type varchar(20) NOT NULL, script varchar(1000) NOT NULL, checksum int,
        installed_by varchar(100) NOT NULL, installed_on timestamp NOT NULL DEFAULT now(), execution_time int NOT NULL,
        success boolean NOT NULL);
      INSERT INTO flyway_schema_history VALUES
        (1, '1', 'init', 'SQL', 'V1__init.sql', 1, 'app', now(), 5, true),
        (2, '1.1', 'b', 'SQL', 'V1_1__b.sql', 2, 'app', now(), 5, true);`,
    applied: ['1', '1.1'],
    pending: '2',
  },
  {
    runner: 'node-pg-migrate',
    files: {
      '1700000000000_init.sql':
        '-- Up Migration\nCREATE TABLE a (id int);\n-- Down Migration\nDROP TABLE a;\n',
      '1700000000001_b.sql': '-- Up Migration\nCREATE TABLE b (id int);\n',
      '1700000000002_c.sql': '-- Up Migration\nCREATE TABLE c (id int);\n',
    },
    history: `CREATE TABLE pgmigrations (id serial PRIMARY KEY, name varchar(255) NOT NULL, run_on timestamp NOT NULL);
      INSERT INTO pgmigrations (name, run_on) VALUES ('1700000000000_init', now()), ('1700000000001_b', now());`,
    applied: ['1700000000000', '1700000000001'],
    pending: '1700000000002',
  },
  {
    runner: 'goose',
    files: {
      '00001_init.sql': '-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a;\n',
      '00002_b.sql': '-- +goose Up\nCREATE TABLE b (id int);\n',
      '20240103000000_c.sql': '-- +goose Up\nCREATE TABLE c (id int);\n',
    },
    // goose's table starts with a row for version 0; a version migrated down by an older goose has a later row with
    // is_applied false (20240103000000 here), from v3 its rows are deleted instead
    history: `CREATE TABLE goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL,
        is_applied boolean NOT NULL, tstamp timestamp NULL DEFAULT now());
      INSERT INTO goose_db_version (version_id, is_applied) VALUES
        (0, true), (1, true), (2, true), (20240103000000, true), (20240103000000, false);`,
    applied: ['00001', '00002'],
    pending: '20240103000000',
  },
  {
    runner: 'sqlx',
    files: {
      '../Cargo.toml':
        '[package]\nname = "app"\n\n[dependencies]\nsqlx = { version = "0.8", features = ["postgres", "migrate"] }\n',
      '1_init.up.sql': 'CREATE TABLE a (id int);',
      '1_init.down.sql': 'DROP TABLE a;',
      '2_b.sql': 'CREATE TABLE b (id int);',
      '10_c.sql': 'CREATE TABLE c (id int);',
    },
    history: `CREATE TABLE _sqlx_migrations (version bigint PRIMARY KEY, description text NOT NULL,
        installed_on timestamptz NOT NULL DEFAULT now(), success boolean NOT NULL, checksum bytea NOT NULL,
        execution_time bigint NOT NULL);
      INSERT INTO _sqlx_migrations VALUES (1, 'init', now(), true, '\\x00', 1), (2, 'b', now(), true, '\\x00', 1);`,
    applied: ['1', '2'],
    pending: '10',
  },
] as const;

describe("adopting another runner's history", () => {
  it.each(RUNNERS)('$runner: status shows what it applied; up applies only the rest, once', async (r) => {
    const p = project(r.files);
    await db().exec(`CREATE TABLE a (id int); CREATE TABLE b (id int); ${r.history}`);

    const status = await migrateStatus(await runner(p));
    expect(status.adopted).toMatchObject({ runner: r.runner, migrations: 2, recorded: false });
    expect(status.statuses.map((s) => [s.version, s.state])).toEqual([
      [r.applied[0], 'applied'],
      [r.applied[1], 'applied'],
      [r.pending, 'pending'],
    ]);

    const up = await migrateUp(await runner(p));
    expect(up.runs.map((run) => run.version)).toEqual([r.pending]);
    expect(up.adopted).toMatchObject({ runner: r.runner, recorded: true });
    const connection = await db().connect();
    const rows = await readHistory(connection, HISTORY);
    expect(
      rows.map((row) => [row.version, row.appliedBy.startsWith('adopted from') ? 'adopted' : 'ran']),
    ).toEqual([
      [r.applied[0], 'adopted'],
      [r.applied[1], 'adopted'],
      [r.pending, 'ran'],
    ]);
    // from now on pgwarden's history counts: nothing is adopted again, and there is no drift
    const after = await migrateStatus(await runner(p));
    expect(after.adopted).toBeUndefined();
    expect(after.drift).toBeNull();
    expect((await migrateUp(await runner(p))).runs).toEqual([]);
  });

  it('refuses a history its runner left unsettled (a dirty golang-migrate version), naming the way out', async () => {
    const p = project({
      '1_init.up.sql': 'CREATE TABLE a (id int);',
      '2_b.up.sql': 'CREATE TABLE b (id int);',
    });
    await db().exec(`CREATE TABLE a (id int);
      CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
      INSERT INTO schema_migrations VALUES (2, true);`);
    await expect(migrateUp(await runner(p))).rejects.toThrow(
      /golang-migrate's history \(public\.schema_migrations\) records migration 2 as failed part-way/,
    );
    const connection = await db().connect();
    const { rows } = await connection.query<{ t: string | null }>(
      "SELECT to_regclass('pgwarden.migrations') AS t",
    );
    expect(rows[0]!.t).toBeNull();
  });
});

describe("a history table that is not this folder's", () => {
  it('is left alone: none of its versions names a migration of the folder', async () => {
    const p = project({ '20240101000000_init.sql': '-- migrate:up\nCREATE TABLE a (id int);\n' });
    await db().exec(`CREATE TABLE schema_migrations (version varchar PRIMARY KEY);
      INSERT INTO schema_migrations VALUES ('20190101120000'), ('20190202120000');`);
    expect((await migrateStatus(await runner(p))).adopted).toBeUndefined();
    expect((await migrateUp(await runner(p))).runs.map((r) => r.version)).toEqual(['20240101000000']);
  });
});

describe("--to follows the runner's order", () => {
  it('diesel orders versions as bytes: --to stops where diesel would, not at a numeric reading', async () => {
    // diesel's versions: 202509191326480000 (a sub-second suffix) sorts before 20250920000000 as bytes, after it as
    // a number
    const p = project({
      '2025-09-19-132648-0000_x/up.sql': 'CREATE TABLE x (id int);',
      '2025-09-19-132648-0000_x/down.sql': 'DROP TABLE x;',
      '20250920000000_y/up.sql': 'CREATE TABLE y (id int);',
      '20250920000000_y/down.sql': 'DROP TABLE y;',
    });
    const up = await migrateUp(await runner(p), { to: '202509191326480000' });
    expect(up.runs.map((r) => r.version)).toEqual(['202509191326480000']);
    expect((await migrateUp(await runner(p))).runs.map((r) => r.version)).toEqual(['20250920000000']);
    const down = await migrateDown(await runner(p), { to: '202509191326480000' });
    expect(down.runs.map((r) => r.version)).toEqual(['20250920000000']);
  });
});

describe('migrate baseline', () => {
  it('records the migrations up to a version as applied, without running them, once', async () => {
    const p = project({
      '20240101000000_init.sql': '-- migrate:up\nCREATE TABLE a (id int);\n',
      '20240102000000_b.sql': '-- migrate:up\nCREATE TABLE b (id int);\n',
      '20240103000000_c.sql': '-- migrate:up\nCREATE TABLE c (id int);\n',
    });
    await db().exec('CREATE TABLE a (id int); CREATE TABLE b (id int);');
    // without a baseline, up would run the first migration again over the table it made
    await expect(migrateUp(await runner(p), { dryRun: false })).rejects.toThrow(/already exists/);
    await expect(migrateBaseline(await runner(p), { to: '20249999' })).rejects.toThrow(
      /--to 20249999: no migration of the folder has that version/,
    );
    const baseline = await migrateBaseline(await runner(p), { to: '20240102000000' });
    expect(baseline.statuses.map((s) => s.state)).toEqual(['applied', 'applied', 'pending']);
    expect((await migrateUp(await runner(p))).runs.map((r) => r.version)).toEqual(['20240103000000']);
    expect((await migrateStatus(await runner(p))).drift).toBeNull();
    await expect(migrateBaseline(await runner(p), { to: '20240102000000' })).rejects.toThrow(
      /already records 3 migrations: a baseline is only for a database without one/,
    );
  });
});
