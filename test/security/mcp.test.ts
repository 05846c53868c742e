import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { startMcpClient } from '../helpers/mcp-client.js';

describe('MCP security_audit', () => {
  let db: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.exec(`CREATE TABLE invoices (id int PRIMARY KEY, tenant_id uuid NOT NULL);
      CREATE POLICY open ON invoices USING (true); ALTER TABLE invoices ENABLE ROW LEVEL SECURITY`);
    client = await startMcpClient(['--db', db.url]);
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
