/**
 * What an agent gives is confined and bounded: paths stay inside the project after resolving symlinks, a huge
 * identifier or an out-of-range timeout is a quick clear error (the server stays responsive), a huge result is cut.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bounded, MAX_RESULT_CHARS } from '../../src/mcp/results.js';
import { useTestDatabase } from '../helpers/db.js';
import { useMcpClients } from '../helpers/mcp-client.js';
import { migration, migrationProject } from '../helpers/project.js';

interface ToolResult {
  readonly isError?: boolean;
  readonly content: { type: string; text?: string }[];
}

const mcp = useMcpClients();

async function start(url: string, project: string) {
  const client = await mcp(['--db', url, '--project', project], { name: 'pgwarden-limits' });
  return (name: string, args: Record<string, unknown>) =>
    client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 }) as Promise<ToolResult>;
}

const errorOf = (result: ToolResult) => {
  expect(result.isError).toBe(true);
  const last = result.content.at(-1)?.text ?? '';
  return (JSON.parse(last) as { error: { code: string; message: string } }).error;
};

describe('pgwarden mcp: confined and bounded', () => {
  const db = useTestDatabase();

  it('refuses paths outside the project, after resolving symlinks; paths inside still work', async () => {
    const project = migrationProject({
      '20240101000000_t.sql': migration('CREATE TABLE t (id bigint PRIMARY KEY);', 'DROP TABLE t;'),
    });
    symlinkSync('/etc/passwd', join(project.dir, 'migrations', 'escape.sql'));
    symlinkSync('/etc', join(project.dir, 'etc'));
    const call = await start(db().url, project.dir);
    const outside = [
      ['lint_migration', { paths: ['/etc/shadow'] }],
      ['lint_migration', { paths: ['../../etc/passwd'] }],
      ['lint_migration', { paths: ['migrations/escape.sql'] }],
      ['lint_migration', { paths: ['etc/passwd'] }],
      ['review_schema', { files: ['/etc/passwd'] }],
      ['explain_query', { sql: 'SELECT 1', source: 'migrations', seed: '../../etc/passwd' }],
      ['inspect_table', { files: ['etc/hosts'] }],
      ['migration_status', { dir: '../..' }],
    ] as const;
    for (const [tool, args] of outside) {
      const error = errorOf(await call(tool, args));
      expect(error.message, `${tool} ${JSON.stringify(args)}`).toMatch(/outside the project folder/);
    }
    const inside = await call('lint_migration', { paths: ['migrations/20240101000000_t.sql'] });
    expect(inside.isError).toBeFalsy();
  }, 300_000);

  it('a huge name or an out-of-range timeout is a quick clear error, and the server answers the next call', async () => {
    const project = migrationProject({});
    await db().exec('CREATE TABLE t (id bigint PRIMARY KEY)');
    const call = await start(db().url, project.dir);
    const started = Date.now();
    const huge = await call('inspect_table', { table: 'x'.repeat(2_000_000) });
    expect(huge.isError).toBe(true);
    expect(Date.now() - started).toBeLessThan(20_000);
    // a 12 MB message (over the SDK's default 10 MB read buffer, which closed the server silently) is an error
    const big = await call('explain_query', { sql: `SELECT '${'y'.repeat(12_000_000)}'` });
    expect(big.isError).toBe(true);
    const timeout = errorOf(await call('explain_query', { sql: 'SELECT 1', timeout_ms: 86_400_000 }));
    expect(timeout).toMatchObject({ code: 'usage', message: expect.stringMatching(/out of range/) });
    const lock = errorOf(await call('explain_query', { sql: 'SELECT 1', lock_timeout_ms: 700_000 }));
    expect(lock.code).toBe('usage');
    const sleep = errorOf(await call('explain_query', { sql: 'SELECT pg_sleep(5)', timeout_ms: 200 }));
    expect(sleep.code).toBe('timeout');
    // connected as a superuser: the agent is told the role could escape, and which role to use instead
    const warned = await call('explain_query', { sql: 'SELECT 1' });
    expect(warned.isError).toBeFalsy();
    expect(warned.content[0]?.text).toMatch(
      /could escape a read-only session \(SUPERUSER[\s\S]*pg_read_all_data/,
    );
    const table = await call('inspect_table', { table: 't' });
    expect(table.isError).toBeFalsy();
  }, 300_000);

  it('cuts a huge structured result to its bound, saying what was cut', () => {
    const plan = Array.from({ length: 50_000 }, (_, i) => ({ node: 'Seq Scan', relation: `t${i}`, rows: i }));
    const result = bounded({ tool: 'pgwarden', command: 'explain', findings: [], plan });
    expect(JSON.stringify(result).length).toBeLessThanOrEqual(MAX_RESULT_CHARS);
    expect(result.truncated).toEqual(['plan']);
    expect(result.tool).toBe('pgwarden');
  });
});
