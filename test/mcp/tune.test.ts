import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/db.js';

interface ToolResult {
  readonly isError?: boolean;
  readonly content: { type: string; text?: string }[];
  readonly structuredContent?: Record<string, unknown>;
}

describe('MCP tune', () => {
  const db = useTestDatabase();
  let client: Client;

  beforeAll(async () => {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
    delete env.DATABASE_URL;
    env.NO_COLOR = '1';
    client = new Client({ name: 'pgwarden-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [cliPath, 'mcp', '--quiet', '--project', mkdtempSync(join(tmpdir(), 'pgwarden-mcp-tune-'))],
        env,
        stderr: 'ignore',
      }),
    );
    // the SDK checks each structured result against the tool's output schema once the tools are listed
    await client.listTools();
  });
  afterAll(async () => {
    await client?.close();
  });

  const call = async (args: Record<string, unknown>): Promise<ToolResult> =>
    (await client.callTool({ name: 'tune', arguments: args }, undefined, { timeout: 170_000 })) as ToolResult;

  it("without a database and with the hardware: PGTune's list, read-only", async () => {
    const tools = await client.listTools();
    expect(tools.tools.find((t) => t.name === 'tune')?.annotations?.readOnlyHint).toBe(true);
    const result = await call({ ram: '16GB', cpus: 8, workload: 'oltp' });
    expect(result.isError).toBeFalsy();
    const data = result.structuredContent as {
      settings: unknown;
      changes: { name: string; value: string }[];
    };
    expect(data.settings).toBeNull();
    expect(data.changes).toContainEqual(expect.objectContaining({ name: 'shared_buffers', value: '4GB' }));
    expect(result.content[0]?.text).toContain('shared_buffers = 4GB');
  });

  it('with a database: the live settings against the recommendation', async () => {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
    env.NO_COLOR = '1';
    const live = new Client({ name: 'pgwarden-test', version: '1.0.0' });
    await live.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [
          cliPath,
          'mcp',
          '--quiet',
          '--db',
          db().url,
          '--project',
          mkdtempSync(join(tmpdir(), 'pgwarden-mcp-tune-')),
        ],
        env,
        stderr: 'ignore',
      }),
    );
    try {
      await live.listTools();
      const result = (await live.callTool({
        name: 'tune',
        arguments: { ram: '64GB', cpus: 16, storage: 'nvme', workload: 'oltp' },
      })) as ToolResult;
      expect(result.isError).toBeFalsy();
      const data = result.structuredContent as {
        settings: { name: string; recommended: string; context: string }[];
        findings: { rule: string }[];
      };
      expect(data.settings.find((s) => s.name === 'shared_buffers')).toMatchObject({
        recommended: '16GB',
        context: 'postmaster',
      });
      expect(data.findings.some((f) => f.rule === 'health/tune-setting-differs')).toBe(true);
      const bad = (await live.callTool({ name: 'tune', arguments: { ram: 'lots' } })) as ToolResult;
      expect(bad.isError).toBe(true);
      expect(bad.content.map((c) => c.text).join('\n')).toContain('--ram lots: not an amount of memory');
    } finally {
      await live.close();
    }
  });
});
