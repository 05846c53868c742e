import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Connection } from '../../src/db/connection.js';
import type { BackupManifest } from '../../src/guard/backup.js';
import { createTestDatabase, guardServerUrl, useTestDatabase } from '../helpers/db.js';
import { callTool as call, useMcpClients } from '../helpers/mcp-client.js';
import { migration, migrationProject } from '../helpers/project.js';

const run = promisify(execFile);
// a server the machine's pg_dump can back up: the PostgreSQL 15 service, or an embedded server of pg_dump's major
const server = guardServerUrl();

interface Plan {
  planId: string;
  planHash: string;
  guardBackups: boolean;
  migrations: {
    destructive: {
      action: string;
      backup: { tables: string[]; schemas: string[]; wholeDatabase?: boolean };
    }[];
  }[];
}

const ORDERS = `CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(10,2) NOT NULL, note text);
INSERT INTO orders VALUES (1, 10.25, 'first'), (2, 20.50, 'second'), (3, 30.75, NULL);`;
const LINES = `CREATE TABLE order_lines (id int PRIMARY KEY, order_id bigint REFERENCES orders ON DELETE CASCADE, sku text);
INSERT INTO order_lines VALUES (1, 1, 'x'), (2, 1, 'y'), (3, 2, 'z');`;
const ROWS = 'SELECT id::int, total::text, note FROM orders ORDER BY id';
const ORIGINAL = [
  { id: 1, total: '10.25', note: 'first' },
  { id: 2, total: '20.50', note: 'second' },
  { id: 3, total: '30.75', note: null },
];

interface Pattern {
  readonly name: string;
  readonly setup: string;
  readonly statement: string;
  /** What the plan says the guard backs up (null: the whole database, the statement cannot be resolved). */
  readonly planned: string[] | null;
  /** Proof the statement ran, and what the backup must give back once restored. */
  readonly after: string;
  readonly afterExpected: unknown[];
  readonly check: string;
  readonly expected: unknown[];
}

/** Every destructive pattern the guard knows (src/guard/plan.ts), as a migration applied through MCP. */
const patterns: Pattern[] = [
  {
    name: 'DROP TABLE',
    setup: ORDERS,
    statement: 'DROP TABLE orders;',
    planned: ['public.orders'],
    after: "SELECT to_regclass('orders') IS NULL AS gone",
    afterExpected: [{ gone: true }],
    check: ROWS,
    expected: ORIGINAL,
  },
  {
    name: 'DROP TABLE x; CREATE TABLE x (…): a redefinition',
    setup: ORDERS,
    statement: 'DROP TABLE orders;\nCREATE TABLE orders (id bigint PRIMARY KEY, total integer NOT NULL);',
    planned: ['public.orders'],
    after: 'SELECT count(*)::int AS n FROM orders',
    afterExpected: [{ n: 0 }],
    check: ROWS,
    expected: ORIGINAL,
  },
  {
    name: 'DROP COLUMN',
    setup: ORDERS,
    statement: 'ALTER TABLE orders DROP COLUMN note;',
    planned: ['public.orders'],
    after:
      "SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'note'",
    afterExpected: [{ n: 0 }],
    check: ROWS,
    expected: ORIGINAL,
  },
  {
    name: 'ALTER COLUMN TYPE narrowing (numeric(10,2) → integer)',
    setup: ORDERS,
    statement: 'ALTER TABLE orders ALTER COLUMN total TYPE integer;',
    planned: ['public.orders'],
    after: 'SELECT total::text FROM orders WHERE id = 1',
    afterExpected: [{ total: '10' }],
    check: ROWS,
    expected: ORIGINAL,
  },
  {
    name: 'TRUNCATE … CASCADE',
    setup: `${ORDERS}\n${LINES}`,
    statement: 'TRUNCATE orders CASCADE;',
    planned: ['public.orders'],
    after: 'SELECT (SELECT count(*) FROM order_lines)::int AS lines',
    afterExpected: [{ lines: 0 }],
    check:
      'SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM order_lines)::int AS lines',
    expected: [{ orders: 3, lines: 3 }],
  },
  {
    name: 'DELETE without WHERE (and its ON DELETE CASCADE)',
    setup: `${ORDERS}\n${LINES}`,
    statement: 'DELETE FROM orders;',
    planned: ['public.orders'],
    after:
      'SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM order_lines)::int AS lines',
    afterExpected: [{ orders: 0, lines: 0 }],
    check:
      'SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM order_lines)::int AS lines',
    expected: [{ orders: 3, lines: 3 }],
  },
  {
    name: 'UPDATE without WHERE',
    setup: ORDERS,
    statement: "UPDATE orders SET note = 'overwritten';",
    planned: ['public.orders'],
    after: "SELECT count(*)::int AS n FROM orders WHERE note = 'overwritten'",
    afterExpected: [{ n: 3 }],
    check: ROWS,
    expected: ORIGINAL,
  },
  {
    name: 'MERGE … WHEN MATCHED THEN DELETE',
    setup: ORDERS,
    statement: 'MERGE INTO orders o USING (SELECT 1 AS id) s ON true WHEN MATCHED THEN DELETE;',
    planned: ['public.orders'],
    after: 'SELECT count(*)::int AS n FROM orders',
    afterExpected: [{ n: 0 }],
    check: ROWS,
    expected: ORIGINAL,
  },
  {
    name: 'DROP SCHEMA … CASCADE',
    setup: `CREATE SCHEMA archive; CREATE TABLE archive.orders AS SELECT 1 AS id, 'kept'::text AS what;`,
    statement: 'DROP SCHEMA archive CASCADE;',
    planned: ['archive'],
    after: "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'archive'",
    afterExpected: [{ n: 0 }],
    check: 'SELECT id, what FROM archive.orders',
    expected: [{ id: 1, what: 'kept' }],
  },
  {
    name: 'dynamic SQL in a DO block (cannot be resolved: the whole database is backed up)',
    setup: ORDERS,
    statement: "DO $$ BEGIN EXECUTE 'DROP TABLE ' || 'orders'; END $$;",
    planned: null,
    after: "SELECT to_regclass('orders') IS NULL AS gone",
    afterExpected: [{ gone: true }],
    check: ROWS,
    expected: ORIGINAL,
  },
];

describe.skipIf(!server)('MCP apply_migrations behind the guard: a verified backup that restores', () => {
  const db = useTestDatabase(() => server!);
  const mcp = useMcpClients();
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function query(sql: string, url = db().url): Promise<unknown[]> {
    const connection = await Connection.open(url);
    try {
      return (await connection.query(sql)).rows;
    } finally {
      await connection.close();
    }
  }

  async function planned(client: Client): Promise<Plan> {
    const result = await call(client, 'plan_migrations');
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    return result.structuredContent as unknown as Plan;
  }

  for (const pattern of patterns) {
    it(`${pattern.name}: planned, applied after a verified backup, restored`, async () => {
      await db().exec(pattern.setup);
      const project = migrationProject({ '20240101000000_destroy.sql': migration(pattern.statement) });
      const client = await mcp(['--db', db().url, '--project', project.dir, '--allow-writes']);
      const plan = await planned(client);
      expect(plan.guardBackups).toBe(true);
      const destructive = plan.migrations[0]!.destructive;
      expect(destructive.length).toBeGreaterThan(0);
      if (pattern.planned === null) expect(destructive.some((d) => d.backup.wholeDatabase)).toBe(true);
      else
        for (const table of pattern.planned)
          expect(destructive.flatMap((d) => [...d.backup.tables, ...d.backup.schemas])).toContain(table);

      const applied = await call(client, 'apply_migrations', {
        plan_id: plan.planId,
        approval: plan.planHash,
      });
      expect(applied.isError, JSON.stringify(applied.content)).toBeFalsy();
      expect(await query(pattern.after)).toEqual(pattern.afterExpected);
      const manifest = (applied.structuredContent as { runs: { backup: BackupManifest | null }[] }).runs[0]!
        .backup!;
      expect(manifest).not.toBeNull();
      // verified: pg_restore read every row back, and the file is the one the manifest describes
      expect(manifest.verified).not.toBeNull();
      expect(manifest.file!.startsWith(join(project.dir, '.pgwarden', 'backups'))).toBe(true);
      expect(manifest.sha256).toBe(createHash('sha256').update(readFileSync(manifest.file!)).digest('hex'));
      if (pattern.planned === null) expect(manifest.conservative).not.toBeNull();

      const restored = await createTestDatabase(server!);
      cleanups.push(() => restored.drop());
      await run('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${restored.url}`, manifest.file!]);
      expect(await query(pattern.check, restored.url)).toEqual(pattern.expected);
    });
  }

  it('refuses when no backup is possible (no pg_dump; DROP DATABASE): nothing is applied', async () => {
    await db().exec(ORDERS);
    const project = migrationProject({ '20240101000000_destroy.sql': migration('DROP TABLE orders;') });
    const noDump = await mcp(['--db', db().url, '--project', project.dir, '--allow-writes'], {
      env: { PGWARDEN_PG_DUMP: '/nonexistent/pg_dump' },
    });
    const plan = await planned(noDump);
    const refused = await call(noDump, 'apply_migrations', { plan_id: plan.planId, approval: plan.planHash });
    expect(refused.isError).toBe(true);
    expect(refused.content.map((c) => c.text).join('\n')).toMatch(/the guard needs pg_dump/);
    expect(await query(ROWS)).toEqual(ORIGINAL);
    expect(
      await query(
        "SELECT to_regclass('pgwarden.migrations') IS NULL OR (SELECT count(*) FROM pgwarden.migrations) = 0 AS none",
      ),
    ).toEqual([{ none: true }]);

    // a database no backup of this one covers: refused by the guard, whatever pg_dump can do
    const other = await createTestDatabase(server!);
    cleanups.push(() => other.drop());
    project.write(
      '20240101000000_destroy.sql',
      `-- pgwarden:no-transaction\n${migration(`DROP DATABASE ${other.name};`)}`,
    );
    const client = await mcp(['--db', db().url, '--project', project.dir, '--allow-writes']);
    const dropDb = await planned(client);
    const refusedDb = await call(client, 'apply_migrations', {
      plan_id: dropDb.planId,
      approval: dropDb.planHash,
    });
    expect(refusedDb.isError).toBe(true);
    expect(refusedDb.content.map((c) => c.text).join('\n')).toMatch(/no backup of this database covers it/);
    expect(await query('SELECT 1 AS still', other.url)).toEqual([{ still: 1 }]);
  });
});
