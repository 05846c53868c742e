import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listLogFiles } from '../../src/logs/input.js';

describe('a log folder', () => {
  it('is read without following links out of it (MCP confines paths to the project)', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'pgwarden-outside-'));
    writeFileSync(join(outside, 'secret.log'), 'not a log of this project\n');
    const folder = mkdtempSync(join(tmpdir(), 'pgwarden-logs-'));
    writeFileSync(join(folder, 'postgresql-1.log'), '');
    symlinkSync(join(outside, 'secret.log'), join(folder, 'postgresql-2.log'));
    const { files } = await listLogFiles([folder]);
    expect(files.map((f) => f.path)).toEqual([join(folder, 'postgresql-1.log')]);
  });

  it('reads a pipe or a device given by name as a file (a path that is not a folder)', async () => {
    const { files } = await listLogFiles(['/dev/null']);
    expect(files.map((f) => f.path)).toEqual(['/dev/null']);
  });
});
