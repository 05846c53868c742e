import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileTextCache, readSqlSources } from '../../src/sql/files.js';

describe('FileTextCache', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  function file(text: string): string {
    const folder = mkdtempSync(join(tmpdir(), 'pgwarden-files-'));
    folders.push(folder);
    const path = join(folder, 'a.sql');
    writeFileSync(path, text);
    return path;
  }

  it('reuses a text while the file is unchanged, and reads it again once saved', async () => {
    const path = file('SELECT 1;\n');
    const cache = new FileTextCache();
    const [first] = await readSqlSources([path], cache);
    expect(first!.text).toBe('SELECT 1;\n');
    expect(cache.read(path)).toBe(first!.text);

    // the same size, and the modification time put back: the change time still tells
    const { atime, mtime } = statSync(path);
    writeFileSync(path, 'SELECT 2;\n');
    utimesSync(path, atime, mtime);
    expect(cache.read(path)).toBe('SELECT 2;\n');
  });

  it('reports a file that is gone as reading it without a cache does', async () => {
    const path = file('SELECT 1;\n');
    const cache = new FileTextCache();
    cache.read(path);
    rmSync(path);
    await expect(readSqlSources([path], cache)).rejects.toThrow(/cannot read .*a\.sql: ENOENT/);
    await expect(readSqlSources([path])).rejects.toThrow(/cannot read .*a\.sql: ENOENT/);
  });
});

describe('FileTextCache.memo', () => {
  it('computes again only when an input changed', () => {
    const cache = new FileTextCache();
    let computed = 0;
    const value = (inputs: unknown[]) =>
      cache.memo('migration a', inputs, () => {
        computed++;
        return { inputs };
      });
    const first = value(['SELECT 1;', true]);
    expect(value(['SELECT 1;', true])).toBe(first);
    expect(computed).toBe(1);
    expect(value(['SELECT 2;', true])).not.toBe(first);
    expect(value(['SELECT 2;', false]).inputs).toEqual(['SELECT 2;', false]);
    expect(value(['SELECT 2;', false, 'more'])).not.toBe(first);
    expect(computed).toBe(4);
  });
});
