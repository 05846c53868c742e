#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

type Launcher = typeof import('./launch.js');

// built, the launcher is CommonJS beside this file: it reaches Node's own modules without the ES module wrappers
// of each (a few ms of a short command's start); else (tsc's output alone) it is the ES module
let launcher: Launcher;
try {
  launcher = createRequire(import.meta.url)('./pgwarden-launch.cjs') as Launcher;
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
  launcher = await import('./launch.js');
}
// else the CLI unbundled: beside this file (dist/cli/bin.js), or in ../cli when this is the bundled bin (dist/bin)
if (!launcher.launch()) {
  const main = existsSync(new URL('./main.js', import.meta.url)) ? './main.js' : '../cli/main.js';
  await ((await import(main)) as typeof import('./main.js')).main();
}
