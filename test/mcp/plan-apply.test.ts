import { createServer, type Server, Socket } from 'node:net';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Connection } from '../../src/db/connection.js';
import { databaseIdentity } from '../../src/db/server-info.js';
import { openTarget } from '../../src/db/target.js';
import { readMigrations } from '../../src/migrate/files.js';
import { migrationChecksum } from '../../src/migrate/history.js';
import { migrateUp, StalePlanError } from '../../src/migrate/runner.js';
import { createTestDatabase, pg15ServiceUrl, useTestDatabase } from '../helpers/db.js';
import { callTool as call, refusalOf as refusal, useMcpClients } from '../helpers/mcp-client.js';
import { migration, migrationProject } from '../helpers/project.js';

interface Plan {
  planId: string;
  planHash: string;
  target: { systemIdentifier: string | null; database: string; databaseOid: number; server: string };
  migrations: { version: string }[];
}

async function plan(client: Client): Promise<Plan> {
  const result = await call(client, 'plan_migrations');
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  return result.structuredContent as unknown as Plan;
}

const TWO = {
  '20240101000000_orders.sql': migration(
    'CREATE TABLE orders (id bigint PRIMARY KEY);',
    'DROP TABLE orders;',
  ),
  '20240102000000_items.sql': migration('CREATE TABLE items (id bigint PRIMARY KEY);', 'DROP TABLE items;'),
};

async function tables(url: string): Promise<string[]> {
  const connection = await Connection.open(url);
  try {
    const rows = await connection.rows<{ name: string }>(
      'test',
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    );
    return rows.map((r) => r.name);
  } finally {
    await connection.close();
  }
}

/** A TCP proxy in front of a PostgreSQL server whose upstream can be switched: a DNS change or a failover. */
async function switchableProxy(upstreamPort: number) {
  let port = upstreamPort;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    sockets.add(client).add(upstream);
    upstream.connect(port, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: (server.address() as { port: number }).port,
    switchTo(next: number) {
      port = next;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}

describe('MCP plan → approve → apply: the approval is the plan hash, once; any change refuses', () => {
  const db = useTestDatabase();
  const mcp = useMcpClients();
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('the plan has an id, a hash and the target identity; a wrong or reused approval applies nothing', async () => {
    const project = migrationProject(TWO);
    const client = await mcp(['--db', db().url, '--project', project.dir, '--allow-writes']);
    const first = await plan(client);
    expect(first.planHash).toMatch(/^[0-9a-f]{64}$/);
    const connection = await db().connect();
    expect(first.target).toMatchObject(await databaseIdentity(connection));
    expect(first.target.systemIdentifier).toMatch(/^\d+$/);
    const second = await plan(client);
    // each plan has its own hash: the approval of one is not the approval of another
    expect(second.planHash).not.toBe(first.planHash);

    expect(
      refusal(await call(client, 'apply_migrations', { plan_id: first.planId, approval: 'yes' })),
    ).toMatchObject({
      code: 'approval-mismatch',
      message: expect.stringContaining('nothing was applied'),
    });
    expect(
      refusal(await call(client, 'apply_migrations', { plan_id: first.planId, approval: second.planHash }))
        .code,
    ).toBe('approval-mismatch');
    // an approval with one character changed
    const flipped = (first.planHash[0] === 'a' ? 'b' : 'a') + first.planHash.slice(1);
    expect(
      refusal(await call(client, 'apply_migrations', { plan_id: first.planId, approval: flipped })).code,
    ).toBe('approval-mismatch');
    // without an approval the call does not reach the tool
    const missing = await call(client, 'apply_migrations', { plan_id: first.planId });
    expect(missing.isError).toBe(true);
    expect(await tables(db().url)).toEqual([]);

    const applied = await call(client, 'apply_migrations', {
      plan_id: first.planId,
      approval: first.planHash,
    });
    expect(applied.isError, JSON.stringify(applied.content)).toBeFalsy();
    expect(applied.structuredContent).toMatchObject({ applied: ['20240101000000', '20240102000000'] });
    // the approval is used: the same again, and the other plan (its migrations are applied now), refuse
    expect(
      refusal(await call(client, 'apply_migrations', { plan_id: first.planId, approval: first.planHash }))
        .code,
    ).toBe('plan-used');
    expect(
      refusal(await call(client, 'apply_migrations', { plan_id: second.planId, approval: second.planHash })),
    ).toMatchObject({ code: 'plan-stale', message: expect.stringMatching(/pending now none/) });
  });

  it('an edited file or a migration applied by someone else since the plan refuses', async () => {
    const project = migrationProject(TWO);
    const client = await mcp(['--db', db().url, '--project', project.dir, '--allow-writes']);
    const edited = await plan(client);
    project.write(
      '20240102000000_items.sql',
      migration('CREATE TABLE items (id bigint PRIMARY KEY, x int);', 'DROP TABLE items;'),
    );
    expect(
      refusal(await call(client, 'apply_migrations', { plan_id: edited.planId, approval: edited.planHash })),
    ).toMatchObject({ code: 'plan-stale', message: expect.stringContaining('20240102000000 changed') });

    const raced = await plan(client);
    // another runner applies the first migration between plan and apply
    const target = await openTarget({ db: db().url });
    try {
      await migrateUp(
        { target, config: project.config, dir: `${project.dir}/migrations` },
        { to: '20240101000000' },
      );
    } finally {
      await target.close();
    }
    expect(
      refusal(await call(client, 'apply_migrations', { plan_id: raced.planId, approval: raced.planHash })),
    ).toMatchObject({
      code: 'plan-stale',
      message: expect.stringContaining('pending now 20240102000000, planned 20240101000000, 20240102000000'),
    });
    expect(await tables(db().url)).toEqual(['orders']);
  });

  it('another database of the same name (dropped and created again) refuses', async () => {
    const project = migrationProject(TWO);
    const client = await mcp(['--db', db().url, '--project', project.dir, '--allow-writes']);
    const before = await plan(client);
    const admin = await Connection.open(new URL('/postgres', db().url).toString());
    try {
      await admin.query(`DROP DATABASE ${db().name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${db().name}`);
    } finally {
      await admin.close();
    }
    expect(
      refusal(await call(client, 'apply_migrations', { plan_id: before.planId, approval: before.planHash })),
    ).toMatchObject({
      code: 'plan-stale',
      message: expect.stringMatching(/made on another database .*databaseOid \d+ → \d+/),
    });
    expect(await tables(db().url)).toEqual([]);
  });

  it.skipIf(!pg15ServiceUrl())(
    'another server behind the same address (a failover, a DNS change) refuses',
    async () => {
      const project = migrationProject(TWO);
      const pg18 = new URL(db().url);
      const proxy = await switchableProxy(Number(pg18.port));
      cleanups.push(proxy.close);
      // the same database name on the other server
      const other = await createTestDatabase(pg15ServiceUrl()!);
      cleanups.push(other.drop);
      const viaProxy = (url: string) => {
        const u = new URL(url);
        u.host = `127.0.0.1:${proxy.port}`;
        u.pathname = `/${other.name}`;
        return u.toString();
      };
      // the proxy leads to the PostgreSQL 18 server first, where a database of the same name is created
      const twin = await Connection.open(new URL('/postgres', db().url).toString());
      await twin.query(`CREATE DATABASE ${other.name}`);
      cleanups.push(async () => {
        await twin.query(`DROP DATABASE IF EXISTS ${other.name} WITH (FORCE)`);
        await twin.close();
      });
      const url18 = viaProxy(db().url);
      const client = await mcp(['--db', url18, '--project', project.dir, '--allow-writes']);
      const planned = await plan(client);
      expect(planned.target.database).toBe(other.name);

      // the same URL now reaches the PostgreSQL 15 service (its own user and password)
      const pg15 = new URL(pg15ServiceUrl()!);
      proxy.switchTo(Number(pg15.port));
      const refused = refusal(
        await call(client, 'apply_migrations', { plan_id: planned.planId, approval: planned.planHash }),
      );
      expect(refused).toMatchObject({
        code: 'plan-stale',
        message: expect.stringMatching(
          /made on another database than the one connected now: systemIdentifier \d+ → \d+.*server 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+/,
        ),
      });
      expect(await tables(other.url)).toEqual([]);
    },
  );

  it('the runner checks the database identity under the migration lock', async () => {
    const project = migrationProject(TWO);
    const files = await readMigrations(`${project.dir}/migrations`);
    const checksums = Object.fromEntries(files.map((m) => [m.version, migrationChecksum(m)]));
    const connection = await db().connect();
    const identity = await databaseIdentity(connection);
    const target = await openTarget({ db: db().url });
    try {
      const run = (database: typeof identity) =>
        migrateUp(
          { target, config: project.config, dir: `${project.dir}/migrations` },
          { expect: { versions: ['20240101000000', '20240102000000'], checksums, database } },
        );
      const elsewhere = { ...identity, systemIdentifier: '1', databaseOid: identity.databaseOid + 1 };
      const error = await run(elsewhere).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StalePlanError);
      expect((error as StalePlanError).message).toMatch(
        /another database: systemIdentifier 1 → \d+, databaseOid \d+ → \d+/,
      );
      expect(await tables(db().url)).toEqual([]);
      expect((await run(identity)).runs.map((r) => r.version)).toEqual(['20240101000000', '20240102000000']);
    } finally {
      await target.close();
    }
  });
});
