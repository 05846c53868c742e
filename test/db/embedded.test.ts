import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PgwardenError } from '../../src/core/errors.js';
import { Connection } from '../../src/db/connection.js';
import { accessibleTo, bundledBinaries } from '../../src/db/embedded/binaries.js';
import { EmbeddedServer } from '../../src/db/embedded/server.js';
import { isRoot, serviceUser } from '../../src/db/embedded/service-user.js';
import { isGone, processUser, waitUntil } from '../helpers/processes.js';
import { sharedTempDir } from '../helpers/tmp.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Starts a server in a separate node process that prints its pid and port, then waits forever. */
function startHolder(cacheDir: string, script = 'hold') {
  const code = `
    const { EmbeddedServer } = await import(${JSON.stringify(join(root, 'dist/db/embedded/server.js'))});
    const { createScratchDatabase } = await import(${JSON.stringify(join(root, 'dist/db/scratch.js'))});
    const { openTarget } = await import(${JSON.stringify(join(root, 'dist/db/target.js'))});
    const target = await openTarget({ env: {}, embedded: { cacheDir: ${JSON.stringify(cacheDir)} } });
    const scratch = ${script === 'scratch' ? 'await createScratchDatabase(target)' : 'null'};
    process.stdout.write(JSON.stringify({ pid: target.server.pid, port: target.server.port, dataDir: target.server.dataDir, scratch: scratch?.name }) + '\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const info = new Promise<{ pid: number; port: number; dataDir: string; scratch?: string }>(
    (resolve, reject) => {
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!));
      });
      child.stderr.on('data', (chunk) => {
        err += chunk;
      });
      child.on('exit', (code) => reject(new Error(`holder exited with ${code}: ${err}`)));
    },
  );
  const exited = new Promise<string>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
  );
  return { child, info, exited };
}

describe('embedded PostgreSQL', () => {
  it('starts PostgreSQL 18, accepts only password logins, and reuses its data directory', async () => {
    const cacheDir = sharedTempDir('pgwarden-cache');
    const first = await EmbeddedServer.start({ cacheDir });
    let slotInfo: string;
    try {
      expect(first.binaries.major).toBe(18);
      expect(first.dataDir).toBe(join(cacheDir, 'embedded', 'pg18', 'slot-0', 'data'));
      const connection = await Connection.open(first.url);
      const { rows } = await connection.query<{ v: string; listen: string }>(
        `SELECT current_setting('server_version_num') AS v, current_setting('listen_addresses') AS listen`,
      );
      await connection.close();
      expect(Number(rows[0]!.v)).toBeGreaterThanOrEqual(180000);
      expect(rows[0]!.listen).toBe('127.0.0.1');
      const noPassword = new URL(first.url);
      noPassword.password = '';
      await expect(Connection.open(noPassword.toString())).rejects.toThrow(PgwardenError);
      slotInfo = readFileSync(join(first.slotDir, 'slot.json'), 'utf8');
      await connection.close();
      const c2 = await Connection.open(first.url);
      await c2.query('CREATE TABLE kept (id int)');
      await c2.close();
    } finally {
      await first.stop();
    }
    expect(existsSync(join(first.dataDir, 'postmaster.pid'))).toBe(false);

    const second = await EmbeddedServer.start({ cacheDir });
    try {
      expect(second.slotDir).toBe(first.slotDir);
      expect(readFileSync(join(second.slotDir, 'slot.json'), 'utf8')).toBe(slotInfo);
      const connection = await Connection.open(second.url);
      const { rows } = await connection.query(`SELECT to_regclass('kept') IS NOT NULL AS kept`);
      await connection.close();
      expect(rows[0]).toEqual({ kept: true });
    } finally {
      await second.stop();
    }
  });

  it('gives concurrent processes separate slots and ports, without waiting for each other', async () => {
    const cacheDir = sharedTempDir('pgwarden-cache');
    const servers = await Promise.all([0, 1, 2].map(() => EmbeddedServer.start({ cacheDir })));
    try {
      expect(new Set(servers.map((s) => s.slotDir)).size).toBe(3);
      expect(new Set(servers.map((s) => s.port)).size).toBe(3);
      for (const server of servers) {
        const connection = await Connection.open(server.url);
        await connection.query('SELECT 1');
        await connection.close();
      }
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  });

  it('leaves no server behind when its pgwarden process is killed with SIGKILL', async () => {
    const cacheDir = sharedTempDir('pgwarden-cache');
    const holder = startHolder(cacheDir);
    const { pid } = await holder.info;
    expect(isGone(pid)).toBe(false);
    holder.child.kill('SIGKILL');
    expect(await waitUntil(() => isGone(pid), 10_000)).toBe(true);
    // the slot's lock goes stale and the next run takes the slot over cleanly
    const next = await EmbeddedServer.start({ cacheDir });
    await next.stop();
  });

  it('stops the server cleanly on SIGINT and SIGTERM, then ends by that signal', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const cacheDir = sharedTempDir('pgwarden-cache');
      const holder = startHolder(cacheDir, 'scratch');
      const { pid, dataDir, scratch } = await holder.info;
      expect(scratch).toMatch(/^pgwarden_scratch_/);
      holder.child.kill(signal);
      expect(await holder.exited).toBe(signal);
      expect(await waitUntil(() => isGone(pid), 10_000)).toBe(true);
      expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
      const log = readFileSync(join(dataDir, '..', 'postgres.log'), 'utf8');
      expect(log).toMatch(/database system is shut down/);
    }
  });

  it('drops scratch databases a killed run left behind when the slot is next used', async () => {
    const cacheDir = sharedTempDir('pgwarden-cache');
    const first = await EmbeddedServer.start({ cacheDir });
    const admin = await Connection.open(first.url);
    await admin.query('CREATE DATABASE pgwarden_scratch_20200101000000_1_abcdef');
    await admin.close();
    await first.stop();
    const second = await EmbeddedServer.start({ cacheDir });
    try {
      const connection = await Connection.open(second.url);
      const { rows } = await connection.query(
        `SELECT datname FROM pg_database WHERE datname LIKE 'pgwarden_scratch_%'`,
      );
      await connection.close();
      expect(rows).toEqual([]);
    } finally {
      await second.stop();
    }
  });

  it('rebuilds a slot whose first initialisation was interrupted', async () => {
    const cacheDir = sharedTempDir('pgwarden-cache');
    const slot = join(cacheDir, 'embedded', 'pg18', 'slot-0');
    mkdirSync(join(slot, 'data'), { recursive: true });
    const server = await EmbeddedServer.start({ cacheDir });
    try {
      expect(server.slotDir).toBe(slot);
      expect(existsSync(join(slot, 'slot.json'))).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it('refuses a PostgreSQL major it does not support', async () => {
    await expect(
      EmbeddedServer.start({ major: 12, cacheDir: sharedTempDir('pgwarden-cache') }),
    ).rejects.toThrow(/unsupported PostgreSQL major 12/);
  });

  describe.runIf(isRoot())('as root', () => {
    it('runs the server as an unprivileged account', async () => {
      const server = await EmbeddedServer.start({ cacheDir: sharedTempDir('pgwarden-cache') });
      try {
        const user = serviceUser(() => {})!;
        expect(user.uid).not.toBe(0);
        expect(processUser(server.pid!)).toBe(user.name);
      } finally {
        await server.stop();
      }
    });

    it('copies the binaries where that account can read them when the install is closed to it', async () => {
      const closed = sharedTempDir('pgwarden-closed');
      const { chmodSync, cpSync } = await import('node:fs');
      const bundled = await bundledBinaries();
      cpSync(bundled.nativeDir, join(closed, 'inner', 'native'), { recursive: true, verbatimSymlinks: true });
      chmodSync(join(closed, 'inner'), 0o700);
      const cacheDir = sharedTempDir('pgwarden-cache');
      const user = serviceUser(() => {})!;
      const moved = await accessibleTo(
        { ...bundled, nativeDir: join(closed, 'inner', 'native') },
        user,
        cacheDir,
      );
      expect(moved.nativeDir.startsWith(cacheDir)).toBe(true);
      expect(existsSync(join(moved.nativeDir, 'bin', 'postgres'))).toBe(true);
      const again = await accessibleTo(moved, user, cacheDir);
      expect(again.nativeDir).toBe(moved.nativeDir);
    });

    it('refuses an explicit cache folder the server account cannot enter', async () => {
      const closed = sharedTempDir('pgwarden-closed');
      const { chmodSync } = await import('node:fs');
      chmodSync(closed, 0o700);
      await expect(EmbeddedServer.start({ cacheDir: join(closed, 'cache') })).rejects.toThrow(
        /cannot enter the cache folder/,
      );
    });
  });
});
