import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from '../../src/db/connection.js';
import { generateSecurity } from '../../src/security/generate.js';
import { createTestDatabase, pg15ServiceUrl, pg18Url, type TestDatabase } from '../helpers/db.js';

const TENANT_A = '00000000-0000-0000-0000-00000000000a';
const TENANT_B = '00000000-0000-0000-0000-00000000000b';

/** The server's answer to a statement run as `role`: 'ok', or the error's SQLSTATE. */
async function as(c: Connection, role: string, sql: string, setting?: string): Promise<string> {
  await c.query('BEGIN');
  try {
    await c.query(`SET LOCAL ROLE ${role}`);
    if (setting !== undefined) await c.query(`SELECT set_config('app.tenant_id', $1, true)`, [setting]);
    await c.query(sql);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await c.query('ROLLBACK');
  }
}

async function rowsAs(c: Connection, role: string, sql: string, setting?: string): Promise<unknown[]> {
  await c.query('BEGIN');
  try {
    await c.query(`SET LOCAL ROLE ${role}`);
    if (setting !== undefined) await c.query(`SELECT set_config('app.tenant_id', $1, true)`, [setting]);
    return (await c.query(sql)).rows;
  } finally {
    await c.query('ROLLBACK');
  }
}

const INSUFFICIENT_PRIVILEGE = '42501';
const READ_ONLY_TRANSACTION = '25006';

const servers: [string, () => string | undefined][] = [
  ['PostgreSQL 18 (embedded)', pg18Url],
  ['PostgreSQL 15 (service)', pg15ServiceUrl],
];

describe.each(servers)('the generated scripts, proven under SET ROLE on %s', (_name, serverUrl) => {
  const suffix = randomBytes(3).toString('hex');
  const owner = `owner_${suffix}`;
  const reader = `reader_${suffix}`;
  const app = `app_${suffix}`;
  let db: TestDatabase;
  let c: Connection;
  const url = serverUrl();

  beforeAll(async () => {
    if (!url) return;
    db = await createTestDatabase(url);
    c = await db.connect();
    await c.query(`CREATE ROLE ${owner} NOLOGIN;
      CREATE SCHEMA shop AUTHORIZATION ${owner};
      SET ROLE ${owner};
      CREATE TABLE shop.items (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text);
      INSERT INTO shop.items (name) VALUES ('one');
      CREATE TABLE shop.invoices (id int PRIMARY KEY, tenant_id uuid NOT NULL, total int);
      INSERT INTO shop.invoices VALUES (1, '${TENANT_A}', 10), (2, '${TENANT_A}', 20), (3, '${TENANT_B}', 30);
      RESET ROLE`);
  });

  afterAll(async () => {
    if (!url) return;
    await c?.query(`DROP SCHEMA shop CASCADE`).catch(() => {});
    await db?.drop();
    // the roles are the cluster's: whatever a failed test left
    const admin = await createTestDatabase(url);
    const a = await admin.connect();
    for (const role of [reader, app, owner]) await a.query(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
    await admin.drop();
  });

  it.skipIf(!url)(
    'readonly-role: reads every table, also one created later, and cannot write or create',
    async () => {
      const script = generateSecurity('readonly-role', { role: reader, schemas: ['shop'], owner });
      await c.query(script.up);
      await c.query(script.up);
      expect(await rowsAs(c, reader, 'SELECT name FROM shop.items')).toEqual([{ name: 'one' }]);
      expect(await as(c, reader, `INSERT INTO shop.items (name) VALUES ('x')`)).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await as(c, reader, `UPDATE shop.items SET name = 'x'`)).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await as(c, reader, `DELETE FROM shop.items`)).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await as(c, reader, `CREATE TABLE shop.mine (id int)`)).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await as(c, reader, `SELECT nextval('shop.items_id_seq')`)).toBe(INSUFFICIENT_PRIVILEGE);
      // a table the owner creates after the grant: default privileges
      await c.query(
        `SET ROLE ${owner}; CREATE TABLE shop.later (id int); INSERT INTO shop.later VALUES (7); RESET ROLE`,
      );
      expect(await rowsAs(c, reader, 'SELECT id FROM shop.later')).toEqual([{ id: 7 }]);
      expect(await as(c, reader, 'INSERT INTO shop.later VALUES (8)')).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await as(c, reader, 'DROP TABLE shop.later')).toBe(INSUFFICIENT_PRIVILEGE);

      await c.query(script.down);
      await c.query(script.down);
      const { rows } = await c.query(
        `SELECT (SELECT count(*)::int FROM pg_roles WHERE rolname = $1) AS roles,
              (SELECT count(*)::int FROM pg_default_acl d, aclexplode(d.defaclacl) a
                WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = $1)) AS defaults`,
        [reader],
      );
      expect(rows[0]).toEqual({ roles: 0, defaults: 0 });
      await c.query('DROP TABLE shop.later');
    },
  );

  it.skipIf(!url)('app-role: reads and writes rows, also of a later table, and cannot run DDL', async () => {
    const script = generateSecurity('app-role', { role: app, schemas: ['shop'], owner });
    await c.query(script.up);
    await c.query(script.up);
    expect(await as(c, app, `INSERT INTO shop.items (name) VALUES ('two')`)).toBe('ok');
    expect(await as(c, app, `UPDATE shop.items SET name = 'uno' WHERE id = 1`)).toBe('ok');
    expect(await as(c, app, `DELETE FROM shop.items WHERE id = 1`)).toBe('ok');
    expect(await as(c, app, `SELECT nextval('shop.items_id_seq')`)).toBe('ok');
    expect(await as(c, app, `CREATE TABLE shop.mine (id int)`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await as(c, app, `ALTER TABLE shop.items ADD COLUMN x int`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await as(c, app, `DROP TABLE shop.items`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await as(c, app, `TRUNCATE shop.items`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await as(c, app, `CREATE INDEX ON shop.items (name)`)).toBe(INSUFFICIENT_PRIVILEGE);
    await c.query(`SET ROLE ${owner}; CREATE TABLE shop.later (id int); RESET ROLE`);
    expect(await as(c, app, 'INSERT INTO shop.later VALUES (1)')).toBe('ok');
    expect(await as(c, app, 'ALTER TABLE shop.later ADD COLUMN y int')).toBe(INSUFFICIENT_PRIVILEGE);
    await c.query('DROP TABLE shop.later');
  });

  it.skipIf(!url)(
    'tenant-isolation: a tenant sees and writes only its rows, the owner too (forced)',
    async () => {
      const script = generateSecurity('tenant-isolation', { tables: ['shop.invoices'] });
      await c.query(script.up);
      await c.query(script.up);
      const ids = async (role: string, tenant?: string) =>
        (await rowsAs(c, role, 'SELECT id FROM shop.invoices ORDER BY id', tenant)).map(
          (r) => (r as { id: number }).id,
        );
      expect(await ids(app, TENANT_A)).toEqual([1, 2]);
      expect(await ids(app, TENANT_B)).toEqual([3]);
      // no tenant set: no row, and no error
      expect(await ids(app)).toEqual([]);
      expect(await as(c, app, `INSERT INTO shop.invoices VALUES (4, '${TENANT_B}', 1)`, TENANT_A)).toBe(
        INSUFFICIENT_PRIVILEGE,
      );
      expect(await as(c, app, `INSERT INTO shop.invoices VALUES (4, '${TENANT_A}', 1)`, TENANT_A)).toBe('ok');
      expect(
        await as(c, app, `UPDATE shop.invoices SET tenant_id = '${TENANT_B}' WHERE id = 1`, TENANT_A),
      ).toBe(INSUFFICIENT_PRIVILEGE);
      // the owner is constrained too: row level security is forced
      expect(await ids(owner)).toEqual([]);
      expect(await ids(owner, TENANT_B)).toEqual([3]);
      const { rows } = await c.query(
        `SELECT c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
                (SELECT count(*)::int FROM pg_policy WHERE polrelid = c.oid) AS policies,
                (SELECT count(*)::int FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                  WHERE i.indrelid = c.oid AND a.attname = 'tenant_id') AS indexes
           FROM pg_class c WHERE c.oid = 'shop.invoices'::regclass`,
      );
      expect(rows[0]).toEqual({ enabled: true, forced: true, policies: 1, indexes: 1 });

      await c.query(script.down);
      await c.query(script.down);
      const after = await c.query(
        `SELECT c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
                (SELECT count(*)::int FROM pg_policy WHERE polrelid = c.oid) AS policies,
                (SELECT count(*)::int FROM pg_index WHERE indrelid = c.oid) AS indexes
           FROM pg_class c WHERE c.oid = 'shop.invoices'::regclass`,
      );
      expect(after.rows[0]).toEqual({ enabled: false, forced: false, policies: 0, indexes: 1 });
      expect(await ids(app)).toEqual([1, 2, 3]);
    },
  );

  it.skipIf(!url)('app-role --down removes the role and what it was granted, twice over', async () => {
    const script = generateSecurity('app-role', { role: app, schemas: ['shop'], owner });
    await c.query(script.down);
    await c.query(script.down);
    const { rows } = await c.query('SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1', [app]);
    expect(rows[0]).toEqual({ n: 0 });
  });

  it.skipIf(!url)(
    'readonly-role --login: its own sessions are read-only, even where a grant would allow a write',
    async () => {
      const script = generateSecurity('readonly-role', {
        role: reader,
        schemas: ['shop'],
        owner,
        login: true,
      });
      await c.query(script.up);
      try {
        await c.query(`ALTER ROLE ${reader} PASSWORD 'reader_pw'; GRANT INSERT ON shop.items TO ${reader}`);
        const login = new URL(db.url);
        login.username = reader;
        login.password = 'reader_pw';
        const session = await Connection.open(login.toString());
        try {
          expect((await session.query('SELECT count(*)::int AS n FROM shop.items')).rows).toEqual([{ n: 1 }]);
          const write = await session
            .query(`INSERT INTO shop.items (name) VALUES ('x')`)
            .then(() => 'ok')
            .catch((error: { code?: string }) => error.code);
          expect(write).toBe(READ_ONLY_TRANSACTION);
        } finally {
          await session.close();
        }
      } finally {
        await c.query(script.down);
      }
    },
  );
});
