import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useMcpClients } from '../helpers/mcp-client.js';
import { sharedTempDir } from '../helpers/tmp.js';

interface ToolResult {
  readonly isError?: boolean;
  readonly content: { type: string; text?: string }[];
  readonly structuredContent?: Record<string, unknown>;
}

/** A whole-database backup folder with its manifest only, `hoursAgo` old; verified by a test restore if asked. */
function plant(dir: string, id: string, hoursAgo: number, verified: boolean): void {
  const at = new Date(Date.now() - hoursAgo * 3_600_000).toISOString();
  mkdirSync(join(dir, id), { recursive: true });
  writeFileSync(
    join(dir, id, 'manifest.json'),
    JSON.stringify({
      format: 'pgwarden-backup/1',
      kind: 'database',
      createdAt: at,
      durationMs: 1,
      database: 'postgres://app@db.example:5432/shop',
      serverVersion: '15.20',
      pgDumpVersion: null,
      files: [],
      bytes: 42,
      rowCounts: {},
    }),
  );
  if (verified) {
    const record = { verifiedAt: at, level: 'restore', ok: true, durationMs: 1, problems: [], restore: null };
    writeFileSync(
      join(dir, id, 'verification.json'),
      JSON.stringify({ latest: record, lastRestore: record }),
    );
  }
}

describe('MCP backup_status', () => {
  const project = sharedTempDir('pgwarden-mcp-backup');
  const mcp = useMcpClients();

  it('reports the backups and the newest verified one, read-only, and refuses a folder outside the project', async () => {
    const backups = join(project, '.pgwarden', 'backups');
    plant(backups, 'shop-old-verified', 30, true);
    plant(backups, 'shop-new', 2, false);
    const client = await mcp(['--project', project]);
    const { tools } = await client.listTools();
    expect(tools.find((t) => t.name === 'backup_status')?.annotations?.readOnlyHint).toBe(true);

    const result = (await client.callTool({ name: 'backup_status', arguments: {} })) as ToolResult;
    expect(result.isError).toBeFalsy();
    const data = result.structuredContent as {
      command: string;
      status: {
        backups: { id: string; state: string }[];
        newestVerified: { id: string; ageSeconds: number };
      };
      pitr: { available: boolean };
    };
    expect(data.command).toBe('backup list');
    expect(data.status.backups.map((b) => [b.id, b.state])).toEqual([
      ['shop-new', 'unverified'],
      ['shop-old-verified', 'verified'],
    ]);
    expect(data.status.newestVerified.id).toBe('shop-old-verified');
    expect(data.status.newestVerified.ageSeconds).toBeGreaterThanOrEqual(30 * 3600 - 60);
    expect(data.pitr.available).toBe(false);
    expect(result.content[0]?.text).toContain('Newest verified backup: shop-old-verified, 30.0 h old');

    const outside = (await client.callTool({
      name: 'backup_status',
      arguments: { dir: '../..' },
    })) as ToolResult;
    expect(outside.isError).toBe(true);
    expect(outside.content.map((c) => c.text).join('\n')).toContain('outside the project folder');
  });
});
