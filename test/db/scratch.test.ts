import { describe, expect, it } from 'vitest';
import { PgwardenError } from '../../src/core/errors.js';
import { Connection } from '../../src/db/connection.js';
import {
  applySql,
  createScratchDatabase,
  withScratchDatabase,
  withShadowDatabase,
} from '../../src/db/scratch.js';
import { type DatabaseTarget, deferScratchDrops } from '../../src/db/target.js';
import { withDatabase } from '../../src/db/url.js';
import { pg18Url } from '../helpers/db.js';

function targetFor(url: string): DatabaseTarget {
  return {
    kind: 'url',
    url,
    display: 'test server',
    server: undefined,
    connect: (database) => Connection.open(database ? withDatabase(url, database) : url),
    close: async () => {},
  };
}

async function databaseExists(name: string): Promise<boolean> {
  const admin = await Connection.open(pg18Url());
  try {
    const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rows.length === 1;
  } finally {
    await admin.close();
  }
}

describe('scratch databases', () => {
  it('creates a uniquely named database and drops it afterwards', async () => {
    let name = '';
    const result = await withScratchDatabase(targetFor(pg18Url()), async (scratch) => {
      name = scratch.name;
      expect(name).toMatch(/^pgwarden_scratch_\d{14}_\d+_[0-9a-f]{6}$/);
      expect(await databaseExists(name)).toBe(true);
      const connection = await scratch.connect();
      await connection.query('CREATE TABLE x (id int)');
      return 42;
    });
    expect(result).toBe(42);
    expect(await databaseExists(name)).toBe(false);
  });

  it('drops it even when the work fails, and while sessions are still open', async () => {
    let name = '';
    await expect(
      withScratchDatabase(targetFor(pg18Url()), async (scratch) => {
        name = scratch.name;
        await scratch.connect();
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    expect(await databaseExists(name)).toBe(false);
  });

  it('gives two scratch databases different names', async () => {
    const target = targetFor(pg18Url());
    const [a, b] = await Promise.all([createScratchDatabase(target), createScratchDatabase(target)]);
    expect(a.name).not.toBe(b.name);
    await Promise.all([a.drop(), b.drop()]);
  });

  it('on a target that defers drops, closes the sessions at drop() and drops the databases together at flush()', async () => {
    const { target, drops } = deferScratchDrops(targetFor(pg18Url()));
    const [a, b] = await Promise.all([createScratchDatabase(target), createScratchDatabase(target)]);
    const session = await a.connect();
    await a.drop();
    await b.drop();
    expect(session.closed).toBe(true);
    expect([await databaseExists(a.name), await databaseExists(b.name)]).toEqual([true, true]);
    await drops.flush();
    expect([await databaseExists(a.name), await databaseExists(b.name)]).toEqual([false, false]);
  });
});

describe('applying SQL files', () => {
  it('runs statements one by one like psql, so CONCURRENTLY and explicit transactions work', async () => {
    const sources = [
      {
        file: '001.sql',
        text: 'CREATE TABLE t (id int, v text);\nCREATE INDEX CONCURRENTLY idx_t_v ON t (v);',
      },
      { file: '002.sql', text: "BEGIN;\nINSERT INTO t VALUES (1, 'a');\nCOMMIT;\nVACUUM t;" },
    ];
    const count = await withShadowDatabase(targetFor(pg18Url()), sources, async (_scratch, connection) => {
      const { rows } = await connection.query<{ n: number }>('SELECT count(*)::int AS n FROM t');
      const { rows: indexes } = await connection.query(
        `SELECT indexrelid FROM pg_index WHERE indexrelid = 'idx_t_v'::regclass AND indisvalid`,
      );
      return [rows[0]!.n, indexes.length];
    });
    expect(count).toEqual([1, 1]);
  });

  it('stops at the first failing statement with file, line and column', async () => {
    const sources = [
      {
        file: 'migrations/003.sql',
        text: 'CREATE TABLE t (id int);\n\nINSERT INTO t VALUES (1);\nSELECT nope FROM t;\nSELECT 1;',
      },
    ];
    const error = await withShadowDatabase(targetFor(pg18Url()), sources, async () => 'unreachable').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PgwardenError);
    expect((error as PgwardenError).message).toMatch(
      /^migrations\/003\.sql:4:8: .*column "nope" does not exist/,
    );
  });

  it('refuses a file with a syntax error before running any of it', async () => {
    await withScratchDatabase(targetFor(pg18Url()), async (scratch) => {
      const connection = await scratch.connect();
      await expect(
        applySql(connection, [{ file: 'bad.sql', text: 'CREATE TABLE a (id int);\nCREATE TABLE b (;' }]),
      ).rejects.toThrow(/bad\.sql:2:17: syntax error/);
      const { rows } = await connection.query(`SELECT to_regclass('a') AS a`);
      expect(rows[0]).toEqual({ a: null });
    });
  });
});
