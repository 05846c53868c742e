import { closeSync, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PgwardenError } from '../core/errors.js';

/** SQL text and the name it is reported under. */
export interface SqlSource {
  readonly file: string;
  readonly text: string;
}

const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** Files as given, and every `*.sql` file below each given folder (sorted, so the order is stable). */
export async function collectSqlFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch {
      throw new PgwardenError('input', `no such file or folder: ${path}`);
    }
    if (info.isDirectory()) files.push(...(await sqlFilesBelow(path)));
    else files.push(path);
  }
  return files;
}

async function sqlFilesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name, 'en'))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await sqlFilesBelow(path)));
    else if (entry.isFile() && entry.name.toLowerCase().endsWith('.sql')) found.push(path);
  }
  return found;
}

/**
 * Reads SQL files as UTF-8 text; a binary or non-UTF-8 file is a clear error naming it. The reads are
 * synchronous: SQL files are small and local, and a history of thousands of migrations read one await at a time
 * spends most of its time waiting on the event loop.
 */
export async function readSqlSources(files: readonly string[], cache?: FileTextCache): Promise<SqlSource[]> {
  return files.map((file) => ({ file, text: cache ? cache.read(file) : readSqlText(file) }));
}

function readSqlText(file: string): string {
  return decodeSql(readSqlBytes(file), file);
}

/**
 * The texts of files already read, reused while a file's inode, size, modification and change times are the
 * same: a watch session re-reads only what was saved (one stat per file instead of open, stat, read and close,
 * and no decoding; reading a 2,000-file history again was most of a re-lint).
 */
export class FileTextCache {
  readonly #entries = new Map<string, { readonly stamp: string; readonly text: string }>();
  readonly #memos = new Map<string, { readonly inputs: readonly unknown[]; readonly value: unknown }>();

  /** `compute()` of what `key` names, computed again only when one of its `inputs` changed (compared with ===). */
  memo<T>(key: string, inputs: readonly unknown[], compute: () => T): T {
    const known = this.#memos.get(key);
    if (
      known &&
      known.inputs.length === inputs.length &&
      known.inputs.every((input, i) => input === inputs[i])
    )
      return known.value as T;
    const value = compute();
    this.#memos.set(key, { inputs, value });
    return value;
  }

  read(file: string): string {
    return this.#read(file, false);
  }

  /** Reads the file again whatever its stamp says (the caller knows it changed: a write can keep size and times). */
  reread(file: string): string {
    return this.#read(file, true);
  }

  #read(file: string, again: boolean): string {
    let stamp: string | undefined;
    try {
      const info = statSync(file, { bigint: true });
      stamp = `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
    } catch {
      // gone or unreadable: readSqlText says which, as without a cache
    }
    const known = this.#entries.get(file);
    if (!again && stamp !== undefined && known?.stamp === stamp) return known.text;
    const text = readSqlText(file);
    if (stamp !== undefined) this.#entries.set(file, { stamp, text });
    else this.#entries.delete(file);
    return text;
  }
}

function readSqlBytes(file: string): Buffer {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    if (size > MAX_FILE_BYTES) {
      throw new PgwardenError(
        'input',
        `${file} is ${Math.round(size / 1024 / 1024)} MB; pgwarden reads SQL files up to 64 MB`,
      );
    }
    return readFileSync(fd);
  } catch (error) {
    if (error instanceof PgwardenError) throw error;
    throw new PgwardenError(
      'input',
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        cause: error,
      },
    );
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Reads one text file (SQL, or a plan's JSON) with the same checks: size, binary content, UTF-8. */
export function readTextFile(file: string, kind: 'SQL' | 'JSON' = 'SQL'): string {
  return decodeSql(readSqlBytes(file), file, kind);
}

export function decodeSql(bytes: Uint8Array, file: string, kind: 'SQL' | 'JSON' = 'SQL'): string {
  if (bytes.includes(0)) {
    throw new PgwardenError('input', `${file} is a binary file, not ${kind} text`, {
      hint: kind === 'SQL' ? 'pass SQL files or folders of them' : 'pass the JSON of EXPLAIN (FORMAT JSON)',
    });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PgwardenError('input', `${file} is not valid UTF-8`, {
      hint: 'convert it to UTF-8 (for example: iconv -f latin1 -t utf-8)',
    });
  }
}
