#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runBundle } from './code-cache.js';
import { commandOf, isLongRunning } from './command-kind.js';

// before any code is compiled: V8 accepts a code cache only under the flags it was made with
if (!isLongRunning(process.argv)) setFlagsFromString('--liftoff-only');

// built: the whole CLI in one CommonJS file beside this one (scripts/bundle-cli.mjs); else the compiled modules
const bundle = fileURLToPath(new URL('./pgwarden-cli.cjs', import.meta.url));
if (existsSync(bundle)) runBundle(bundle, commandOf(process.argv));
else await (await import('./main.js')).main();
