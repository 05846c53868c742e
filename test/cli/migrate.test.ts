import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrationLockKey } from '../../src/migrate/lock.js';
import { runCli } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/db.js';
import { migration, migrationProject } from '../helpers/project.js';
import { sharedTempDir } from '../helpers/tmp.js';

const cacheDir = sharedTempDir('pgwarden-migrate-cache');
const env = { PGWARDEN_CACHE_DIR: cacheDir };

describe('pgwarden migrate (CLI)', () => {
  const db = useTestDatabase();

  it('new, up, status, down on the embedded server: one database per project, kept between runs', async () => {
    const project = migrationProject({});
    const created = await runCli(['migrate', 'new', 'create orders'], { cwd: project.dir, env });
    expect(created.code).toBe(0);
    const [file] = readdirSync(join(project.dir, 'migrations'));
    expect(file).toMatch(/^\d{14}_create_orders\.sql$/);
    const path = join(project.dir, 'migrations', file!);
    expect(readFileSync(path, 'utf8')).toContain("SET lock_timeout = '5s';");
    writeFileSync(
      path,
      `${readFileSync(path, 'utf8')}`.replace(
        '\n\n\n-- migrate:down',
        '\nCREATE TABLE orders (id bigint PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE orders;',
      ),
    );

    const up = await runCli(['migrate', 'up'], { cwd: project.dir, env });
    expect(up.stderr).not.toMatch(/error/i);
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/database pgwarden_pgwarden_project_\w+_[0-9a-f]{8}/);
    expect(up.stdout).toMatch(/applied \d{14}_create_orders \(3 statements/);

    // another project on the same embedded server sees its own, empty history
    const other = migrationProject({});
    const otherStatus = await runCli(['migrate', 'status', '--format', 'json'], { cwd: other.dir, env });
    expect(JSON.parse(otherStatus.stdout).statuses).toEqual([]);

    const status = await runCli(['migrate', 'status', '--format', 'json'], { cwd: project.dir, env });
    expect(JSON.parse(status.stdout).statuses.map((s: { state: string }) => s.state)).toEqual(['applied']);
    // no guard on the embedded server: it is a local scratch database
    const down = await runCli(['migrate', 'down'], { cwd: project.dir, env });
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/rolled back \d{14}_create_orders/);
  });

  it('--dry-run lists the statements and the backups the guard would take, and changes nothing', async () => {
    await db().exec('CREATE TABLE legacy (id int)');
    const project = migrationProject({
      '20240101000000_init.sql': migration(
        'CREATE TABLE orders (id bigint PRIMARY KEY);\nDROP TABLE legacy;',
        'DROP TABLE orders;',
      ),
    });
    const dry = await runCli(['migrate', 'up', '--dry-run', '--db', db().url], { cwd: project.dir });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('CREATE TABLE orders (id bigint PRIMARY KEY);');
    expect(dry.stdout).toMatch(/DROP TABLE public\.legacy: backs up public\.legacy first/);
    const status = await runCli(['migrate', 'status', '--db', db().url, '--format', 'json'], {
      cwd: project.dir,
    });
    expect(JSON.parse(status.stdout).statuses[0].state).toBe('pending');
  });

  it('refuses a changed applied file with exit code 2 and names it', async () => {
    const project = migrationProject({
      '20240101000000_init.sql': migration('CREATE TABLE orders (id int);', 'DROP TABLE orders;'),
    });
    expect((await runCli(['migrate', 'up', '--db', db().url], { cwd: project.dir })).code).toBe(0);
    project.write(
      '20240101000000_init.sql',
      migration('CREATE TABLE orders (id bigint);', 'DROP TABLE orders;'),
    );
    const refused = await runCli(['migrate', 'up', '--db', db().url], { cwd: project.dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/20240101000000_init\.sql/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    const status = await runCli(['migrate', 'status', '--db', db().url], { cwd: project.dir });
    expect(status.stdout).toMatch(/20240101000000 init\s+changed/);
    // status is a gate: the changed file is a finding, and the exit code follows --fail-on
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/migration\/applied-file-changed/);
    const json = await runCli(['migrate', 'status', '--db', db().url, '--format', 'json'], {
      cwd: project.dir,
    });
    expect(JSON.parse(json.stdout).findings.map((f: { rule: string }) => f.rule)).toEqual([
      'migration/applied-file-changed',
    ]);
    const lenient = await runCli(['migrate', 'status', '--db', db().url, '--fail-on', 'none'], {
      cwd: project.dir,
    });
    expect(lenient.code).toBe(0);
  });

  it('migrate status names drift as a finding and fails on it', async () => {
    const project = migrationProject({
      '20240101000000_init.sql': migration('CREATE TABLE orders (id int, note text);', 'DROP TABLE orders;'),
    });
    expect((await runCli(['migrate', 'up', '--db', db().url], { cwd: project.dir })).code).toBe(0);
    const clean = await runCli(['migrate', 'status', '--db', db().url], { cwd: project.dir });
    expect(clean.code).toBe(0);
    await db().exec('CREATE INDEX hotfix ON orders (note)');
    const drifted = await runCli(['migrate', 'status', '--db', db().url], { cwd: project.dir });
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toMatch(/\+ index:public\.hotfix.*migration\/schema-drift/s);
  });

  it('--lock-wait bounds the wait for another runner, which is named', async () => {
    const project = migrationProject({
      '20240101000000_init.sql': migration('CREATE TABLE orders (id int);', 'DROP TABLE orders;'),
    });
    const holder = await db().connect();
    await holder.query('SELECT pg_advisory_lock($1::bigint)', [
      migrationLockKey({ schema: 'pgwarden', table: 'migrations' }).toString(),
    ]);
    const pid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const started = Date.now();
    const result = await runCli(['migrate', 'up', '--db', db().url, '--lock-wait', '1'], {
      cwd: project.dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`another migration run holds the migration lock: pid ${pid}`);
    expect(Date.now() - started).toBeLessThan(10_000);
    const bad = await runCli(['migrate', 'up', '--db', db().url, '--lock-wait', 'soon'], {
      cwd: project.dir,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/seconds: a whole number/);
  });

  it('a missing migrations folder is a clear error', async () => {
    const project = migrationProject({});
    const result = await runCli(['migrate', 'up', '--db', db().url, '--dir', 'nope'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/nope/);
  });
});
