#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

type Launcher = typeof import('./launch.js');

// built (scripts/bundle-cli.mjs), this file is CommonJS beside a CommonJS launcher: Node starts it without its ES
// module loader, and the launcher reaches Node's own modules without their ES module wrappers (a short command's
// start: −15 ms); else (tsc's output alone) the launcher is the ES module beside it
let launcher: Launcher | undefined;
try {
  launcher = createRequire(import.meta.url)('./pgwarden-launch.cjs') as Launcher;
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
}
if (launcher) start(launcher);
else void import('./launch.js').then(start);

/** The bundled CLI, or else the CLI unbundled: beside this file (dist/cli), or in ../cli from the bundled bin. */
function start(launch: Launcher): void {
  if (launch.launch()) return;
  const main = existsSync(new URL('./main.js', import.meta.url)) ? './main.js' : '../cli/main.js';
  void (import(main) as Promise<typeof import('./main.js')>).then((cli) => cli.main());
}
