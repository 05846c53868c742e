import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runBundle } from './code-cache.js';
import { commandOf, isLongRunning } from './command-kind.js';

/**
 * Starts the bundled CLI when it is built beside this file (scripts/bundle-cli.mjs), and says whether it did.
 * V8's flags are set first, before any code is compiled: a code cache is valid only under the flags it was made with.
 */
export function launch(): boolean {
  if (!isLongRunning(process.argv)) setFlagsFromString('--liftoff-only');
  const bundle = fileURLToPath(new URL('./pgwarden-cli.cjs', import.meta.url));
  if (!existsSync(bundle)) return false;
  runBundle(bundle, commandOf(process.argv));
  return true;
}
