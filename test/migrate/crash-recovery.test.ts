import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/db/connection.js';
import { openTarget } from '../../src/db/target.js';
import { readHistory } from '../../src/migrate/history.js';
import { migrateStatus, migrateUp } from '../../src/migrate/runner.js';
import { useTestDatabase } from '../helpers/db.js';
import { migration, migrationProject } from '../helpers/project.js';
import { pg15Service, runnerProcess, waitForQuery } from './runner-process.js';

// Issue 10, "the runner survives a crash": each case on the PostgreSQL 15 service, the runner killed with SIGKILL.
const PG15 = await pg15Service();
const HISTORY = { schema: 'pgwarden', table: 'migrations' };
const NO_TX = '-- pgwarden:no-transaction\n';

describe.skipIf(!PG15)('the runner survives a crash', () => {
  const db = useTestDatabase(() => PG15!);

  async function context(project: ReturnType<typeof migrationProject>, log: string[] = []) {
    return {
      target: await openTarget({ db: db().url }),
      config: project.config,
      log: (message: string) => log.push(message),
      lockWaitSeconds: 30,
    };
  }
  async function ids(connection: Connection, table = 't'): Promise<number[]> {
    const { rows } = await connection.query<{ id: number }>(`SELECT id FROM ${table} ORDER BY id`);
    return rows.map((r) => r.id);
  }
  const up = (project: ReturnType<typeof migrationProject>) =>
    runnerProcess(['migrate', 'up', '--db', db().url], project.dir);

  it('a statement of a no-transaction migration cut off by the kill is neither lost nor applied twice', async () => {
    const project = migrationProject({
      '0001_base.sql': migration('CREATE TABLE t (id int);'),
      '0002_steps.sql': migration(
        `${NO_TX}INSERT INTO t VALUES (1);\nINSERT INTO t SELECT 2 FROM pg_sleep(1.5);\nINSERT INTO t VALUES (3);`,
      ),
    });
    const watcher = await db().connect();
    const run = up(project);
    await waitForQuery(watcher, 'pg_sleep(1.5)');
    run.child.kill('SIGKILL');
    await run.done;
    // the server is still running the INSERT: the next runner waits for that session, then finishes the migration
    const log: string[] = [];
    const result = await migrateUp(await context(project, log));
    expect(log.join('\n')).toMatch(/waiting for the server session pid \d+ of an earlier migration run/);
    expect(result.runs.map((r) => [r.version, r.resumedAfter])).toEqual([['0002', 1]]);
    expect(await ids(watcher)).toEqual([1, 2, 3]);
    const rows = await readHistory(watcher, HISTORY);
    expect(rows.map((r) => [r.version, r.status, r.progress?.done ?? null])).toEqual([
      ['0001', 'applied', null],
      ['0002', 'applied', 3],
    ]);
  });

  /** Applies 0001 (a table t of 1,000 rows), then holds a snapshot so that CREATE INDEX CONCURRENTLY waits on it. */
  async function concurrentBuildHeldBack() {
    const project = migrationProject({
      '0001_base.sql': migration('CREATE TABLE t (id int);\nINSERT INTO t SELECT generate_series(1, 1000);'),
    });
    await migrateUp(await context(project));
    project.write(
      '0002_index.sql',
      migration(`${NO_TX}CREATE INDEX CONCURRENTLY t_id ON t (id);\nINSERT INTO t VALUES (0);`),
    );
    const blocker = await db().connect();
    await blocker.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await blocker.query('SELECT count(*) FROM t');
    const watcher = await db().connect();
    const run = up(project);
    const buildPid = await waitForQuery(watcher, 'CREATE INDEX CONCURRENTLY', { waiting: true });
    run.child.kill('SIGKILL');
    await run.done;
    return { project, blocker, watcher, buildPid };
  }

  it('CREATE INDEX CONCURRENTLY finished by the server after the kill is recorded as done, not run again', async () => {
    const { project, blocker, watcher } = await concurrentBuildHeldBack();
    await blocker.query('COMMIT'); // the build goes on and completes, its client gone
    const log: string[] = [];
    const result = await migrateUp(await context(project, log));
    expect(log.join('\n')).toMatch(/statement 1 of 2 .*was finished by the server after the runner stopped/);
    expect(result.runs.map((r) => [r.version, r.resumedAfter])).toEqual([['0002', 1]]);
    const { rows } = await watcher.query(
      `SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 't_id'::regclass`,
    );
    expect(rows).toEqual([{ valid: true }]);
    expect((await ids(watcher)).filter((id) => id === 0)).toEqual([0]);
    expect((await migrateStatus(await context(project))).statuses.map((s) => s.state)).toEqual([
      'applied',
      'applied',
    ]);
  });

  it('an index build cut off by the kill is reported INVALID with its fix, and applied after the fix', async () => {
    const { project, blocker, watcher, buildPid } = await concurrentBuildHeldBack();
    await watcher.query('SELECT pg_terminate_backend($1)', [buildPid]);
    await blocker.query('ROLLBACK');
    await expect(migrateUp(await context(project))).rejects.toThrow(
      /statement 1 of 2 \(line \d+: CREATE INDEX CONCURRENTLY t_id.*\) was cut off when the runner stopped, and left the INVALID index public\.t_id behind/,
    );
    await migrateUp(await context(project)).catch((error) =>
      expect(error.hint).toMatch(/DROP INDEX CONCURRENTLY public\.t_id; then run pgwarden migrate up again/),
    );
    await watcher.query('DROP INDEX CONCURRENTLY public.t_id');
    const result = await migrateUp(await context(project));
    expect(result.runs.map((r) => [r.version, r.resumedAfter])).toEqual([['0002', 0]]);
    const { rows } = await watcher.query(
      `SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 't_id'::regclass`,
    );
    expect(rows).toEqual([{ valid: true }]);
  });

  it('a second runner waits while a killed runner’s session commits, and nothing is applied twice', async () => {
    // a deferred trigger makes the COMMIT itself slow: the kill lands while the server commits
    const project = migrationProject({
      '0001_base.sql': migration(
        `CREATE TABLE t (id int PRIMARY KEY);
CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(1.5); RETURN NULL; END $$;`,
      ),
    });
    await migrateUp(await context(project));
    project.write(
      '0002_slow.sql',
      migration(`CREATE CONSTRAINT TRIGGER t_slow AFTER INSERT ON t DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION slow_commit();
INSERT INTO t VALUES (1);`),
    );
    const watcher = await db().connect();
    const run = up(project);
    await waitForQuery(watcher, 'COMMIT');
    run.child.kill('SIGKILL');
    await run.done;
    const log: string[] = [];
    const result = await migrateUp(await context(project, log));
    expect(log.join('\n')).toMatch(/waiting for the server session pid \d+ of an earlier migration run/);
    expect(result.runs).toEqual([]);
    expect(await ids(watcher)).toEqual([1]);
    expect((await readHistory(watcher, HISTORY)).map((r) => [r.version, r.status])).toEqual([
      ['0001', 'applied'],
      ['0002', 'applied'],
    ]);
  });

  it('a collision with another session that recorded the migration says so, instead of blaming the migration', async () => {
    const project = migrationProject({
      '0001_base.sql': migration('CREATE TABLE t (id int);\nSELECT pg_sleep(1);'),
    });
    const watcher = await db().connect();
    const running = migrateUp(await context(project));
    running.catch(() => {});
    await waitForQuery(watcher, 'pg_sleep(1)');
    // a session that did not take the migration lock records the same migration meanwhile
    await watcher.query(
      `INSERT INTO pgwarden.migrations (version, name, checksum, status, pgwarden_version, transactional)
       VALUES ('0001', 'base', 'x', 'applied', 'other', true)`,
    );
    const error = await running.then(
      () => undefined,
      (e: unknown) => e as Error & { hint?: string },
    );
    expect(error?.message).toMatch(
      /0001_base \(up\): another session applied and recorded this migration while this run was at it; this run's attempt was rolled back/,
    );
    expect(error?.hint).toMatch(/nothing to fix in the migration/);
    expect(error?.hint).not.toMatch(/fix the migration and run again/);
    const { rows } = await watcher.query(`SELECT to_regclass('t') IS NULL AS gone`);
    expect(rows).toEqual([{ gone: true }]);
  });

  it('drift detection holds after an --allow-out-of-order apply', async () => {
    const project = migrationProject({ '0002_a.sql': migration('CREATE TABLE a (id int);') });
    await migrateUp(await context(project));
    project.write('0001_b.sql', migration('CREATE TABLE b (id int);'));
    await migrateUp({ ...(await context(project)) }, { allowOutOfOrder: true });
    const watcher = await db().connect();
    await watcher.query('DROP TABLE a');
    project.write('0003_c.sql', migration('CREATE TABLE c (id int);'));
    expect((await migrateStatus(await context(project))).drift?.removed).toContain('table:public.a');
    await expect(migrateUp(await context(project), { allowOutOfOrder: true })).rejects.toThrow(
      /the schema changed outside the migrations since the last one: .*public\.a/,
    );
    const { rows } = await watcher.query(`SELECT to_regclass('c') IS NULL AS pending`);
    expect(rows).toEqual([{ pending: true }]);
  });

  it('a failure inside a no-transaction script’s own BEGIN … COMMIT resumes from that BEGIN', async () => {
    const project = migrationProject({
      '0001_steps.sql': migration(
        `${NO_TX}CREATE TABLE t (id int);
BEGIN;
INSERT INTO t VALUES (2);
SAVEPOINT before_gate;
INSERT INTO t SELECT id FROM gate;
COMMIT;
INSERT INTO t VALUES (4);`,
      ),
    });
    await expect(migrateUp(await context(project))).rejects.toThrow(
      /relation "gate" does not exist \(statement 5 of 7; the 1 before that transaction are applied; its transaction from line \d+ was rolled back\)/,
    );
    const watcher = await db().connect();
    const [row] = await readHistory(watcher, HISTORY);
    expect(row!.progress).toMatchObject({ done: 1, total: 7 });
    expect(await ids(watcher)).toEqual([]); // the script's transaction, SAVEPOINT and all, was rolled back whole
    await watcher.query('CREATE TABLE gate (id int); INSERT INTO gate VALUES (3)');
    const result = await migrateUp(await context(project), { allowDrift: true });
    expect(result.runs.map((r) => r.resumedAfter)).toEqual([1]);
    expect(await ids(watcher)).toEqual([2, 3, 4]);
  });
});
