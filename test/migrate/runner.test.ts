import { spawn } from 'node:child_process';
import { readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprintSchema } from '../../src/catalog/fingerprint.js';
import { loadSnapshot } from '../../src/catalog/snapshot.js';
import { PgwardenError } from '../../src/core/errors.js';
import { Connection } from '../../src/db/connection.js';
import { openTarget } from '../../src/db/target.js';
import { readMigrations } from '../../src/migrate/files.js';
import { migrationChecksum, readHistory } from '../../src/migrate/history.js';
import { newMigration } from '../../src/migrate/new.js';
import {
  migrateDown,
  migrateRedo,
  migrateStatus,
  migrateUp,
  StalePlanError,
} from '../../src/migrate/runner.js';
import { cliPath } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/db.js';
import { migration, migrationProject } from '../helpers/project.js';

const db = useTestDatabase();
const HISTORY = { schema: 'pgwarden', table: 'migrations' };

/** The test server is PostgreSQL 18 and the machine's pg_dump is older, so destructive steps here skip the guard
 * (guard.test.ts covers it on the PostgreSQL 15 service). */
async function runner(project: ReturnType<typeof migrationProject>, noGuardReason?: string) {
  const target = await openTarget({ db: db().url });
  return { target, config: project.config, ...(noGuardReason ? { noGuardReason } : {}) };
}

async function exists(relation: string): Promise<boolean> {
  const connection = await db().connect();
  const { rows } = await connection.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [
    relation,
  ]);
  return rows[0]!.found;
}

const INIT = migration('CREATE TABLE orders (id bigint PRIMARY KEY, note text);', 'DROP TABLE orders;');

describe('migrate up', () => {
  it('applies pending migrations in order, records them, and does nothing the second time', async () => {
    const project = migrationProject({
      '20240101000000_init.sql': INIT,
      '20240102000000_status.sql': migration(
        "ALTER TABLE orders ADD COLUMN status text DEFAULT 'new';",
        'ALTER TABLE orders DROP COLUMN status;',
      ),
    });
    const result = await migrateUp(await runner(project));
    expect(result.runs.map((r) => [r.version, r.direction, r.statements])).toEqual([
      ['20240101000000', 'up', 1],
      ['20240102000000', 'up', 1],
    ]);
    const connection = await db().connect();
    const rows = await readHistory(connection, HISTORY);
    expect(rows.map((r) => [r.version, r.status, r.transactional, r.pgwardenVersion])).toEqual([
      ['20240101000000', 'applied', true, expect.any(String)],
      ['20240102000000', 'applied', true, expect.any(String)],
    ]);
    const migrations = await readMigrations(join(project.dir, 'migrations'));
    expect(rows[0]!.checksum).toBe(migrationChecksum(migrations[0]!));
    expect(rows[0]!.appliedBy).toBe('postgres');
    // the resulting schema's fingerprint, kept (with its objects) on the newest row
    expect(rows[1]!.schemaFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[1]!.schemaObjects?.['column:public.orders.status']).toBeDefined();
    expect((await migrateUp(await runner(project))).runs).toEqual([]);
    expect((await migrateStatus(await runner(project))).statuses.map((s) => s.state)).toEqual([
      'applied',
      'applied',
    ]);
  });

  it('refuses when an applied file changed, but not for line endings alone', async () => {
    const project = migrationProject({ '20240101000000_init.sql': INIT });
    await migrateUp(await runner(project));
    project.write('20240101000000_init.sql', INIT.replace(/\n/g, '\r\n'));
    expect((await migrateUp(await runner(project))).runs).toEqual([]);
    project.write('20240101000000_init.sql', INIT.replace('note text', 'note varchar(20)'));
    await expect(migrateUp(await runner(project))).rejects.toThrow(
      /applied migration changed since applied: .*20240101000000_init\.sql/,
    );
    expect((await migrateStatus(await runner(project))).statuses[0]!.state).toBe('changed');
  });

  it('refuses when an applied migration has no file', async () => {
    const project = migrationProject({
      '20240101000000_init.sql': INIT,
      '20240102000000_b.sql': migration('CREATE TABLE b (id int);', 'DROP TABLE b;'),
    });
    await migrateUp(await runner(project));
    unlinkSync(join(project.dir, 'migrations', '20240102000000_b.sql'));
    await expect(migrateUp(await runner(project))).rejects.toThrow(
      /applied migration has no file: 20240102000000 \(b\)/,
    );
  });

  it('refuses a pending migration older than the newest applied one, unless allowed', async () => {
    const project = migrationProject({ '20240102000000_init.sql': INIT });
    await migrateUp(await runner(project));
    project.write('20240101000000_early.sql', migration('CREATE TABLE early (id int);', 'DROP TABLE early;'));
    await expect(migrateUp(await runner(project))).rejects.toThrow(/older than the newest applied one/);
    const result = await migrateUp(await runner(project), { allowOutOfOrder: true });
    expect(result.runs.map((r) => r.version)).toEqual(['20240101000000']);
  });

  it('reports drift from outside the migrations and refuses unless allowed', async () => {
    const project = migrationProject({ '20240101000000_init.sql': INIT });
    await migrateUp(await runner(project));
    await db().exec('CREATE INDEX sneaky ON orders (note)');
    project.write('20240102000000_b.sql', migration('CREATE TABLE b (id int);', 'DROP TABLE b;'));
    await expect(migrateUp(await runner(project))).rejects.toThrow(
      /changed outside the migrations since the last one: \+ index:public\.sneaky/,
    );
    expect((await migrateStatus(await runner(project))).drift?.added).toEqual(['index:public.sneaky']);
    expect((await migrateUp(await runner(project), { allowDrift: true })).runs).toHaveLength(1);
  });

  it('records the fingerprint once per run, with its last migration, and keeps it after a run that fails', async () => {
    const project = migrationProject({
      '20240101000000_init.sql': INIT,
      '20240102000000_b.sql': migration('CREATE TABLE b (id int);', 'DROP TABLE b;'),
      '20240103000000_c.sql': migration('CREATE TABLE c (id int);', 'DROP TABLE c;'),
    });
    await migrateUp(await runner(project));
    const connection = await db().connect();
    const fingerprinted = async () =>
      (await readHistory(connection, HISTORY)).filter((r) => r.schemaFingerprint).map((r) => r.version);
    // computing a fingerprint is a pass over the whole catalog: once per run, not once per migration
    expect(await fingerprinted()).toEqual(['20240103000000']);

    // a run that fails at its third migration: the two before it committed, and the fingerprint follows them
    project.write('20240104000000_d.sql', migration('CREATE TABLE d (id int);', 'DROP TABLE d;'));
    project.write('20240105000000_e.sql', migration('CREATE TABLE e (id int);', 'DROP TABLE e;'));
    project.write('20240106000000_f.sql', migration('CREATE TABLE f (id no_such_type);', 'DROP TABLE f;'));
    await expect(migrateUp(await runner(project))).rejects.toThrow(/no_such_type/);
    expect(await fingerprinted()).toEqual(['20240105000000']);
    expect((await migrateStatus(await runner(project))).drift).toBeNull();
    await db().exec('CREATE INDEX sneaky ON orders (note)');
    expect((await migrateStatus(await runner(project))).drift?.added).toEqual(['index:public.sneaky']);
    await db().exec('DROP INDEX sneaky');

    // rolling back several: the fingerprint moves to the newest row that stays, once
    project.write('20240106000000_f.sql', migration('CREATE TABLE f (id int);', 'DROP TABLE f;'));
    await migrateUp(await runner(project));
    await migrateDown(await runner(project, 'test'), { steps: 3 });
    expect(await fingerprinted()).toEqual(['20240103000000']);
    expect((await migrateStatus(await runner(project))).drift).toBeNull();
  });

  it('runs an approved plan only if, under the migration lock, files and pending migrations are as planned', async () => {
    const project = migrationProject({
      '20240101000000_init.sql': INIT,
      '20240102000000_b.sql': migration('CREATE TABLE b (id int);', 'DROP TABLE b;'),
    });
    const files = await readMigrations(join(project.dir, 'migrations'));
    const checksums = Object.fromEntries(files.map((m) => [m.version, migrationChecksum(m)]));
    const versions = ['20240101000000', '20240102000000'];
    // someone else applied the first one after the plan
    await migrateUp(await runner(project), { to: '20240101000000' });
    await expect(migrateUp(await runner(project), { expect: { versions, checksums } })).rejects.toThrow(
      /the database changed since the plan: pending now 20240102000000, planned 20240101000000, 20240102000000/,
    );
    // a file edited after the plan
    project.write('20240102000000_b.sql', migration('CREATE TABLE b (id bigint);', 'DROP TABLE b;'));
    const error = await migrateUp(await runner(project), {
      expect: { versions: ['20240102000000'], checksums },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StalePlanError);
    expect((error as StalePlanError).differences).toEqual(['20240102000000 changed']);
    expect(await exists('b')).toBe(false);
    const now = await readMigrations(join(project.dir, 'migrations'));
    const fresh = Object.fromEntries(now.map((m) => [m.version, migrationChecksum(m)]));
    const ran = await migrateUp(await runner(project), {
      expect: { versions: ['20240102000000'], checksums: fresh },
    });
    expect(ran.runs.map((r) => r.version)).toEqual(['20240102000000']);
  });

  it('keeps a fingerprint recorded the old way (in JavaScript) working, and records it anew', async () => {
    const project = migrationProject({ '20240101000000_init.sql': INIT });
    await migrateUp(await runner(project));
    const connection = await db().connect();
    const legacy = fingerprintSchema(await loadSnapshot(connection, { sizes: false }), ['pgwarden']);
    await connection.query('UPDATE pgwarden.migrations SET schema_fingerprint = $1, schema_objects = $2', [
      legacy.hash,
      JSON.stringify(legacy.objects),
    ]);
    await db().exec('CREATE INDEX sneaky ON orders (note)');
    await expect(migrateUp(await runner(project))).rejects.toThrow(
      /outside the migrations.*\+ index:public\.sneaky/,
    );
    await db().exec('DROP INDEX sneaky');
    expect((await migrateUp(await runner(project))).runs).toEqual([]);
    const [row] = await readHistory(connection, HISTORY);
    expect(row!.schemaFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.schemaFingerprint).not.toBe(legacy.hash);
    expect(Object.values(row!.schemaObjects!).every((hash) => hash.length === 32)).toBe(true);
    await db().exec('CREATE INDEX sneaky ON orders (note)');
    expect((await migrateStatus(await runner(project))).drift?.added).toEqual(['index:public.sneaky']);
  });

  it('runs a statement that ends in a comment, and places an error in a one-statement migration', async () => {
    const project = migrationProject({
      '20240101000000_init.sql': migration(
        'CREATE TABLE c (id int) -- the first\n;\nCREATE TABLE d (id int) -- no semicolon after this one',
        'DROP TABLE d;\nDROP TABLE c;',
      ),
    });
    await migrateUp(await runner(project));
    expect(await exists('c')).toBe(true);
    expect(await exists('d')).toBe(true);
    const connection = await db().connect();
    const [row] = await readHistory(connection, HISTORY);
    expect(Number.isInteger(row!.executionMs) && row!.executionMs >= 0).toBe(true);
    project.write('20240102000000_bad.sql', migration('SELECT 1,\n  nope FROM c;'));
    await expect(migrateUp(await runner(project))).rejects.toThrow(
      /20240102000000_bad\.sql:3:3: column "nope" does not exist \(rolled back/,
    );
    expect((await readHistory(connection, HISTORY)).map((r) => r.version)).toEqual(['20240101000000']);
  });

  it('rolls back a failing migration whole and names the statement', async () => {
    const project = migrationProject({
      '20240101000000_init.sql': migration(
        'CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nSELECT nope FROM a;',
        'DROP TABLE a;',
      ),
    });
    await expect(migrateUp(await runner(project))).rejects.toThrow(
      /20240101000000_init\.sql:4:8: column "nope" does not exist \(rolled back/,
    );
    expect(await exists('a')).toBe(false);
    const connection = await db().connect();
    expect(await readHistory(connection, HISTORY)).toEqual([]);
  });

  it('refuses BEGIN/COMMIT inside a migration that runs in a transaction, before running anything', async () => {
    const project = migrationProject({
      '20240101000000_init.sql': migration('CREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);'),
    });
    await expect(migrateUp(await runner(project))).rejects.toThrow(
      /COMMIT inside a migration that runs in a transaction/,
    );
    expect(await exists('a')).toBe(false);
  });

  it('records how far a migration without a transaction got, and resumes there', async () => {
    const project = migrationProject({
      '20240101000000_init.sql': INIT,
      '20240102000000_steps.sql': migration(
        '-- pgwarden:no-transaction\nCREATE TABLE step1 (id int);\nSELECT * FROM step_missing;\nCREATE TABLE step3 (id int);',
      ),
    });
    await expect(migrateUp(await runner(project))).rejects.toThrow(
      /statement 2 of 3; the 1 before it are applied/,
    );
    const status = (await migrateStatus(await runner(project))).statuses[1]!;
    expect(status.state).toBe('failed');
    expect(status.progress).toMatchObject({ done: 1, total: 3, failedAt: { line: 4 } });
    expect(await exists('step1')).toBe(true);
    // fixing the failed statement lets it resume after the applied one
    project.write(
      '20240102000000_steps.sql',
      migration(
        '-- pgwarden:no-transaction\nCREATE TABLE step1 (id int);\nSELECT 1;\nCREATE TABLE step3 (id int);',
      ),
    );
    const resumed = await migrateUp(await runner(project));
    expect(resumed.runs).toMatchObject([{ version: '20240102000000', resumedAfter: 1 }]);
    expect(await exists('step3')).toBe(true);
    expect((await migrateStatus(await runner(project))).statuses.map((s) => s.state)).toEqual([
      'applied',
      'applied',
    ]);
  });

  it('will not resume when a statement applied before the failure was edited', async () => {
    const project = migrationProject({
      '20240101000000_steps.sql': migration(
        '-- pgwarden:no-transaction\nCREATE TABLE step1 (id int);\nSELECT * FROM step_missing;',
      ),
    });
    await expect(migrateUp(await runner(project))).rejects.toThrow(PgwardenError);
    project.write(
      '20240101000000_steps.sql',
      migration('-- pgwarden:no-transaction\nCREATE TABLE step1 (id bigint);\nSELECT 1;'),
    );
    await expect(migrateUp(await runner(project))).rejects.toThrow(/applied before the failure were edited/);
  });

  it('reports the INVALID index a failed concurrent build leaves behind', async () => {
    await db().exec("CREATE TABLE dup (v text); INSERT INTO dup VALUES ('x'), ('x');");
    const project = migrationProject({
      '20240101000000_idx.sql': migration(
        '-- pgwarden:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY idx_dup_v ON dup (v);',
      ),
    });
    await expect(migrateUp(await runner(project))).rejects.toThrow(
      /INVALID index public\.idx_dup_v .*DROP INDEX CONCURRENTLY public\.idx_dup_v/,
    );
    // the fix as told, then the data: the next up builds the index, with no drift from the leftover
    await db().exec('DROP INDEX CONCURRENTLY public.idx_dup_v');
    await db().exec('DELETE FROM dup WHERE ctid <> (SELECT min(ctid) FROM dup)');
    const result = await migrateUp(await runner(project));
    expect(result.runs.map((r) => [r.version, r.resumedAfter])).toEqual([['20240101000000', 0]]);
    expect((await migrateStatus(await runner(project))).drift).toBeNull();
  });

  it('retries when the lock timeout hits, with backoff', async () => {
    const project = migrationProject(
      { '20240101000000_init.sql': INIT },
      { migrations: { lockTimeout: '200ms', lockRetries: 3 } },
    );
    await migrateUp(await runner(project));
    project.write(
      '20240102000000_col.sql',
      migration('ALTER TABLE orders ADD COLUMN extra int;', 'ALTER TABLE orders DROP COLUMN extra;'),
    );
    const blocker = await db().connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE orders IN ACCESS SHARE MODE');
    const running = migrateUp(await runner(project));
    // the table is freed once an attempt has waited for it and given up: whatever the machine's speed, a retry follows
    await waitForLockTimeout('ADD COLUMN extra', running);
    await blocker.query('COMMIT');
    const result = await running;
    expect(result.runs[0]!.retries).toBeGreaterThanOrEqual(1);
  });

  it('gives up after the retries with a clear error', async () => {
    const project = migrationProject(
      { '20240101000000_init.sql': INIT },
      { migrations: { lockTimeout: '100ms', lockRetries: 0 } },
    );
    await migrateUp(await runner(project));
    project.write('20240102000000_col.sql', migration('ALTER TABLE orders ADD COLUMN extra int;'));
    const blocker = await db().connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE orders IN ACCESS SHARE MODE');
    const error = await migrateUp(await runner(project)).catch((e: unknown) => e);
    await blocker.query('ROLLBACK');
    expect(error).toBeInstanceOf(PgwardenError);
    expect((error as PgwardenError).message).toMatch(/lock timeout/);
    expect((error as PgwardenError).hint).toMatch(/conflicting lock/);
  });

  it('reports sessions that would block the migration before running anything', async () => {
    const project = migrationProject({ '20240101000000_init.sql': INIT });
    await migrateUp(await runner(project));
    project.write('20240102000000_col.sql', migration('ALTER TABLE orders ADD COLUMN extra int;'));
    const idle = await db().connect();
    await idle.query('BEGIN');
    await idle.query('SELECT count(*) FROM orders');
    const plan = await migrateUp(await runner(project), { dryRun: true });
    await idle.query('ROLLBACK');
    expect(plan.preflight).toContainEqual(
      expect.objectContaining({ state: 'idle in transaction', relations: ['public.orders'] }),
    );
  });

  it('--dry-run lists the statements and changes nothing', async () => {
    const project = migrationProject({ '20240101000000_init.sql': INIT });
    const plan = await migrateUp(await runner(project), { dryRun: true });
    expect(plan.plan).toEqual([
      {
        version: '20240101000000',
        name: 'init',
        direction: 'up',
        transaction: true,
        statements: ['CREATE TABLE orders (id bigint PRIMARY KEY, note text)'],
        guard: [],
      },
    ]);
    expect(await exists('pgwarden.migrations')).toBe(false);
    expect(await exists('orders')).toBe(false);
  });
});

const DISPOSABLE = 'disposable test database';

describe('migrate down and redo', () => {
  it('rolls back the newest migrations with their down sections', async () => {
    const project = migrationProject({
      '20240101000000_init.sql': INIT,
      '20240102000000_b.sql': migration('CREATE TABLE b (id int);', 'DROP TABLE b;'),
      '20240103000000_c.sql': migration('CREATE TABLE c (id int);', 'DROP TABLE c;'),
    });
    await migrateUp(await runner(project));
    const down = await migrateDown(await runner(project, DISPOSABLE), { steps: 2 });
    expect(down.runs.map((r) => r.version)).toEqual(['20240103000000', '20240102000000']);
    expect(await exists('b')).toBe(false);
    expect(await exists('orders')).toBe(true);
    await migrateUp(await runner(project));
    await migrateDown(await runner(project, DISPOSABLE), { to: '20240101000000' });
    expect((await migrateStatus(await runner(project))).statuses.map((s) => s.state)).toEqual([
      'applied',
      'pending',
      'pending',
    ]);
  });

  it('refuses to roll back a migration without a down section, changing nothing', async () => {
    const project = migrationProject({
      '20240101000000_init.sql': INIT,
      '20240102000000_b.sql': migration('CREATE TABLE b (id int);'),
    });
    await migrateUp(await runner(project));
    await expect(migrateDown(await runner(project, DISPOSABLE), { steps: 2 })).rejects.toThrow(
      /cannot roll back 20240102000000_b: no down section/,
    );
    expect(await exists('b')).toBe(true);
    expect(await exists('orders')).toBe(true);
  });

  it('redo rolls back and re-applies the newest migration', async () => {
    const project = migrationProject({ '20240101000000_init.sql': INIT });
    await migrateUp(await runner(project));
    const redo = await migrateRedo(await runner(project, DISPOSABLE));
    expect(redo.runs.map((r) => r.direction)).toEqual(['down', 'up']);
    expect(await exists('orders')).toBe(true);
  });
});

describe('migrate new', () => {
  it('writes a template that sets the timeouts in both sections', async () => {
    const project = migrationProject({});
    const file = await newMigration(
      join(project.dir, 'migrations'),
      'Add orders status',
      { lockTimeout: '5s', statementTimeout: '30min' },
      new Date('2026-11-25T10:11:12Z'),
    );
    expect(file.endsWith('20261125101112_add_orders_status.sql')).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(
      "-- migrate:up\nSET lock_timeout = '5s';\nSET statement_timeout = '30min';\n\n\n-- migrate:down\nSET lock_timeout = '5s';\nSET statement_timeout = '30min';\n",
    );
  });
});

function runCliAsync(args: string[], cwd: string) {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stderr = '';
  child.stderr.on('data', (c) => {
    stderr += c;
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, done, stderr: () => stderr };
}

/**
 * Waits until a session running `pattern` has waited for a lock and stopped waiting while the lock was still held:
 * its lock_timeout fired. Fails as soon as `running` settles instead.
 */
async function waitForLockTimeout(pattern: string, running: Promise<unknown>): Promise<void> {
  let settled = false;
  const settle = () => {
    settled = true;
  };
  running.then(settle, settle);
  const watcher = await db().connect();
  try {
    let attempt: { pid: number; started: string } | undefined;
    const deadline = Date.now() + 30_000;
    while (!settled && Date.now() < deadline) {
      const { rows } = await watcher.query<{ pid: number; started: string }>(
        `SELECT pid, query_start::text AS started FROM pg_stat_activity
          WHERE query LIKE $1 AND wait_event_type = 'Lock'
            AND pid <> pg_backend_pid() AND datname = current_database()`,
        [`%${pattern}%`],
      );
      if (!attempt) attempt = rows[0];
      else if (!rows.some((row) => row.pid === attempt!.pid && row.started === attempt!.started)) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(
      `no lock wait of "${pattern}" was seen to time out (${settled ? 'it ended first' : 'deadline'})`,
    );
  } finally {
    await watcher.close();
  }
}

/** Waits (up to 45 s: the CLI starts slowly on a loaded machine) until a session runs `pattern`. */
async function waitForQuery(pattern: string): Promise<void> {
  const watcher = await db().connect();
  try {
    for (const deadline = Date.now() + 45_000; Date.now() < deadline; ) {
      const { rows } = await watcher.query(
        `SELECT 1 FROM pg_stat_activity
          WHERE query LIKE $1 AND pid <> pg_backend_pid() AND datname = current_database()`,
        [`%${pattern}%`],
      );
      if (rows.length > 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no session ran ${pattern}`);
  } finally {
    await watcher.close();
  }
}

describe('reliability', () => {
  it('a runner killed with SIGKILL in a transactional migration leaves nothing half-applied', async () => {
    const project = migrationProject({
      '20240101000000_slow.sql': migration(
        'CREATE TABLE half (id int);\nSELECT pg_sleep(30);\nCREATE TABLE other (id int);',
      ),
    });
    const run = runCliAsync(['migrate', 'up', '--db', db().url], project.dir);
    await waitForQuery('pg_sleep(30)');
    run.child.kill('SIGKILL');
    await run.done;
    // the server notices the dead session and rolls its transaction back
    for (const deadline = Date.now() + 30_000; Date.now() < deadline && (await exists('half')); )
      await new Promise((r) => setTimeout(r, 50));
    expect(await exists('half')).toBe(false);
    const connection = await db().connect();
    expect(await readHistory(connection, HISTORY)).toEqual([]);
  });

  it('a runner killed in a migration without a transaction leaves the exact statement in the history', async () => {
    const project = migrationProject({
      '20240101000000_slow.sql': migration(
        '-- pgwarden:no-transaction\nCREATE TABLE first (id int);\nSELECT pg_sleep(30);\nCREATE TABLE last (id int);',
      ),
    });
    const run = runCliAsync(['migrate', 'up', '--db', db().url], project.dir);
    await waitForQuery('pg_sleep(30)');
    run.child.kill('SIGKILL');
    await run.done;
    const status = (await migrateStatus(await runner(project))).statuses[0]!;
    expect(status.state).toBe('failed');
    expect(status.progress).toMatchObject({ done: 1, total: 3 });
    expect(await exists('first')).toBe(true);
    expect(await exists('last')).toBe(false);
  });

  it('two runners started at once apply each migration exactly once', async () => {
    // the first migration waits at a gate that opens once a runner is seen waiting for the other: the two runs
    // overlap however slow the machine is
    const gate = await db().connect();
    await gate.query('SELECT pg_advisory_lock(4242)');
    const project = migrationProject({
      '20240101000000_init.sql': migration(
        'CREATE TABLE counter (id int);\nSELECT pg_advisory_lock(4242), pg_advisory_unlock(4242);\nINSERT INTO counter VALUES (1);',
      ),
      '20240102000000_more.sql': migration('INSERT INTO counter VALUES (2);'),
    });
    const [a, b] = [
      runCliAsync(['migrate', 'up', '--db', db().url], project.dir),
      runCliAsync(['migrate', 'up', '--db', db().url], project.dir),
    ];
    const deadline = Date.now() + 30_000;
    while (!/waiting for the migration lock/.test(a.stderr() + b.stderr())) {
      if (Date.now() > deadline || a.child.exitCode !== null || b.child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await gate.query('SELECT pg_advisory_unlock(4242)');
    const results = await Promise.all([a.done, b.done]);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    expect(results.map((r) => r.stderr).join('')).toMatch(/waiting for the migration lock/);
    const connection = await db().connect();
    const { rows } = await connection.query('SELECT id FROM counter ORDER BY id');
    expect(rows).toEqual([{ id: 1 }, { id: 2 }]);
    expect((await readHistory(connection, HISTORY)).map((r) => r.version)).toEqual([
      '20240101000000',
      '20240102000000',
    ]);
  });

  it('the migration lock does not block CREATE INDEX CONCURRENTLY', async () => {
    const project = migrationProject({
      '20240101000000_init.sql': INIT,
      '20240102000000_idx.sql': migration(
        '-- pgwarden:no-transaction\nCREATE INDEX CONCURRENTLY idx_orders_note ON orders (note);',
      ),
    });
    const result = await migrateUp(await runner(project));
    expect(result.runs).toHaveLength(2);
    const connection = await db().connect();
    const { rows } = await connection.query(
      `SELECT indisvalid FROM pg_index WHERE indexrelid = 'idx_orders_note'::regclass`,
    );
    expect(rows).toEqual([{ indisvalid: true }]);
  });
});

describe('the guard on a server pg_dump cannot back up', () => {
  it('refuses a destructive migration with exit code 3 and changes nothing', async () => {
    await db().exec('CREATE TABLE legacy (id int); INSERT INTO legacy VALUES (1);');
    const project = migrationProject({ '20240101000000_drop.sql': migration('DROP TABLE legacy;') });
    const run = runCliAsync(['migrate', 'up', '--db', db().url], project.dir);
    const result = await run.done;
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/pg_dump \d+ cannot back up a PostgreSQL 18 server|needs pg_dump/);
    expect(await exists('legacy')).toBe(true);
    const connection = await Connection.open(db().url);
    expect(await readHistory(connection, HISTORY)).toEqual([]);
    await connection.close();
  });
});
