import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, inject } from 'vitest';
import { Connection } from '../../src/db/connection.js';
import { withDatabase } from '../../src/db/url.js';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  /** A new session on the test database (closed when the database is dropped). */
  connect(): Promise<Connection>;
  /** Runs SQL as the superuser on the test database. */
  exec(sql: string): Promise<void>;
  drop(): Promise<void>;
}

/** The run's embedded PostgreSQL 18 (test/helpers/global-setup.ts starts it once for all test files). */
export function pg18Url(): string {
  return inject('pg18Url');
}

/**
 * The run's embedded server of another major (13, 14, 16 or 17), started once by the global setup and shared by
 * every test file; each test still creates its own database on it.
 */
export function useEmbeddedServer(major: number): () => { readonly url: string } {
  return () => {
    const url = inject('embeddedUrls')[String(major)];
    if (!url)
      throw new Error(`the test run has no embedded PostgreSQL ${major} (see test/helpers/global-setup.ts)`);
    return { url };
  };
}

/**
 * The machine's PostgreSQL 15 service (postgres://postgres@127.0.0.1:5432/postgres, or PGWARDEN_TEST_PG15_URL), or
 * undefined when the machine has none: its tests are then skipped, and the global setup has said so once. In CI
 * the global setup fails instead, so there these tests always run.
 */
export function pg15ServiceUrl(): string | undefined {
  return inject('pg15Url') ?? undefined;
}

/**
 * A server the machine's pg_dump can back up, for the guard's tests: the PostgreSQL 15 service, or an embedded
 * server of pg_dump's major. Undefined without pg_dump (the tests are skipped; in CI the run fails).
 */
export function guardServerUrl(): string | undefined {
  return inject('guardUrl') ?? undefined;
}

interface Admin {
  readonly connection: Connection;
  /** How this server creates a database fastest. */
  readonly createOptions: string;
}

/** One superuser session per server and test file, which creates and drops the test databases. */
const admins = new Map<string, Promise<Admin>>();
/** Its statements, one at a time (concurrent tests share the session; node-postgres wants one query at a time). */
let adminQueue: Promise<unknown> = Promise.resolve();

function admin(serverUrl: string): Promise<Admin> {
  let found = admins.get(serverUrl);
  if (!found) {
    found = (async () => {
      const connection = await Connection.open(serverUrl, { applicationName: 'pgwarden-tests' });
      // Without fsync (the embedded servers) copying the template's files is ten times faster than WAL-logging
      // them (PostgreSQL 15+'s default), since the checkpoints it costs are cheap there.
      const { rows } = await connection.query<{ copy: boolean }>(
        `SELECT current_setting('server_version_num')::int >= 150000 AND NOT current_setting('fsync')::bool AS copy`,
      );
      return { connection, createOptions: rows[0]!.copy ? ' STRATEGY = FILE_COPY' : '' };
    })();
    admins.set(serverUrl, found);
    found.catch(() => admins.delete(serverUrl));
  }
  return found;
}

function adminQuery(serverUrl: string, sql: (admin: Admin) => string): Promise<void> {
  const run = adminQueue.then(() => adminQueryNow(serverUrl, sql));
  adminQueue = run.catch(() => {});
  return run;
}

async function adminQueryNow(serverUrl: string, sql: (admin: Admin) => string): Promise<void> {
  const current = await admin(serverUrl);
  try {
    await current.connection.query(sql(current));
  } catch (error) {
    if (!/Connection terminated|not queryable|ECONNRESET|EPIPE/i.test((error as Error).message)) throw error;
    // the session was lost (a server restarted): once more on a new one
    admins.delete(serverUrl);
    await current.connection.close().catch(() => {});
    const again = await admin(serverUrl);
    await again.connection.query(sql(again));
  }
}

/** A fresh database on the given server (default: the run's embedded PostgreSQL 18). */
export async function createTestDatabase(serverUrl: string = pg18Url()): Promise<TestDatabase> {
  const name = `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, ({ createOptions }) => `CREATE DATABASE ${name}${createOptions}`);
  const url = withDatabase(serverUrl, name);
  const open: Connection[] = [];
  let shared: Connection | undefined;
  const connect = async (): Promise<Connection> => {
    const connection = await Connection.open(url);
    open.push(connection);
    return connection;
  };
  return {
    name,
    url,
    connect,
    async exec(sql: string) {
      shared ??= await connect();
      await shared.query(sql);
    },
    async drop() {
      await Promise.all(open.map((c) => c.close()));
      await adminQuery(serverUrl, () => `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** Gives every test of the current suite its own fresh database. */
export function useTestDatabase(serverUrl: () => string = pg18Url): () => TestDatabase {
  let current: TestDatabase | undefined;
  beforeEach(async () => {
    current = await createTestDatabase(serverUrl());
  });
  afterEach(async () => {
    await current?.drop();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('useTestDatabase: no database outside a test');
    return current;
  };
}

/**
 * Every major from 13 to 18 this run has: the embedded 18, 13, 14, 16 and 17, and the PostgreSQL 15 service when
 * the machine has one (for the tests that compare pgwarden's models with each real major).
 */
export function everyMajor(): { major: number; url: () => string }[] {
  const pg15 = pg15ServiceUrl();
  return [
    { major: 18, url: pg18Url },
    ...[13, 14, 16, 17].map((major) => {
      const server = useEmbeddedServer(major);
      return { major, url: () => server().url };
    }),
    ...(pg15 ? [{ major: 15, url: () => pg15 }] : []),
  ];
}
