import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { PgwardenError } from '../../src/core/errors.js';
import { Connection } from '../../src/db/connection.js';
import { openTarget } from '../../src/db/target.js';
import type { BackupManifest } from '../../src/guard/backup.js';
import { readHistory } from '../../src/migrate/history.js';
import { migrateDown, migrateUp } from '../../src/migrate/runner.js';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase, guardServerUrl, useTestDatabase } from '../helpers/db.js';
import { migration, migrationProject } from '../helpers/project.js';
import { sharedTempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const HISTORY = { schema: 'pgwarden', table: 'migrations' };
// a server the machine's pg_dump can back up: the PostgreSQL 15 service, or an embedded server of pg_dump's major
const server = guardServerUrl();

describe.skipIf(!server)('the destructive-DDL guard (on a server pg_dump can back up)', () => {
  const db = useTestDatabase(() => server!);
  const savedPgDump = process.env.PGWARDEN_PG_DUMP;
  afterEach(() => {
    if (savedPgDump === undefined) delete process.env.PGWARDEN_PG_DUMP;
    else process.env.PGWARDEN_PG_DUMP = savedPgDump;
  });

  const context = async (project: ReturnType<typeof migrationProject>, noGuardReason?: string) => ({
    target: await openTarget({ db: db().url }),
    config: project.config,
    ...(noGuardReason ? { noGuardReason } : {}),
  });

  async function query<T extends Record<string, unknown>>(sql: string, url = db().url): Promise<T[]> {
    const connection = await Connection.open(url);
    try {
      return (await connection.query<T>(sql)).rows;
    } finally {
      await connection.close();
    }
  }

  /**
   * Restores a backup into a new database on the same server (or back into the test database, for what depends on
   * objects that were not destroyed) and returns a query function on it.
   */
  async function restore(manifest: BackupManifest, intoSameDatabase = false) {
    let url = db().url;
    if (!intoSameDatabase) {
      const target = await createTestDatabase(server!);
      cleanups.push(() => target.drop());
      url = target.url;
    }
    await run('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${url}`, manifest.file!]);
    return <T extends Record<string, unknown>>(sql: string) => query<T>(sql, url);
  }
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  const ORDERS = `CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(10,2) NOT NULL, note text);
INSERT INTO orders VALUES (1, 10.25, 'first'), (2, 20.50, 'second'), (3, 30.75, NULL);`;

  interface Kind {
    readonly name: string;
    readonly setup: string;
    readonly statement: string;
    /** The backed-up tables, and what the restored copy must hold. */
    readonly tables: string[];
    readonly check: string;
    readonly expected: unknown[];
    /** Proof the statement really ran (after a successful guarded run). */
    readonly after: string;
    readonly afterExpected: unknown[];
    /** Restore into the test database itself (a view needs the tables it reads, which were not destroyed). */
    readonly restoreHere?: boolean;
  }

  const kinds: Kind[] = [
    {
      name: 'DROP TABLE',
      setup: ORDERS,
      statement: 'DROP TABLE orders;',
      tables: ['public.orders'],
      check: 'SELECT id::int, total::text FROM orders ORDER BY id',
      expected: [
        { id: 1, total: '10.25' },
        { id: 2, total: '20.50' },
        { id: 3, total: '30.75' },
      ],
      after: "SELECT to_regclass('orders') IS NULL AS gone",
      afterExpected: [{ gone: true }],
    },
    {
      name: 'DROP SCHEMA … CASCADE',
      setup:
        "CREATE SCHEMA archive; CREATE TABLE archive.events (id int, what text); INSERT INTO archive.events VALUES (1, 'a'), (2, 'b');",
      statement: 'DROP SCHEMA archive CASCADE;',
      tables: ['archive.events'],
      check: 'SELECT id, what FROM archive.events ORDER BY id',
      expected: [
        { id: 1, what: 'a' },
        { id: 2, what: 'b' },
      ],
      after: "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'archive'",
      afterExpected: [{ n: 0 }],
    },
    {
      name: 'DROP COLUMN',
      setup: ORDERS,
      statement: 'ALTER TABLE orders DROP COLUMN note;',
      tables: ['public.orders'],
      check: 'SELECT id::int, note FROM orders ORDER BY id',
      expected: [
        { id: 1, note: 'first' },
        { id: 2, note: 'second' },
        { id: 3, note: null },
      ],
      after:
        "SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'note'",
      afterExpected: [{ n: 0 }],
    },
    {
      name: 'DROP MATERIALIZED VIEW',
      setup: `${ORDERS}\nCREATE MATERIALIZED VIEW order_totals AS SELECT count(*)::int AS orders, sum(total)::text AS total FROM orders;`,
      statement: 'DROP MATERIALIZED VIEW order_totals;',
      tables: ['public.order_totals'],
      // a materialized view's backup is its definition: pg_restore recreates it on its table and refreshes it
      restoreHere: true,
      check: 'SELECT orders, total FROM order_totals',
      expected: [{ orders: 3, total: '61.50' }],
      after: "SELECT to_regclass('order_totals') IS NULL AS gone",
      afterExpected: [{ gone: true }],
    },
    {
      name: 'TRUNCATE',
      setup: ORDERS,
      statement: 'TRUNCATE orders;',
      tables: ['public.orders'],
      check: 'SELECT count(*)::int AS n FROM orders',
      expected: [{ n: 3 }],
      after: 'SELECT count(*)::int AS n FROM orders',
      afterExpected: [{ n: 0 }],
    },
    {
      name: 'TRUNCATE … CASCADE (the referencing tables are emptied too)',
      setup: `${ORDERS}\nCREATE TABLE order_lines (id int PRIMARY KEY, order_id bigint REFERENCES orders, sku text);
INSERT INTO order_lines VALUES (1, 1, 'x'), (2, 1, 'y'), (3, 2, 'z');`,
      statement: 'TRUNCATE orders CASCADE;',
      tables: ['public.order_lines', 'public.orders'],
      check:
        'SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM order_lines)::int AS lines',
      expected: [{ orders: 3, lines: 3 }],
      after: 'SELECT (SELECT count(*) FROM order_lines)::int AS lines',
      afterExpected: [{ lines: 0 }],
    },
    {
      name: 'DELETE without WHERE (following ON DELETE CASCADE)',
      setup: `${ORDERS}\nCREATE TABLE order_lines (id int PRIMARY KEY, order_id bigint REFERENCES orders ON DELETE CASCADE, sku text);
INSERT INTO order_lines VALUES (1, 1, 'x'), (2, 1, 'y'), (3, 2, 'z');
CREATE TABLE audit (id int PRIMARY KEY, order_id bigint REFERENCES orders ON DELETE RESTRICT);`,
      statement: "DELETE FROM order_lines WHERE sku = 'none';\nDELETE FROM audit;\nDELETE FROM orders;",
      tables: ['public.audit', 'public.order_lines', 'public.orders'],
      check:
        'SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM order_lines)::int AS lines',
      expected: [{ orders: 3, lines: 3 }],
      after:
        'SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM order_lines)::int AS lines',
      afterExpected: [{ orders: 0, lines: 0 }],
    },
    {
      name: 'UPDATE without WHERE',
      setup: ORDERS,
      statement: "UPDATE orders SET note = 'overwritten';",
      tables: ['public.orders'],
      check: 'SELECT id::int, note FROM orders ORDER BY id',
      expected: [
        { id: 1, note: 'first' },
        { id: 2, note: 'second' },
        { id: 3, note: null },
      ],
      after: "SELECT count(*)::int AS n FROM orders WHERE note = 'overwritten'",
      afterExpected: [{ n: 3 }],
    },
    {
      name: 'a type change that loses data (numeric(10,2) → integer)',
      setup: ORDERS,
      statement: 'ALTER TABLE orders ALTER COLUMN total TYPE integer;',
      tables: ['public.orders'],
      check: 'SELECT id::int, total::text FROM orders ORDER BY id',
      expected: [
        { id: 1, total: '10.25' },
        { id: 2, total: '20.50' },
        { id: 3, total: '30.75' },
      ],
      after: 'SELECT total::text FROM orders WHERE id = 1',
      afterExpected: [{ total: '10' }],
    },
    {
      name: 'DROP TABLE of a partitioned table (its partitions go with it)',
      setup: `CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO events VALUES (1, '2024-05-01'), (2, '2025-05-01'), (3, '2025-06-01');`,
      statement: 'DROP TABLE events;',
      tables: ['public.events', 'public.events_2024', 'public.events_2025'],
      check: 'SELECT count(*)::int AS n FROM events',
      expected: [{ n: 3 }],
      after: "SELECT to_regclass('events_2025') IS NULL AS gone",
      afterExpected: [{ gone: true }],
    },
  ];

  for (const kind of kinds) {
    describe(kind.name, () => {
      it('does not run without pg_dump (exit code 3), and changes nothing', async () => {
        await db().exec(kind.setup);
        const before = await query(kind.check);
        const project = migrationProject({ '20240101000000_destroy.sql': migration(kind.statement) });
        process.env.PGWARDEN_PG_DUMP = '/nonexistent/pg_dump';
        const refusal = await migrateUp(await context(project)).catch((e: unknown) => e);
        expect(refusal).toBeInstanceOf(PgwardenError);
        expect((refusal as PgwardenError).exitCode).toBe(3);
        expect((refusal as PgwardenError).message).toMatch(/the guard needs pg_dump/);
        expect(await query(kind.check)).toEqual(before);
        expect(await readHistory(await db().connect(), HISTORY)).toEqual([]);
      });

      it('runs after a verified backup that restores what it destroyed', async () => {
        await db().exec(kind.setup);
        const project = migrationProject({ '20240101000000_destroy.sql': migration(kind.statement) });
        const result = await migrateUp(await context(project));
        expect(await query(kind.after)).toEqual(kind.afterExpected);
        const manifest = result.runs[0]!.backup!;
        expect(manifest).not.toBeNull();
        expect([...manifest.tables].sort()).toEqual(kind.tables);
        expect(manifest.sha256).toBe(createHash('sha256').update(readFileSync(manifest.file!)).digest('hex'));
        expect(JSON.parse(readFileSync(`${manifest.file}.json`, 'utf8'))).toEqual(manifest);
        expect(manifest.file!.startsWith(join(project.dir, '.pgwarden', 'backups'))).toBe(true);
        // recorded in the history row
        const [row] = await readHistory(await db().connect(), HISTORY);
        expect(row!.backup).toEqual(manifest);
        expect(row!.guardSkippedReason).toBeNull();
        const restored = await restore(manifest, kind.restoreHere);
        expect(await restored(kind.check)).toEqual(kind.expected);
      });
    });
  }

  it('records the row counts of the backed-up tables', async () => {
    await db().exec(ORDERS);
    const project = migrationProject({ '20240101000000_destroy.sql': migration('DROP TABLE orders;') });
    const manifest = (await migrateUp(await context(project))).runs[0]!.backup!;
    expect(manifest.rowCounts).toEqual({ 'public.orders': 3 });
    expect(manifest.verified!.tablesWithData).toEqual(['public.orders']);
    expect(manifest.reason).toBe('line 2: DROP TABLE public.orders');
    expect(manifest.database).not.toContain('password');
  });

  it('does not back up a table the migration itself created', async () => {
    const project = migrationProject({
      '20240101000000_tmp.sql': migration(
        'CREATE TABLE scratch (id int);\nINSERT INTO scratch VALUES (1);\nDROP TABLE scratch;',
      ),
    });
    process.env.PGWARDEN_PG_DUMP = '/nonexistent/pg_dump';
    const result = await migrateUp(await context(project));
    expect(result.runs[0]!.backup).toBeNull();
  });

  it('needs no backup for DROP … IF EXISTS of a table that is not there', async () => {
    process.env.PGWARDEN_PG_DUMP = '/nonexistent/pg_dump';
    const project = migrationProject({
      '20240101000000_cleanup.sql': migration('DROP TABLE IF EXISTS never_created;'),
    });
    const result = await migrateUp(await context(project));
    expect(result.runs[0]!.backup).toBeNull();
  });

  it('needs no backup for a type change that keeps every value (the type as the catalog has it)', async () => {
    await db().exec(`${ORDERS}\nALTER TABLE orders ADD COLUMN qty integer, ADD COLUMN ratio numeric(10, 4);`);
    process.env.PGWARDEN_PG_DUMP = '/nonexistent/pg_dump';
    const project = migrationProject({
      '20240101000000_widen.sql': migration('ALTER TABLE orders ALTER COLUMN qty TYPE bigint;'),
    });
    const result = await migrateUp(await context(project));
    expect(result.runs[0]!.backup).toBeNull();
    // and the same statement from a type it can lose values of is guarded (here: refused without pg_dump)
    project.write(
      '20240102000000_narrow.sql',
      migration('ALTER TABLE orders ALTER COLUMN ratio TYPE bigint;'),
    );
    await expect(migrateUp(await context(project), undefined)).rejects.toThrow(/pg_dump/);
  });

  it('backs up the table an unqualified name resolves to on the search path', async () => {
    await db().exec(`CREATE SCHEMA app; CREATE TABLE app.items (id int); INSERT INTO app.items VALUES (1), (2);
      ALTER DATABASE ${db().name} SET search_path = app, public`);
    const project = migrationProject({ '20240101000000_drop.sql': migration('DROP TABLE items;') });
    const manifest = (await migrateUp(await context(project))).runs[0]!.backup!;
    expect(manifest.tables).toEqual(['app.items']);
    expect(manifest.rowCounts).toEqual({ 'app.items': 2 });
  });

  it('refuses when the dump cannot be read back', async () => {
    await db().exec(ORDERS);
    const dir = sharedTempDir('pgwarden-guard');
    const fake = join(dir, 'pg_dump');
    // a pg_dump that reports version 99 and writes garbage where the dump should be
    writeFileSync(
      fake,
      '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "pg_dump (PostgreSQL) 99.0"; exit 0; fi\nfor a in "$@"; do case "$a" in --file=*) echo garbage > "$(echo "$a" | cut -d= -f2-)";; esac; done\n',
    );
    chmodSync(fake, 0o755);
    process.env.PGWARDEN_PG_DUMP = fake;
    const project = migrationProject({ '20240101000000_destroy.sql': migration('DROP TABLE orders;') });
    await expect(migrateUp(await context(project))).rejects.toThrow(/does not restore/);
    expect(await query('SELECT count(*)::int AS n FROM orders')).toEqual([{ n: 3 }]);
  });

  it('refuses when pg_dump is older than the server', async () => {
    await db().exec(ORDERS);
    const fake = join(sharedTempDir('pgwarden-guard'), 'pg_dump');
    writeFileSync(fake, '#!/bin/sh\necho "pg_dump (PostgreSQL) 12.4"\n');
    chmodSync(fake, 0o755);
    process.env.PGWARDEN_PG_DUMP = fake;
    const project = migrationProject({ '20240101000000_destroy.sql': migration('DROP TABLE orders;') });
    await expect(migrateUp(await context(project))).rejects.toThrow(
      /pg_dump 12 cannot back up a PostgreSQL \d+ server/,
    );
    expect(await query('SELECT count(*)::int AS n FROM orders')).toEqual([{ n: 3 }]);
  });

  it('holds writes to the destroyed table from the backup to the commit, so the backup is exact', async () => {
    await db().exec(ORDERS);
    const fake = join(sharedTempDir('pgwarden-guard'), 'pg_dump');
    // pg_dump that waits a second first: an INSERT in that window must wait (and time out here)
    writeFileSync(fake, `#!/bin/sh\n[ "$1" = "--version" ] || sleep 1\nexec pg_dump "$@"\n`);
    chmodSync(fake, 0o755);
    process.env.PGWARDEN_PG_DUMP = fake;
    const project = migrationProject({ '20240101000000_destroy.sql': migration('DROP TABLE orders;') });
    const running = migrateUp(await context(project));
    const writer = await db().connect();
    await waitFor(
      async () =>
        (
          await query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_locks WHERE mode = 'ShareLock' AND relation = 'orders'::regclass",
          )
        )[0]!.n === 1,
    );
    await writer.query("SET lock_timeout = '300ms'");
    await expect(writer.query("INSERT INTO orders VALUES (4, 1, 'late')")).rejects.toThrow(/lock timeout/);
    const manifest = (await running).runs[0]!.backup!;
    expect(manifest.rowCounts).toEqual({ 'public.orders': 3 });
  });

  it('guards the down direction too', async () => {
    const project = migrationProject({
      '20240101000000_orders.sql': migration('CREATE TABLE orders (id int);', 'DROP TABLE orders;'),
    });
    await migrateUp(await context(project));
    await db().exec('INSERT INTO orders VALUES (1), (2)');
    process.env.PGWARDEN_PG_DUMP = '/nonexistent/pg_dump';
    await expect(migrateDown(await context(project))).rejects.toThrow(/the guard needs pg_dump/);
    expect(await query('SELECT count(*)::int AS n FROM orders')).toEqual([{ n: 2 }]);
    delete process.env.PGWARDEN_PG_DUMP;
    if (savedPgDump !== undefined) process.env.PGWARDEN_PG_DUMP = savedPgDump;
    const down = await migrateDown(await context(project));
    const manifest = down.runs[0]!.backup!;
    expect(manifest.rowCounts).toEqual({ 'public.orders': 2 });
    expect(manifest.file).toMatch(/20240101000000-down-/);
    const restored = await restore(manifest);
    expect(await restored('SELECT count(*)::int AS n FROM orders')).toEqual([{ n: 2 }]);
  });

  it('--no-guard needs a reason, which the history keeps', async () => {
    await db().exec(ORDERS);
    const project = migrationProject({ '20240101000000_destroy.sql': migration('DROP TABLE orders;') });
    const withoutReason = await runCli(['migrate', 'up', '--db', db().url, '--no-guard'], {
      cwd: project.dir,
    });
    expect(withoutReason.code).toBe(2);
    expect(withoutReason.stderr).toMatch(/--no-guard needs --reason/);
    process.env.PGWARDEN_PG_DUMP = '/nonexistent/pg_dump';
    const refused = await runCli(['migrate', 'up', '--db', db().url], {
      cwd: project.dir,
      env: { PGWARDEN_PG_DUMP: '/nonexistent/pg_dump' },
    });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/the guard needs pg_dump/);
    const skipped = await runCli(
      [
        'migrate',
        'up',
        '--db',
        db().url,
        '--no-guard',
        '--reason',
        'table emptied and archived in ticket 42',
      ],
      {
        cwd: project.dir,
        env: { PGWARDEN_PG_DUMP: '/nonexistent/pg_dump' },
      },
    );
    expect(skipped.code).toBe(0);
    const [row] = await readHistory(await db().connect(), HISTORY);
    expect(row!.guardSkippedReason).toBe('table emptied and archived in ticket 42');
    expect(row!.backup).toBeNull();
    expect(existsSync(join(project.dir, '.pgwarden', 'backups'))).toBe(false);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 50));
  }
}
