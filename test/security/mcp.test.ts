import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

describe('MCP security_audit', () => {
  let db: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.exec(`CREATE TABLE invoices (id int PRIMARY KEY, tenant_id uuid NOT NULL);
      CREATE POLICY open ON invoices USING (true); ALTER TABLE invoices ENABLE ROW LEVEL SECURITY`);
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
    delete env.DATABASE_URL;
    client = new Client({ name: 'pgwarden-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [cliPath, 'mcp', '--db', db.url],
        env,
        stderr: 'pipe',
      }),
    );
    // listing first makes the SDK check each structured result against the tool's output schema
    await client.listTools();
  });

  afterAll(async () => {
    await client?.close();
    await db?.drop();
  });

  it('audits the database read-only and returns the report envelope with its fixes', async () => {
    const result = (await client.callTool({ name: 'security_audit', arguments: {} })) as {
      isError?: boolean;
      content: { text?: string }[];
      structuredContent?: {
        command: string;
        findings: { rule: string; location: { object?: string }; fix: string | null }[];
        seen: unknown;
      };
    };
    expect(result.isError).toBeFalsy();
    const report = result.structuredContent!;
    expect(report.command).toBe('security');
    const open = report.findings.find((f) => f.rule === 'security/permissive-true-policy');
    expect(open?.location.object).toBe('public.invoices.open');
    expect(open?.fix).toBe('DROP POLICY open ON public.invoices;');
    expect(report.findings.some((f) => f.rule === 'security/tenant-table-without-rls')).toBe(true);
    expect(result.content[0]?.text).toContain('security/permissive-true-policy');
    // the tool reports; it never runs a fix
    const { rows } = await (await db.connect()).query('SELECT count(*)::int AS n FROM pg_policy');
    expect(rows).toEqual([{ n: 1 }]);
  });
});
