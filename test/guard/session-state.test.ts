import { execFile } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { PgwardenError } from '../../src/core/errors.js';
import { Connection } from '../../src/db/connection.js';
import { openTarget } from '../../src/db/target.js';
import type { BackupManifest } from '../../src/guard/backup.js';
import { type HistoryRow, readHistory } from '../../src/migrate/history.js';
import { migrateDown, migrateUp, type RunnerContext } from '../../src/migrate/runner.js';
import { createTestDatabase, guardServerUrl, useTestDatabase } from '../helpers/db.js';
import { migration, migrationProject } from '../helpers/project.js';
import { sharedTempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const HISTORY = { schema: 'pgwarden', table: 'migrations' };
// a server the machine's pg_dump can back up: the PostgreSQL 15 service, or an embedded server of pg_dump's major
const server = guardServerUrl();

/**
 * Issue 10, the guard: every pattern that let rows be destroyed without a backup, each run on a server pg_dump can
 * back up (the PostgreSQL 15 service, or an embedded server of pg_dump's major); the rows in the backup are counted
 * by restoring it into a fresh database.
 */
describe.skipIf(!server)(
  'the guard decides statement by statement and proves its backup, on a server pg_dump can back up',
  () => {
    const db = useTestDatabase(() => server!);
    const saved = {
      dump: process.env.PGWARDEN_PG_DUMP,
    };
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      if (saved.dump === undefined) delete process.env.PGWARDEN_PG_DUMP;
      else process.env.PGWARDEN_PG_DUMP = saved.dump;
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    const context = async (
      project: ReturnType<typeof migrationProject>,
      extra: Partial<RunnerContext> = {},
    ): Promise<RunnerContext> => ({
      target: await openTarget({ db: db().url }),
      config: project.config,
      ...extra,
    });

    async function query<T extends Record<string, unknown>>(sql: string, url = db().url): Promise<T[]> {
      const connection = await Connection.open(url);
      try {
        return (await connection.query<T>(sql)).rows;
      } finally {
        await connection.close();
      }
    }
    const count = async (table: string, url = db().url) =>
      (await query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`, url))[0]!.n;

    /** Restores the dump into a fresh database and returns the row count of each table asked for. */
    async function rowsInBackup(manifest: BackupManifest, tables: string[]): Promise<Record<string, number>> {
      expect(manifest.file).not.toBeNull();
      const target = await createTestDatabase(server!);
      cleanups.push(() => target.drop());
      const schemas = new Set(tables.map((t) => t.slice(0, t.indexOf('.'))));
      for (const schema of schemas) await target.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await run('pg_restore', ['--no-owner', `--dbname=${target.url}`, manifest.file!]).catch(
        (error: { stderr?: string }) => {
          // a view or constraint on an object that was not destroyed may fail; the data is what is counted
          if (!/errors ignored on restore/.test(error.stderr ?? '')) throw error;
        },
      );
      const out: Record<string, number> = {};
      for (const table of tables) out[table] = await count(table, target.url);
      return out;
    }

    async function history(): Promise<HistoryRow[]> {
      const connection = await db().connect();
      return readHistory(connection, HISTORY);
    }

    async function up(sql: string, extra: Partial<RunnerContext> = {}) {
      const project = migrationProject({ '20240101000000_change.sql': migration(sql) });
      const result = await migrateUp(await context(project, extra));
      return { result, backup: result.runs[0]!.backup, project };
    }

    const THOUSAND = 'INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 1000) g;';

    describe('1. judged statement by statement, not from the end state', () => {
      it('DROP TABLE t; CREATE TABLE t (…): the old t is backed up (1,000 rows) and the history says so', async () => {
        await db().exec(`CREATE TABLE t (id int PRIMARY KEY, v text); ${THOUSAND}`);
        const { backup } = await up(
          'DROP TABLE t;\nCREATE TABLE t (id bigint PRIMARY KEY, v text, extra int);',
        );
        expect(backup!.tables).toEqual(['public.t']);
        expect(backup!.rowCounts).toEqual({ 'public.t': 1000 });
        expect(await count('t')).toBe(0);
        expect(await rowsInBackup(backup!, ['public.t'])).toEqual({ 'public.t': 1000 });
        const [row] = await history();
        expect(row!.backup).toEqual(backup);
        expect(row!.guardSkippedReason).toBeNull();
      });

      it('DROP COLUMN c then ADD COLUMN c: the old values of c are backed up', async () => {
        await db().exec(`CREATE TABLE t (id int PRIMARY KEY, v text); ${THOUSAND}`);
        const { backup } = await up('ALTER TABLE t DROP COLUMN v;\nALTER TABLE t ADD COLUMN v text;');
        expect(backup!.rowCounts).toEqual({ 'public.t': 1000 });
        const target = await createTestDatabase(server!);
        cleanups.push(() => target.drop());
        await run('pg_restore', ['--no-owner', `--dbname=${target.url}`, backup!.file!]);
        expect(await query('SELECT count(*)::int AS n FROM t WHERE v IS NOT NULL', target.url)).toEqual([
          { n: 1000 },
        ]);
        expect(await query('SELECT count(*)::int AS n FROM t WHERE v IS NOT NULL')).toEqual([{ n: 0 }]);
      });

      it('ADD COLUMN c then DROP COLUMN c loses nothing that existed: no backup, and the history says why', async () => {
        await db().exec(`CREATE TABLE t (id int PRIMARY KEY, v text); ${THOUSAND}`);
        process.env.PGWARDEN_PG_DUMP = '/nonexistent/pg_dump';
        const { backup } = await up('ALTER TABLE t ADD COLUMN w text;\nALTER TABLE t DROP COLUMN w;');
        expect(backup).toBeNull();
        expect((await history())[0]!.guardSkippedReason).toBe('nothing destructive');
      });

      it('TRUNCATE t then INSERT INTO t: the truncated rows are backed up', async () => {
        await db().exec(`CREATE TABLE t (id int PRIMARY KEY, v text); ${THOUSAND}`);
        const { backup } = await up("TRUNCATE t;\nINSERT INTO t VALUES (1, 'new');");
        expect(backup!.rowCounts).toEqual({ 'public.t': 1000 });
        expect(await count('t')).toBe(1);
        expect(await rowsInBackup(backup!, ['public.t'])).toEqual({ 'public.t': 1000 });
      });
    });

    describe('2. the search_path as the statement sees it', () => {
      const SETUP = `CREATE SCHEMA s2; CREATE TABLE public.t (id int); INSERT INTO public.t VALUES (1);
      CREATE TABLE s2.t (id int); INSERT INTO s2.t SELECT generate_series(1, 7);`;
      for (const [name, set] of [
        ['SET search_path', 'SET search_path = s2;'],
        ['SET LOCAL search_path', 'SET LOCAL search_path TO s2, public;'],
        ["set_config('search_path', …, true)", "SELECT set_config('search_path', 's2', true);"],
        ['a first schema that lacks the table', 'CREATE SCHEMA s3;\nSET search_path = s3, s2, public;'],
      ] as const) {
        it(`${name}: the table really dropped (s2.t) is the one backed up`, async () => {
          await db().exec(SETUP);
          const { backup } = await up(`${set}\nDROP TABLE t;`);
          expect(backup!.tables).toEqual(['s2.t']);
          expect(backup!.rowCounts).toEqual({ 's2.t': 7 });
          expect(await count('public.t')).toBe(1);
          expect(await query("SELECT to_regclass('s2.t') IS NULL AS gone")).toEqual([{ gone: true }]);
          expect(await rowsInBackup(backup!, ['s2.t'])).toEqual({ 's2.t': 7 });
        });
      }

      it('RESET search_path: back to the session default (public.t)', async () => {
        await db().exec(SETUP);
        const { backup } = await up('SET search_path = s2;\nRESET search_path;\nDROP TABLE t;');
        expect(backup!.tables).toEqual(['public.t']);
        expect(backup!.rowCounts).toEqual({ 'public.t': 1 });
      });
    });

    describe('3. renames and moves earlier in the migration', () => {
      it('ALTER TABLE m RENAME TO m_old; DROP TABLE m_old: m is backed up, as it was', async () => {
        await db().exec('CREATE TABLE m (id int); INSERT INTO m SELECT generate_series(1, 123);');
        const { backup } = await up('ALTER TABLE m RENAME TO m_old;\nDROP TABLE m_old;');
        expect(backup!.tables).toEqual(['public.m']);
        expect(backup!.rowCounts).toEqual({ 'public.m': 123 });
        expect(await rowsInBackup(backup!, ['public.m'])).toEqual({ 'public.m': 123 });
        const [row] = await history();
        expect((row!.backup as BackupManifest).rowCounts).toEqual({ 'public.m': 123 });
      });

      it('ALTER TABLE m SET SCHEMA archive; DROP TABLE archive.m: public.m is backed up', async () => {
        await db().exec(
          'CREATE SCHEMA archive; CREATE TABLE m (id int); INSERT INTO m SELECT generate_series(1, 12);',
        );
        const { backup } = await up('ALTER TABLE m SET SCHEMA archive;\nDROP TABLE archive.m;');
        expect(backup!.tables).toEqual(['public.m']);
        expect(await rowsInBackup(backup!, ['public.m'])).toEqual({ 'public.m': 12 });
      });

      it('a column renamed, then dropped with CASCADE: the table and the views on that column are backed up', async () => {
        await db().exec(`CREATE TABLE t (id int, a text); INSERT INTO t VALUES (1, 'x'), (2, 'y');
          CREATE VIEW va AS SELECT a FROM t;`);
        const { backup } = await up(
          'ALTER TABLE t RENAME COLUMN a TO b;\nALTER TABLE t DROP COLUMN b CASCADE;',
        );
        expect([...backup!.tables].sort()).toEqual(['public.t', 'public.va']);
        expect(await rowsInBackup(backup!, ['public.va'])).toEqual({ 'public.va': 2 });
      });

      it('a table renamed onto the name of one dropped before: the one really dropped is backed up', async () => {
        await db().exec(
          'CREATE TABLE a (id int); INSERT INTO a VALUES (1); CREATE TABLE b (id int); INSERT INTO b VALUES (1), (2);',
        );
        const { backup } = await up('DROP TABLE a;\nALTER TABLE b RENAME TO a;\nTRUNCATE a;');
        expect([...backup!.tables].sort()).toEqual(['public.a', 'public.b']);
        expect(backup!.rowCounts).toEqual({ 'public.a': 1, 'public.b': 2 });
      });
    });

    describe('4. data-modifying CTEs, unbounded writes, CASCADE reach', () => {
      it('WITH d AS (DELETE FROM m RETURNING 1) SELECT …: m is backed up', async () => {
        await db().exec(
          'CREATE TABLE m (id int, v int); INSERT INTO m SELECT g, g FROM generate_series(1, 50) g;',
        );
        const { backup } = await up('WITH d AS (DELETE FROM m RETURNING 1) SELECT count(*) FROM d;');
        expect(await count('m')).toBe(0);
        expect(await rowsInBackup(backup!, ['public.m'])).toEqual({ 'public.m': 50 });
      });

      it('an UPDATE without WHERE in a CTE: m is backed up', async () => {
        await db().exec(
          'CREATE TABLE m (id int, v int); INSERT INTO m SELECT g, g FROM generate_series(1, 50) g;',
        );
        const { backup } = await up('WITH u AS (UPDATE m SET v = 0 RETURNING 1) SELECT count(*) FROM u;');
        expect(backup!.rowCounts).toEqual({ 'public.m': 50 });
      });

      it('DROP TABLE … CASCADE: the dependent views and the tables whose foreign keys go are backed up', async () => {
        await db().exec(`CREATE TABLE p (id int PRIMARY KEY); INSERT INTO p SELECT generate_series(1, 5);
        CREATE TABLE c (id int, p_id int REFERENCES p); INSERT INTO c SELECT g, 1 + g % 5 FROM generate_series(1, 9) g;
        CREATE VIEW pv AS SELECT id FROM p; CREATE VIEW pvv AS SELECT id FROM pv;`);
        const { backup } = await up('DROP TABLE p CASCADE;');
        expect([...backup!.tables].sort()).toEqual(['public.c', 'public.p', 'public.pv', 'public.pvv']);
        expect(backup!.rowCounts).toEqual({ 'public.c': 9, 'public.p': 5 });
        expect(await rowsInBackup(backup!, ['public.p', 'public.c', 'public.pvv'])).toEqual({
          'public.p': 5,
          'public.c': 9,
          'public.pvv': 5,
        });
      });

      it('DROP SCHEMA … CASCADE: the schema whole, and the tables outside it that lose a foreign key', async () => {
        await db().exec(`CREATE SCHEMA arc; CREATE TABLE arc.p (id int PRIMARY KEY); INSERT INTO arc.p VALUES (1), (2);
          CREATE TABLE c (id int, p_id int REFERENCES arc.p); INSERT INTO c VALUES (1, 1), (2, 2), (3, 1);
          CREATE TABLE unrelated (id int); INSERT INTO unrelated VALUES (1);`);
        const { backup } = await up('DROP SCHEMA arc CASCADE;');
        expect([...backup!.tables].sort()).toEqual(['arc.p', 'public.c']);
        expect(backup!.schemas).toEqual(['arc']);
        expect(await rowsInBackup(backup!, ['arc.p', 'public.c'])).toEqual({ 'arc.p': 2, 'public.c': 3 });
        const listing = (await run('pg_restore', ['--list', backup!.file!])).stdout;
        expect(listing).not.toMatch(/unrelated/);
      });

      it('DROP TYPE … CASCADE: the tables losing a column of that type are backed up', async () => {
        await db().exec(`CREATE TYPE mood AS ENUM ('ok', 'sad'); CREATE TABLE people (id int, m mood);
        INSERT INTO people VALUES (1, 'ok'), (2, 'sad');`);
        const { backup } = await up('DROP TYPE mood CASCADE;');
        expect(backup!.tables).toEqual(['public.people']);
        expect(backup!.rowCounts).toEqual({ 'public.people': 2 });
      });
    });

    describe('5. what cannot be resolved statically: the whole database, or a refusal', () => {
      const SETUP = `CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 10);
      CREATE SCHEMA other; CREATE TABLE other.keep (id int); INSERT INTO other.keep VALUES (1), (2);`;

      it('EXECUTE of a computed string in a DO block: every table is backed up', async () => {
        await db().exec(SETUP);
        const { backup } = await up("DO $$ BEGIN EXECUTE 'DROP TABLE ' || 't'; END $$;");
        expect(backup!.conservative).toEqual([expect.stringMatching(/line 2: a DO block runs dynamic SQL/)]);
        expect(backup!.rowCounts).toMatchObject({ 'other.keep': 2, 'public.t': 10 });
        expect(await rowsInBackup(backup!, ['public.t', 'other.keep'])).toEqual({
          'public.t': 10,
          'other.keep': 2,
        });
      });

      it('a DO block of static SQL is analysed like the file: only what it destroys', async () => {
        await db().exec(SETUP);
        const { backup } = await up(
          "DO $$ BEGIN IF to_regclass('t') IS NOT NULL THEN EXECUTE 'DROP TABLE t'; END IF; END $$;",
        );
        expect(backup!.conservative).toBeNull();
        expect(backup!.tables).toEqual(['public.t']);
        expect(await rowsInBackup(backup!, ['public.t'])).toEqual({ 'public.t': 10 });
      });

      it('a volatile function the migration calls (it deletes): every table is backed up', async () => {
        await db().exec(
          `${SETUP} CREATE FUNCTION wipe() RETURNS void LANGUAGE sql AS 'DELETE FROM other.keep';`,
        );
        const { backup } = await up('SELECT wipe();');
        expect(await count('other.keep')).toBe(0);
        expect(backup!.conservative).toEqual([expect.stringMatching(/public\.wipe\(\) runs DELETE/)]);
        expect(await rowsInBackup(backup!, ['other.keep'])).toEqual({ 'other.keep': 2 });
      });

      it('volatile functions and triggers whose code only reads or assigns are read, and need no backup', async () => {
        await db().exec(`${SETUP} ALTER TABLE t ADD COLUMN touched timestamptz;
          CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS
            'BEGIN NEW.touched := clock_timestamp(); RETURN NEW; END';
          CREATE TRIGGER touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();
          CREATE FUNCTION next_code() RETURNS int LANGUAGE sql AS 'SELECT count(*)::int + 1 FROM t';`);
        process.env.PGWARDEN_PG_DUMP = '/nonexistent/pg_dump';
        const { backup } = await up('UPDATE t SET id = id + next_code() WHERE id > 5;');
        expect(backup).toBeNull();
        expect((await history())[0]!.guardSkippedReason).toBe('nothing destructive');
      });

      it('CALL of a procedure: every table is backed up', async () => {
        await db().exec(`${SETUP} CREATE PROCEDURE drop_t() LANGUAGE sql AS 'DROP TABLE t';`);
        const { backup } = await up('CALL drop_t();');
        expect(backup!.conservative).toEqual([expect.stringMatching(/CALL drop_t/)]);
        expect(await rowsInBackup(backup!, ['public.t'])).toEqual({ 'public.t': 10 });
      });

      it('a write that fires a trigger: every table is backed up', async () => {
        await db().exec(`${SETUP} CREATE FUNCTION purge() RETURNS trigger LANGUAGE plpgsql AS
        'BEGIN DELETE FROM other.keep; RETURN NEW; END';
        CREATE TRIGGER purge AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION purge();`);
        const { backup } = await up('INSERT INTO t VALUES (11);');
        expect(backup!.conservative).toEqual([expect.stringMatching(/runs trigger purge/)]);
        expect(await rowsInBackup(backup!, ['other.keep'])).toEqual({ 'other.keep': 2 });
      });

      it('a trigger the migration itself creates, then a write that fires it: every table is backed up', async () => {
        await db().exec(`${SETUP} CREATE FUNCTION purge() RETURNS trigger LANGUAGE plpgsql AS
        'BEGIN DELETE FROM other.keep; RETURN NEW; END';`);
        const { backup } = await up(
          'CREATE TRIGGER purge AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION purge();\nINSERT INTO t VALUES (11);',
        );
        expect(backup!.conservative).toEqual([
          expect.stringMatching(/trigger purge \(created by this migration\)/),
        ]);
        expect(await count('other.keep')).toBe(0);
        expect(await rowsInBackup(backup!, ['other.keep'])).toEqual({ 'other.keep': 2 });
      });

      it('an event trigger runs on DDL: every table is backed up', async () => {
        await db().exec(`${SETUP} CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS
        'BEGIN IF EXISTS (SELECT FROM pg_event_trigger_ddl_commands() WHERE object_identity = ''public.fresh'')
           THEN DELETE FROM other.keep; END IF; END';
        CREATE EVENT TRIGGER on_ddl ON ddl_command_end EXECUTE FUNCTION on_ddl();`);
        cleanups.push(() => db().exec('DROP EVENT TRIGGER IF EXISTS on_ddl'));
        const { backup } = await up('CREATE TABLE fresh (id int);');
        expect(backup!.conservative).toEqual([expect.stringMatching(/event trigger on_ddl runs on DDL/)]);
        expect(await count('other.keep')).toBe(0);
        // (the proof is the guard's own read-back: a restore of the whole dump re-creates the event trigger)
        expect(backup!.rowCounts).toMatchObject({ 'other.keep': 2 });
        expect(backup!.verified!.rows).toMatchObject({ 'other.keep': 2 });
      });

      it('DROP DATABASE: refused whatever the size, no backup of this database covers it', async () => {
        const project = migrationProject({
          '20240101000000_dropdb.sql': migration(
            '-- pgwarden:no-transaction\nDROP DATABASE IF EXISTS other_db;',
          ),
        });
        const refusal = await migrateUp(await context(project)).catch((e: unknown) => e);
        expect((refusal as PgwardenError).exitCode).toBe(3);
        expect((refusal as PgwardenError).message).toMatch(/DROP DATABASE other_db/);
      });

      it('over the size limit: refused (exit 3) with the way to proceed, which then works and is recorded', async () => {
        await db().exec(SETUP);
        const project = migrationProject(
          { '20240101000000_dyn.sql': migration("DO $$ BEGIN EXECUTE 'DROP TABLE ' || 't'; END $$;") },
          { backups: { wholeDatabaseMaxMb: 0 } },
        );
        const refusal = await migrateUp(await context(project)).catch((e: unknown) => e);
        expect(refusal).toBeInstanceOf(PgwardenError);
        expect((refusal as PgwardenError).exitCode).toBe(3);
        expect((refusal as PgwardenError).message).toMatch(
          /cannot tell what this migration destroys .*dynamic SQL/,
        );
        expect((refusal as PgwardenError).hint).toMatch(/--no-guard --reason/);
        expect(await count('t')).toBe(10);
        expect(await history()).toEqual([]);
        await migrateUp(await context(project, { noGuardReason: 'dumped by hand to s3://x (ticket 7)' }));
        const [row] = await history();
        expect(row!.guardSkippedReason).toBe('dumped by hand to s3://x (ticket 7)');
        expect(row!.backup).toBeNull();
      });
    });

    describe('6. the backup is proven by reading every row back', () => {
      const fakeDump = (name: string, after: string) => {
        const fake = join(sharedTempDir('pgwarden-guard'), name);
        writeFileSync(
          fake,
          `#!/bin/sh
if [ "$1" = "--version" ]; then exec pg_dump --version; fi
pg_dump "$@" || exit $?
for a in "$@"; do case "$a" in --file=*) f="\${a#--file=}";; esac; done
size=$(stat -c %s "$f")
${after}
`,
        );
        chmodSync(fake, 0o755);
        return fake;
      };
      const ROWS =
        'CREATE TABLE t (id int, v text); INSERT INTO t SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 3000) g;';

      it('a dump cut to two thirds stops the migration (exit 3) and changes nothing', async () => {
        await db().exec(ROWS);
        process.env.PGWARDEN_PG_DUMP = fakeDump('pg_dump_cut', 'truncate -s $((size * 2 / 3)) "$f"');
        const refusal = await up('DROP TABLE t;').catch((e: unknown) => e);
        expect((refusal as PgwardenError).exitCode).toBe(3);
        expect((refusal as PgwardenError).message).toMatch(/does not restore/);
        expect(await count('t')).toBe(3000);
        expect(await history()).toEqual([]);
      });

      it('a corrupted dump stops the migration (exit 3) and changes nothing', async () => {
        await db().exec(ROWS);
        process.env.PGWARDEN_PG_DUMP = fakeDump(
          'pg_dump_corrupt',
          'dd if=/dev/urandom of="$f" bs=1 seek=$((size / 2)) count=64 conv=notrunc 2>/dev/null',
        );
        const refusal = await up('DROP TABLE t;').catch((e: unknown) => e);
        expect((refusal as PgwardenError).exitCode).toBe(3);
        expect((refusal as PgwardenError).message).toMatch(/does not (restore|hold what it must)/);
        expect(await count('t')).toBe(3000);
      });

      it('the counts under the lock and in the dump are recorded, and equal', async () => {
        await db().exec(ROWS);
        const { backup } = await up('DROP TABLE t;');
        expect(backup!.rowCounts).toEqual({ 'public.t': 3000 });
        expect(backup!.verified!.rows).toEqual({ 'public.t': 3000 });
        expect(JSON.parse(readFileSync(backup!.manifest!, 'utf8'))).toEqual(backup);
      });

      it('empty tables proven empty under the lock need no dump, and are recorded as empty', async () => {
        await db().exec(
          'CREATE TABLE e1 (id int); CREATE TABLE e2 (id int); CREATE VIEW ev AS SELECT id FROM e1;',
        );
        process.env.PGWARDEN_PG_DUMP = '/nonexistent/pg_dump';
        const { backup, project } = await up('DROP VIEW ev;\nDROP TABLE e1, e2;');
        expect(backup!.file).toBeNull();
        expect(backup!.empty).toEqual(['public.e1', 'public.e2']);
        expect(backup!.rowCounts).toEqual({ 'public.e1': 0, 'public.e2': 0 });
        expect(backup!.definitions['public.ev']).toMatch(/SELECT e1\.id/);
        expect(existsSync(join(project.dir, '.pgwarden', 'backups'))).toBe(false);
        expect((await history())[0]!.backup).toEqual(backup);
      });
    });

    describe('7. the history row always says what was backed up, or why not', () => {
      it('nothing destructive', async () => {
        await up('CREATE TABLE fresh (id int);');
        expect((await history())[0]!.guardSkippedReason).toBe('nothing destructive');
      });

      it('DROP … IF EXISTS of what is not there', async () => {
        process.env.PGWARDEN_PG_DUMP = '/nonexistent/pg_dump';
        await up('DROP TABLE IF EXISTS never_there;');
        const [row] = await history();
        expect(row!.backup).toBeNull();
        expect(row!.guardSkippedReason).toBe('nothing destructive');
      });

      it('the embedded scratch server', async () => {
        await db().exec('CREATE TABLE t (id int); INSERT INTO t VALUES (1);');
        const project = migrationProject({ '20240101000000_drop.sql': migration('DROP TABLE t;') });
        const target = { ...(await openTarget({ db: db().url })), kind: 'embedded' as const };
        await migrateUp({ target, config: project.config });
        expect((await history())[0]!.guardSkippedReason).toBe('embedded scratch server');
      });

      it('a migration without a transaction', async () => {
        await db().exec(`CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 4);`);
        const { backup } = await up(
          '-- pgwarden:no-transaction\nALTER TABLE t RENAME TO t_old;\nDROP TABLE t_old;',
        );
        expect(backup!.rowCounts).toEqual({ 'public.t': 4 });
        expect(((await history())[0]!.backup as BackupManifest).rowCounts).toEqual({ 'public.t': 4 });
      });
    });

    it('8. pg_dump gets the password from the environment, never on its command line', async () => {
      await db().exec('CREATE TABLE t (id int); INSERT INTO t VALUES (1);');
      const dir = sharedTempDir('pgwarden-guard');
      const log = join(dir, `argv-${Date.now()}`);
      const fake = join(dir, 'pg_dump_spy');
      writeFileSync(
        fake,
        `#!/bin/sh\nif [ "$1" != "--version" ]; then printf '%s\\n' "$@" > "${log}"; printf 'PGPASSWORD=%s\\n' "$PGPASSWORD" >> "${log}"; fi\nexec pg_dump "$@"\n`,
      );
      chmodSync(fake, 0o755);
      process.env.PGWARDEN_PG_DUMP = fake;
      const url = new URL(db().url);
      // the PostgreSQL 15 service trusts any password; an embedded server needs its own
      const password = decodeURIComponent(url.password) || 'userinfo-secret';
      url.username = 'postgres';
      url.password = password;
      url.searchParams.set('password', 'param-secret');
      const project = migrationProject({ '20240101000000_drop.sql': migration('DROP TABLE t;') });
      const target = { ...(await openTarget({ db: db().url })), url: url.toString() };
      await migrateUp({ target, config: project.config });
      const seen = readFileSync(log, 'utf8');
      const argv = seen.split('\n').filter((l) => !l.startsWith('PGPASSWORD='));
      expect(argv.join(' ')).not.toMatch(/secret/);
      expect(argv.join(' ')).not.toContain(password);
      expect(seen.split('\n')).toContain(`PGPASSWORD=${password}`);
    });

    it('9. the library refuses an empty or blank reason to skip the guard', async () => {
      await db().exec('CREATE TABLE t (id int); INSERT INTO t VALUES (1);');
      const project = migrationProject({
        '20240101000000_drop.sql': migration('CREATE TABLE x (id int);', 'DROP TABLE t;'),
      });
      for (const reason of ['', '   ']) {
        const refusal = await migrateUp(await context(project, { noGuardReason: reason })).catch(
          (e: unknown) => e,
        );
        expect(refusal).toBeInstanceOf(PgwardenError);
        expect((refusal as PgwardenError).exitCode).toBe(2);
        expect((refusal as PgwardenError).message).toMatch(/needs a reason/);
      }
      expect(await history()).toEqual([]);
      await migrateUp(await context(project));
      await expect(migrateDown(await context(project, { noGuardReason: ' ' }))).rejects.toThrow(
        /needs a reason/,
      );
      expect(await count('t')).toBe(1);
    });
  },
);
