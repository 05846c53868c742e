import { execFile } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '../../src/db/connection.js';
import { withDatabase } from '../../src/db/url.js';
import { clusterBinariesExist, PG_BIN, startTestCluster, type TestCluster } from './cluster.js';

const run = promisify(execFile);

/** The settings of a well-kept server: what every `security/*` server rule expects. */
export const SECURE_SETTINGS = {
  fsync: true,
  full_page_writes: true,
  log_connections: true,
  password_encryption: 'scram-sha-256',
  shared_preload_libraries: 'pgaudit',
  listen_addresses: '127.0.0.1',
} as const;

export interface SecurityCluster {
  readonly cluster: TestCluster;
  readonly url: string;
  /** A superuser session on a database of the cluster (default postgres); closed by `close()`. */
  admin(database?: string): Promise<Connection>;
  /** Adds lines to pg_hba.conf and reloads. */
  addHba(lines: readonly string[]): Promise<void>;
  /** Undoes ALTER SYSTEM, reloading (or restarting when a setting needs it). */
  resetSystem(): Promise<void>;
  /** Restarts when a changed setting waits for it. */
  applyPending(): Promise<void>;
  close(): Promise<void>;
}

/** Debian's pgaudit for PostgreSQL 15, as .ci/run installs it. */
const PGAUDIT = '/usr/share/postgresql/15/extension/pgaudit.control';

/** Whether the machine can start one: PostgreSQL 15's binaries and pgaudit (.ci/run installs it). */
export function securityClusterAvailable(): boolean {
  return clusterBinariesExist() && existsSync(PGAUDIT);
}

/**
 * A cluster of the test's own with a secure baseline — TLS on (a throwaway certificate), connections logged,
 * pgaudit preloaded, fsync on, listening on the loopback only, pg_hba.conf trusting the loopback only — so that
 * roles and server settings are the test's alone (the shared servers have other tests' roles and run with fsync off).
 */
export async function startSecurityCluster(
  options: { readonly fsync?: boolean } = {},
): Promise<SecurityCluster> {
  if (!securityClusterAvailable())
    throw new Error(
      `a security test cluster needs ${PG_BIN} and pgaudit (${PGAUDIT}): apt-get install postgresql-15-pgaudit (.ci/run does)`,
    );
  // fsync makes every CREATE DATABASE wait for the disk: rule cases, which each audit one rule, may go without it
  const cluster = await startTestCluster({ settings: { ...SECURE_SETTINGS, fsync: options.fsync ?? true } });
  const owner = statSync(cluster.dataDir);
  const key = join(cluster.dataDir, 'server.key');
  const crt = join(cluster.dataDir, 'server.crt');
  await run('openssl', [
    'req',
    '-new',
    '-x509',
    '-days',
    '2',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    key,
    '-out',
    crt,
  ]);
  for (const file of [key, crt]) chownSync(file, owner.uid, owner.gid);
  await run('chmod', ['600', key]);
  cluster.configure({ ssl: true });
  await cluster.reload();
  const sessions: Connection[] = [];
  const admin = async (database = 'postgres') => {
    const connection = await Connection.open(withDatabase(cluster.url, database));
    sessions.push(connection);
    return connection;
  };
  const applyPending = async () => {
    const a = await Connection.open(cluster.url);
    try {
      await a.query('SELECT pg_reload_conf()');
      await new Promise((done) => setTimeout(done, 100));
      const { rows } = await a.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_settings WHERE pending_restart',
      );
      if (rows[0]!.n > 0) {
        await a.close();
        await cluster.restart().catch((error: Error) => {
          const log = readFileSync(cluster.serverLog, 'utf8').split('\n').slice(-8).join('\n');
          throw new Error(`${error.message}\n${log}`);
        });
      }
    } finally {
      await a.close();
    }
  };
  return {
    cluster,
    url: cluster.url,
    admin,
    async addHba(lines) {
      appendFileSync(join(cluster.dataDir, 'pg_hba.conf'), `\n${lines.join('\n')}\n`);
      await cluster.reload();
    },
    async resetSystem() {
      const a = await Connection.open(cluster.url);
      let changed = false;
      try {
        const { rows } = await a.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf'`,
        );
        changed = rows[0]!.n > 0;
        if (changed) await a.query('ALTER SYSTEM RESET ALL');
      } finally {
        await a.close();
      }
      if (changed) await applyPending();
    },
    applyPending,
    async close() {
      for (const s of sessions) await s.close();
      await cluster.destroy();
    },
  };
}
