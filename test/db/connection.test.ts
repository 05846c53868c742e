import { describe, expect, it } from 'vitest';
import { PgwardenError } from '../../src/core/errors.js';
import { Connection } from '../../src/db/connection.js';
import { serverCapabilities, serverVersion } from '../../src/db/server-info.js';
import { parseDatabaseUrl, withDatabase } from '../../src/db/url.js';
import { pg18Url, useTestDatabase } from '../helpers/db.js';

describe('database URLs', () => {
  it('parses and masks a URL', () => {
    const parsed = parseDatabaseUrl('postgres://app:s3cret-pass@db.internal:6543/shop?sslmode=require');
    expect(parsed).toMatchObject({ host: 'db.internal', port: 6543, database: 'shop', user: 'app' });
    expect(parsed.display).toBe('postgres://app:***@db.internal:6543/shop?sslmode=require');
  });

  it('rejects what is not a PostgreSQL URL, without echoing the password', () => {
    for (const bad of [
      'mysql://u:pw-secret-1@h/d',
      'localhost:5432',
      '',
      'postgres://u:pw-secret-1@h:99999/d',
    ]) {
      try {
        parseDatabaseUrl(bad);
        expect.unreachable(bad);
      } catch (error) {
        expect(error).toBeInstanceOf(PgwardenError);
        expect((error as PgwardenError).code).toBe('usage');
        expect((error as Error).message).not.toContain('pw-secret-1');
      }
    }
  });

  it('switches database and keeps credentials and options', () => {
    expect(withDatabase('postgres://u:p@h:1/a?sslmode=disable', 'b c')).toBe(
      'postgres://u:p@h:1/b%20c?sslmode=disable',
    );
  });
});

describe('connecting', () => {
  const expectConnectError = async (url: string, code: string, pattern: RegExp) => {
    const error = await Connection.open(url, { connectTimeoutMs: 3000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PgwardenError);
    expect((error as PgwardenError).code).toBe(code);
    expect((error as PgwardenError).message).toMatch(pattern);
    expect((error as PgwardenError).hint).toBeTruthy();
    expect(`${(error as Error).message} ${(error as PgwardenError).hint}`).not.toContain(
      'wrong-password-xyz',
    );
  };

  it('explains a refused connection', async () => {
    await expectConnectError(
      'postgres://postgres:wrong-password-xyz@127.0.0.1:1/postgres',
      'connection',
      /connection refused/,
    );
  });

  it('explains a failed login without showing the password', async () => {
    const url = new URL(pg18Url());
    url.password = 'wrong-password-xyz';
    await expectConnectError(url.toString(), 'authentication', /password authentication failed/);
  });

  it('explains a missing database', async () => {
    await expectConnectError(
      withDatabase(pg18Url(), 'no_such_database_here'),
      'database-missing',
      /does not exist/,
    );
  });

  it('explains an unknown host', async () => {
    await expectConnectError(
      'postgres://u:wrong-password-xyz@no-such-host.invalid/db',
      'connection',
      /host not found/,
    );
  });
});

describe('sessions', () => {
  const db = useTestDatabase();

  it('reads in a READ ONLY transaction that cannot write, with timeouts set', async () => {
    const connection = await db().connect();
    await connection.query('CREATE TABLE t (id int)');
    const settings = await connection.readOnly(
      async (c) => {
        const { rows } = await c.query<{ ro: string; st: string; lt: string; iso: string }>(
          `SELECT current_setting('transaction_read_only') AS ro, current_setting('statement_timeout') AS st,
                current_setting('lock_timeout') AS lt, current_setting('transaction_isolation') AS iso`,
        );
        return rows[0]!;
      },
      { statementTimeoutMs: 1234, lockTimeoutMs: 567 },
    );
    expect(settings).toEqual({ ro: 'on', st: '1234ms', lt: '567ms', iso: 'repeatable read' });
    await expect(connection.readOnly((c) => c.query('INSERT INTO t VALUES (1)'))).rejects.toThrow(
      /read-only transaction/,
    );
    const { rows } = await connection.query('SELECT count(*)::int AS n FROM t');
    expect(rows[0]).toEqual({ n: 0 });
    // the session is usable again and back to its defaults
    const after = await connection.query<{ st: string }>(`SELECT current_setting('statement_timeout') AS st`);
    expect(after.rows[0]!.st).toBe('0');
  });

  it('cancels a read that runs past its statement timeout', async () => {
    const connection = await db().connect();
    await expect(
      connection.readOnly((c) => c.rows('sleeping', 'SELECT pg_sleep(5)'), { statementTimeoutMs: 100 }),
    ).rejects.toThrow(/statement_timeout/);
  });

  it('commits a transaction, rolls back on error, and always rolls back when asked', async () => {
    const connection = await db().connect();
    await connection.query('CREATE TABLE t (id int PRIMARY KEY)');
    await connection.transaction((c) => c.query('INSERT INTO t VALUES (1)'));
    await expect(
      connection.transaction(async (c) => {
        await c.query('INSERT INTO t VALUES (2)');
        await c.query('INSERT INTO t VALUES (1)');
      }),
    ).rejects.toThrow(/duplicate key/);
    await connection.transaction((c) => c.query('INSERT INTO t VALUES (3)'), { rollback: true });
    const { rows } = await connection.query<{ id: number }>('SELECT id FROM t ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual([1]);
  });

  it('reports the server version and what the role may do', async () => {
    const connection = await db().connect();
    expect(await serverVersion(connection)).toMatchObject({ major: 18 });
    const caps = await serverCapabilities(connection);
    expect(caps.superuser).toBe(true);
    expect([...caps.privileges].sort()).toEqual([
      'pg_monitor',
      'pg_read_all_settings',
      'pg_read_all_stats',
      'superuser',
    ]);
    expect(caps.installedExtensions.map((e) => e.name)).toContain('plpgsql');
    expect(caps.availableExtensions.map((e) => e.name)).toEqual(
      expect.arrayContaining(['pg_stat_statements', 'pg_trgm']),
    );
    expect(caps.settings.shared_preload_libraries?.setting).toContain('pg_stat_statements');
    expect(caps.pgStatStatements).toBe(false);
    await connection.query('CREATE EXTENSION pg_stat_statements');
    expect((await serverCapabilities(connection)).pgStatStatements).toBe(true);
  });

  it('sees an unprivileged role for what it is', async () => {
    const admin = await db().connect();
    const role = `reader_${db().name}`;
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'reader-pass-1'`);
    try {
      const url = new URL(db().url);
      url.username = role;
      url.password = 'reader-pass-1';
      const reader = await Connection.open(url.toString());
      try {
        const caps = await serverCapabilities(reader);
        expect(caps.superuser).toBe(false);
        expect(caps.privileges.size).toBe(0);
      } finally {
        await reader.close();
      }
      await admin.query(`GRANT pg_monitor TO ${role}`);
      const monitor = await Connection.open(url.toString());
      try {
        expect([...(await serverCapabilities(monitor)).privileges].sort()).toEqual([
          'pg_monitor',
          'pg_read_all_settings',
          'pg_read_all_stats',
        ]);
      } finally {
        await monitor.close();
      }
    } finally {
      await admin.query(`DROP ROLE ${role}`);
    }
  });
});

describe('TLS settings in URLs', () => {
  it('follows libpq: sslmode=disable connects in clear, sslmode=require fails clearly on a server without TLS', async () => {
    const url = new URL(pg18Url());
    url.searchParams.set('sslmode', 'disable');
    const connection = await Connection.open(url.toString());
    await connection.close();
    url.searchParams.set('sslmode', 'require');
    const error = await Connection.open(url.toString()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PgwardenError);
    expect((error as PgwardenError).message).toMatch(/SSL/);
  });
});
