import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { userCacheDir } from '../db/embedded/paths.js';

/** Code caches of other builds (or Node versions) older than this are removed when a new one is written. */
const STALE_MS = 7 * 24 * 3600 * 1000;

/**
 * Runs the bundled CLI (one CommonJS file) with V8's code cache: the compiled code of a command's first run is
 * kept in pgwarden's cache folder, and later runs of that command start from it instead of compiling the
 * bundle's megabytes again (Node 20 caches no ES module code). A cache V8 rejects (another Node, other V8 flags) is
 * written again; a cache folder that cannot be written only costs the compilation.
 */
export function runBundle(bundle: string, command: string, ready?: Promise<unknown>): void {
  // a function expression, ASCII only (scripts/bundle-cli.mjs): compiled as read, with no decoding and no copy
  const source = readFileSync(bundle, 'latin1');
  const cacheFile = cacheFileOf(bundle, command);
  let cachedData: Buffer | undefined;
  try {
    // compiled code is code: only from a file and folder of this user's that no one else may write
    if (cacheFile && ownedAndPrivate(dirname(cacheFile)) && ownedAndPrivate(cacheFile))
      cachedData = readFileSync(cacheFile);
  } catch {
    // no cache yet: this run writes it
  }
  const script = new Script(source, {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
  });
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  if (cacheFile && (cachedData === undefined || script.cachedDataRejected === true)) {
    // at exit, the cache holds every function the command compiled, not only the bundle's top level
    process.once('exit', () => writeCache(cacheFile, () => script.createCachedData()));
  }
  const module = { exports: {} };
  const start = () => run(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  // after what the launcher started first (the parser), whether it loaded or not
  if (ready) ready.then(start, start);
  else start();
}

/** One cache per build of the bundle, Node version and command (each command compiles other functions). */
function cacheFileOf(bundle: string, command: string): string | undefined {
  if (process.env.PGWARDEN_CODE_CACHE === '0') return undefined;
  try {
    const { size, mtimeMs } = statSync(bundle);
    const build = `${size.toString(36)}-${Math.trunc(mtimeMs).toString(36)}`;
    const name = /^[a-z][a-z-]{0,31}$/.test(command) ? command : 'other';
    return join(userCacheDir(), 'code', `${build}-node${process.versions.node}`, `${name}.bin`);
  } catch {
    return undefined;
  }
}

function writeCache(file: string, data: () => Buffer): void {
  try {
    const folder = dirname(file);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (!ownedAndPrivate(folder)) return;
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, data());
    renameSync(temporary, file); // atomic: runs at the same time read a whole cache or none
    removeStaleCaches(dirname(folder), folder);
  } catch {
    // a cache folder that cannot be written: the next run compiles again
  }
}

function removeStaleCaches(root: string, current: string): void {
  for (const entry of readdirSync(root)) {
    const folder = join(root, entry);
    if (folder === current) continue;
    if (Date.now() - statSync(folder).mtimeMs > STALE_MS) rmSync(folder, { recursive: true, force: true });
  }
}

/** The path is this user's, and neither its group nor others may write it. */
function ownedAndPrivate(path: string): boolean {
  try {
    const info = statSync(path);
    return (process.getuid === undefined || info.uid === process.getuid()) && (info.mode & 0o022) === 0;
  } catch {
    return false;
  }
}
