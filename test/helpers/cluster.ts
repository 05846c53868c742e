import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serviceUser } from '../../src/db/embedded/service-user.js';

const run = promisify(execFile);

/** The machine's PostgreSQL binaries a test cluster is made from (PGWARDEN_TEST_PG_BIN overrides). */
export const PG_BIN = process.env.PGWARDEN_TEST_PG_BIN?.trim() || '/usr/lib/postgresql/15/bin';

export interface TestCluster {
  /** The cluster's data directory (owned by the account the server runs as). */
  readonly dataDir: string;
  /** A folder beside the data directory for the test's own files (archives, logs, repositories), same owner. */
  readonly workDir: string;
  readonly port: number;
  /** Superuser URL of its `postgres` database. */
  readonly url: string;
  /** The account the server runs as: `postgres` when the tests run as root, else the current user. */
  readonly osUser: string;
  /** Runs one of the cluster's binaries (pg_ctl, psql, pgbench…) as the server's account. */
  exec(binary: string, args: readonly string[]): Promise<{ stdout: string; stderr: string }>;
  /** Adds settings to postgresql.conf (taking effect at the next restart or reload). */
  configure(settings: Readonly<Record<string, string | number | boolean>>): void;
  restart(): Promise<void>;
  reload(): Promise<void>;
  /** The server's own log file (stderr of pg_ctl's logger), for tests that read what the server logged. */
  readonly serverLog: string;
  /** Stops the server and removes every file of the cluster. */
  destroy(): Promise<void>;
}

export interface TestClusterOptions {
  /** Lines for postgresql.conf, set before the first start (shared_preload_libraries, archive_mode…). */
  readonly settings?: Readonly<Record<string, string | number | boolean>>;
  readonly initdbArgs?: readonly string[];
}

/** Whether the machine has the binaries a test cluster needs. */
export function clusterBinariesExist(): boolean {
  return existsSync(join(PG_BIN, 'initdb')) && existsSync(join(PG_BIN, 'pg_ctl'));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function settingLine(name: string, value: string | number | boolean): string {
  if (typeof value === 'number' || typeof value === 'boolean') return `${name} = ${String(value)}`;
  return `${name} = '${value.replace(/'/g, "''")}'`;
}

/**
 * A PostgreSQL cluster of the test's own, made with the machine's initdb in a temp folder and started on a free
 * port: for tests that need server settings the shared servers cannot have (preload libraries, archiving, logging).
 * Under root it runs as the `postgres` account, as PostgreSQL requires.
 */
export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const user = serviceUser(() => {});
  const base = mkdtempSync(join(tmpdir(), 'pgwarden-cluster-'));
  const dataDir = join(base, 'data');
  const workDir = join(base, 'work');
  const serverLog = join(base, 'server.log');
  if (user) chownSync(base, user.uid, user.gid);
  const exec = async (binary: string, args: readonly string[]) => {
    const { stdout, stderr } = await run(join(PG_BIN, binary), [...args], {
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
      cwd: base,
      env: { ...process.env, PGHOST: '127.0.0.1', LC_ALL: 'C.UTF-8' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { stdout, stderr };
  };
  await exec('initdb', [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--no-sync',
    ...(options.initdbArgs ?? []),
  ]);
  await run('mkdir', ['-p', workDir]);
  if (user) chownSync(workDir, user.uid, user.gid);
  const port = await freePort();
  const confPath = join(dataDir, 'postgresql.conf');
  const configure = (settings: Readonly<Record<string, string | number | boolean>>) => {
    const lines = Object.entries(settings).map(([name, value]) => settingLine(name, value));
    writeFileSync(confPath, `${readFileSync(confPath, 'utf8')}\n${lines.join('\n')}\n`);
  };
  configure({
    port,
    listen_addresses: '127.0.0.1',
    unix_socket_directories: base,
    fsync: false,
    ...options.settings,
  });
  const start = () => exec('pg_ctl', ['-D', dataDir, '-l', serverLog, '-w', '-t', '60', 'start']);
  await start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    dataDir,
    workDir,
    port,
    url,
    osUser: user?.name ?? (process.env.USER || 'postgres'),
    exec,
    configure,
    serverLog,
    async restart() {
      await exec('pg_ctl', ['-D', dataDir, '-l', serverLog, '-w', '-t', '60', '-m', 'fast', 'restart']);
    },
    async reload() {
      await exec('pg_ctl', ['-D', dataDir, 'reload']);
    },
    async destroy() {
      try {
        await exec('pg_ctl', ['-D', dataDir, '-w', '-t', '60', '-m', 'immediate', 'stop']);
      } catch {
        // already stopped
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
}
