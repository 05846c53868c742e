import { describe, expect, it } from 'vitest';
import { PgwardenError } from '../../src/core/errors.js';
import { Connection } from '../../src/db/connection.js';
import { classifyStatement, runExplain } from '../../src/explain/run.js';
import { pg15ServiceUrl, useTestDatabase } from '../helpers/db.js';

const SETUP = `CREATE TABLE accounts (id int PRIMARY KEY, balance numeric NOT NULL);
INSERT INTO accounts SELECT g, 100 FROM generate_series(1, 1000) g;
CREATE TABLE audit (note text);
CREATE FUNCTION touch() RETURNS int LANGUAGE sql AS $$ INSERT INTO audit VALUES ('touched') RETURNING 1 $$;
ANALYZE;`;

type PlanJson = [{ Plan: Record<string, unknown>; 'Execution Time'?: number }];

describe('runExplain', () => {
  it("measures planning as every later run pays it, not the new session's catalog reads", async () => {
    await db().exec('CREATE TABLE warm (id int PRIMARY KEY, a int, b text); CREATE INDEX warm_a ON warm (a)');
    // a fresh session: its first planning reads the catalogs (tens of buffers); the measured one must not
    const run = await runExplain(await db().connect(), { sql: 'SELECT * FROM warm WHERE a = 1' });
    const [top] = run.json as {
      Planning?: { 'Shared Hit Blocks'?: number; 'Shared Read Blocks'?: number };
    }[];
    const planningBuffers =
      (top!.Planning?.['Shared Hit Blocks'] ?? 0) + (top!.Planning?.['Shared Read Blocks'] ?? 0);
    expect(planningBuffers).toBeLessThan(5);
  });

  const db = useTestDatabase();

  it('explains a SELECT with ANALYZE and BUFFERS in a READ ONLY transaction', async () => {
    await db().exec(SETUP);
    const run = await runExplain(await db().connect(), { sql: 'SELECT * FROM accounts WHERE balance > 50;' });
    expect(run.statementClass).toBe('read');
    expect(run.analyzed).toBe(true);
    expect(run.options).toBe('ANALYZE, BUFFERS, VERBOSE, SETTINGS, FORMAT JSON');
    const [plan] = run.json as PlanJson;
    expect(plan.Plan['Node Type']).toBe('Seq Scan');
    expect(plan.Plan['Actual Rows']).toBe(1000);
    expect(plan.Plan['Shared Hit Blocks']).toBeGreaterThan(0);
    // a function that writes cannot: a VOLATILE user function is refused before it runs (and the transaction
    // is read only besides)
    await expect(runExplain(await db().connect(), { sql: 'SELECT touch()' })).rejects.toThrow(
      /refused: public\.touch\(\) is VOLATILE/,
    );
    expect(await count('audit')).toBe(0);
  });

  it('runs an UPDATE for real under EXPLAIN ANALYZE and rolls it back: the data is unchanged', async () => {
    await db().exec(SETUP);
    const run = await runExplain(await db().connect(), {
      sql: 'UPDATE accounts SET balance = balance - 10 WHERE id <= 500',
    });
    expect(run.statementClass).toBe('write');
    expect(run.rolledBack).toBe(true);
    expect(run.options).toContain('WAL');
    const [plan] = run.json as PlanJson;
    expect(plan.Plan['Node Type']).toBe('ModifyTable');
    expect(plan.Plan['WAL Records']).toBeGreaterThan(0);
    expect(await sum()).toBe('100000');
  });

  it('treats a SELECT with a writing CTE as a write, and rolls it back', async () => {
    await db().exec(SETUP);
    const run = await runExplain(await db().connect(), {
      sql: 'WITH moved AS (DELETE FROM accounts WHERE id > 900 RETURNING *) SELECT count(*) FROM moved',
    });
    expect(run.statementClass).toBe('write');
    expect(await count('accounts')).toBe(1000);
  });

  it('gives a generic plan for $n parameters without values, and runs with values', async () => {
    await db().exec(SETUP);
    const generic = await runExplain(await db().connect(), { sql: 'SELECT * FROM accounts WHERE id = $1' });
    expect(generic.generic).toBe(true);
    expect(generic.analyzed).toBe(false);
    const connection = await db().connect();
    const withValues = await runExplain(connection, {
      sql: 'SELECT * FROM accounts WHERE id = $1',
      params: ['7'],
    });
    expect(withValues.analyzed).toBe(true);
    expect((withValues.json as PlanJson)[0].Plan['Actual Rows']).toBe(1);
    // the prepared statement does not linger on the session
    expect(
      (await runExplain(connection, { sql: 'SELECT * FROM accounts WHERE id = $1', params: ['8'] })).analyzed,
    ).toBe(true);
    await expect(runExplain(connection, { sql: 'SELECT $1::int + $2::int', params: ['1'] })).rejects.toThrow(
      /2 parameter\(s\) but 1 value/,
    );
  });

  it('--no-analyze plans without running: a DELETE then changes nothing even before the rollback', async () => {
    await db().exec(SETUP);
    const run = await runExplain(await db().connect(), { sql: 'DELETE FROM accounts', analyze: false });
    expect(run.analyzed).toBe(false);
    expect((run.json as PlanJson)[0]['Execution Time']).toBeUndefined();
    expect(await count('accounts')).toBe(1000);
  });

  it('stops a query at the statement timeout', async () => {
    await db().exec(SETUP);
    await expect(
      runExplain(await db().connect(), { sql: 'SELECT pg_sleep(5)', timeoutMs: 200 }),
    ).rejects.toThrow(/statement_timeout/);
  });

  it('refuses what EXPLAIN cannot run, several statements, EXPLAIN itself and invalid SQL, with clear errors', async () => {
    await expect(classifyStatement('DROP TABLE accounts')).rejects.toThrow(
      /DropStmt|Drop statements cannot be explained/,
    );
    await expect(classifyStatement('SELECT 1; SELECT 2')).rejects.toThrow(
      /2 statements: explain one at a time/,
    );
    await expect(classifyStatement('EXPLAIN SELECT 1')).rejects.toThrow(/without EXPLAIN/);
    await expect(classifyStatement('SELEC 1')).rejects.toThrow(PgwardenError);
    await expect(classifyStatement('')).rejects.toThrow(/no SQL statement/);
  });

  async function count(table: string): Promise<number> {
    const c = await db().connect();
    return Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
  }
  async function sum(): Promise<string> {
    const c = await db().connect();
    return (await c.query<{ s: string }>('SELECT sum(balance)::text AS s FROM accounts')).rows[0]!.s;
  }
});

const pg15 = pg15ServiceUrl();
describe.skipIf(!pg15)('runExplain on PostgreSQL 15', () => {
  const db = useTestDatabase(() => pg15!);
  it('asks for parameter values (no generic plans before 16)', async () => {
    await db().exec('CREATE TABLE t (id int)');
    const connection = await Connection.open(db().url);
    try {
      const error = await runExplain(connection, { sql: 'SELECT * FROM t WHERE id = $1' }).catch((e) => e);
      // the message holds in every face (check, MCP); the hint names where each face takes values
      expect(error.message).toMatch(/has 1 parameter\(s\) \(\$1\) and no values for them$/);
      expect(error.hint).toMatch(/pgwarden explain --params.*explain_query/);
      expect(
        (await runExplain(connection, { sql: 'SELECT * FROM t WHERE id = $1', params: ['1'] })).analyzed,
      ).toBe(true);
    } finally {
      await connection.close();
    }
  });
});
