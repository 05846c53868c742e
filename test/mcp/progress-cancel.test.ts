import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { Connection } from '../../src/db/connection.js';
import { pg18Url, useTestDatabase } from '../helpers/db.js';
import { type ToolResult, useMcpClients } from '../helpers/mcp-client.js';
import { migration, migrationProject } from '../helpers/project.js';

const HEAVY = 'SELECT count(*) FROM generate_series(1, 3000000000) g';

async function backends(database: string): Promise<{ pid: number; state: string; query: string }[]> {
  const admin = await Connection.open(pg18Url());
  try {
    return await admin.rows(
      'test',
      `SELECT pid, state, query FROM pg_stat_activity
        WHERE datname = $1 AND application_name LIKE 'pgwarden%' AND pid <> pg_backend_pid()`,
      [database],
    );
  } finally {
    await admin.close();
  }
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms: number): Promise<T> {
  const end = Date.now() + ms;
  let value = await read();
  while (!ok(value) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

describe('MCP progress notifications and cancellation', () => {
  const db = useTestDatabase();
  const mcp = useMcpClients();

  it('check_project reports its checklist as progress: increasing, out of the number of steps', {
    timeout: 300_000,
  }, async () => {
    const project = migrationProject({
      '20240101000000_orders.sql': migration(
        'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text);',
        'DROP TABLE orders;',
      ),
    });
    const client = await mcp(['--project', project.dir]);
    const seen: Progress[] = [];
    const result = (await client.callTool(
      { name: 'check_project', arguments: { explain: false } },
      undefined,
      {
        timeout: 280_000,
        onprogress: (progress) => seen.push(progress),
      },
    )) as ToolResult;
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const steps = (result.structuredContent as { steps: unknown[] }).steps.length;
    expect(seen.length).toBeGreaterThanOrEqual(steps);
    for (const [i, p] of seen.entries()) {
      expect(p.total).toBe(steps);
      if (i > 0) expect(p.progress).toBeGreaterThan(seen[i - 1]!.progress);
    }
    expect(seen.at(-1)!.progress).toBe(steps);
    expect(seen.map((p) => p.message)).toContain('migration lint with lock trace: done');
  });

  it("explain_query's work on a shadow database is reported as progress", { timeout: 300_000 }, async () => {
    const project = migrationProject({
      '20240101000000_orders.sql': migration(
        'CREATE TABLE orders (id bigint PRIMARY KEY);',
        'DROP TABLE orders;',
      ),
    });
    const client = await mcp(['--project', project.dir]);
    const seen: Progress[] = [];
    const result = (await client.callTool(
      {
        name: 'explain_query',
        arguments: { sql: 'SELECT * FROM orders WHERE id = 1', source: 'migrations' },
      },
      undefined,
      { timeout: 280_000, onprogress: (progress) => seen.push(progress) },
    )) as ToolResult;
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.map((p) => p.progress)).toEqual(seen.map((_, i) => i + 1));
  });

  it('a cancelled call stops its query on the server and releases its connection; the server goes on', {
    timeout: 120_000,
  }, async () => {
    const client = await mcp(['--db', db().url]);
    const controller = new AbortController();
    const call = client.callTool(
      { name: 'explain_query', arguments: { sql: HEAVY, timeout_ms: 300_000 } },
      undefined,
      { timeout: 300_000, signal: controller.signal },
    );
    call.catch(() => {});
    // the query runs on the server
    const running = await until(
      () => backends(db().name),
      (rows) => rows.some((r) => r.state === 'active' && r.query.includes('generate_series(1, 3000000000)')),
      30_000,
    );
    expect(running.some((r) => r.query.includes('generate_series(1, 3000000000)'))).toBe(true);
    const cancelledAt = Date.now();
    controller.abort('the user changed their mind');
    await expect(call).rejects.toThrow();
    // within seconds, not at its 300 s statement_timeout: no backend of pgwarden left on the database
    const after = await until(
      () => backends(db().name),
      (rows) => rows.length === 0,
      10_000,
    );
    expect(after).toEqual([]);
    expect(Date.now() - cancelledAt).toBeLessThan(10_000);

    const next = (await client.callTool({
      name: 'explain_query',
      arguments: { sql: 'SELECT 1 AS one', analyze: false },
    })) as ToolResult;
    expect(next.isError, JSON.stringify(next.content)).toBeFalsy();
  });
});
