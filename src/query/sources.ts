import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PgwardenError } from '../core/errors.js';
import { CODE_EXTENSIONS } from './extract.js';

/**
 * Where application SQL comes from: a SQL file (every statement), a code file (its string literals, templates and
 * tagged templates), or SQL given on the command line.
 */
export interface QuerySource {
  /** The path, or `<sql>` for SQL given on the command line. */
  readonly file: string;
  readonly kind: 'sql' | 'code';
  readonly text: string;
}

/** The name a command-line SQL string is reported under. */
export const INLINE_SQL_FILE = '<sql>';

const SKIPPED_FOLDERS = new Set(['node_modules', 'dist']);
const MAX_FILE_BYTES = 64 * 1024 * 1024;

export function isCodeFile(file: string): boolean {
  const lower = file.toLowerCase();
  return CODE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

function wanted(name: string): boolean {
  const lower = name.toLowerCase();
  if (lower.endsWith('.sql')) return true;
  // declarations hold no queries; minified bundles are not the application's source
  if (/\.d\.[mc]?ts$/.test(lower) || /\.min\.[mc]?js$/.test(lower)) return false;
  return isCodeFile(lower);
}

/** Files as given, and the SQL and code files below each folder (sorted; node_modules, dist and dot folders skipped). */
export async function collectQueryFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new PgwardenError('input', `no such file or folder: ${path}`);
    if (info.isDirectory()) files.push(...(await filesBelow(path)));
    else files.push(path);
  }
  return files;
}

async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name, 'en'))) {
    if (entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesBelow(path)));
    else if (entry.isFile() && wanted(entry.name)) found.push(path);
  }
  return found;
}

/** Reads the files as UTF-8 text: code files by their extension, every other file as SQL. */
export function readQuerySources(files: readonly string[]): QuerySource[] {
  return files.map((file) => ({
    file,
    kind: isCodeFile(file) ? 'code' : 'sql',
    text: decodeText(readBytes(file), file),
  }));
}

function readBytes(file: string): Buffer {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    if (size > MAX_FILE_BYTES) {
      throw new PgwardenError(
        'input',
        `${file} is ${Math.round(size / 1024 / 1024)} MB; pgwarden reads files up to 64 MB`,
      );
    }
    return readFileSync(fd);
  } catch (error) {
    if (error instanceof PgwardenError) throw error;
    throw new PgwardenError(
      'input',
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { cause: error },
    );
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function decodeText(bytes: Uint8Array, file: string): string {
  if (bytes.includes(0)) {
    throw new PgwardenError('input', `${file} is a binary file, not text`, {
      hint: 'pass .sql files, JavaScript or TypeScript files, or folders of them',
    });
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.startsWith('\uFEFF') ? text.slice(1) : text;
  } catch {
    throw new PgwardenError('input', `${file} is not valid UTF-8`, {
      hint: 'convert it to UTF-8 (for example: iconv -f latin1 -t utf-8)',
    });
  }
}
