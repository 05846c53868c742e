import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runBundle } from './code-cache.js';
import { commandOf, isLongRunning, parsesFirst } from './command-kind.js';

/** Commands with a bundle of their own, a fraction of the whole CLI's: lint, and none (--help, --version). */
const OWN_BUNDLES = new Map([
  ['lint', './pgwarden-lint.cjs'],
  ['', './pgwarden-help.cjs'],
]);

/**
 * Starts the bundled CLI when it is built beside this file (scripts/bundle-cli.mjs), and says whether it did.
 * V8's flags are set first, before any code is compiled: a code cache is valid only under the flags it was made with.
 */
export function launch(): boolean {
  // the bundle's names are minified: a stack trace asked for names the code's own functions and files
  if (process.argv.includes('--debug')) return false;
  if (!isLongRunning(process.argv)) setFlagsFromString('--liftoff-only');
  const command = commandOf(process.argv);
  const own = OWN_BUNDLES.get(command);
  const bundle = [...(own ? [own] : []), './pgwarden-cli.cjs']
    .map((name) => fileURLToPath(new URL(name, import.meta.url)))
    .find((file) => existsSync(file));
  if (bundle === undefined) return false;
  runBundle(bundle, command, parsesFirst(process.argv) ? loadParser(bundle) : undefined);
  return true;
}

/**
 * Starts loading the SQL parser, for the bundle to run once it is ready. Creating its WebAssembly memory (128 MB)
 * makes V8 collect the heap: before the CLI runs, that heap is almost empty (a one-file lint: 35 → 6 ms of
 * collection), and the parser compiles on other threads while this one reads and deserializes the bundle.
 */
function loadParser(bundle: string): Promise<unknown> | undefined {
  try {
    const parser = createRequire(bundle)('libpg-query') as { loadModule(): Promise<void> };
    return parser.loadModule();
  } catch {
    return undefined; // the CLI loads it again, and says what is wrong
  }
}
