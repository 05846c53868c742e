#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

/**
 * Commands that run for hours or read gigabytes (a server, a log) keep V8's optimising compiler for the SQL
 * parser's WebAssembly. The rest finish in seconds: there, compiling the 1.7 MB parser a second time with the
 * optimising compiler, in background threads, cost more CPU than it ever saved (2,000 migrations linted:
 * 5.9 → 5.0 s of CPU; one migration: 1.12 → 0.68 s), and a 2-core CI machine has no spare core for it.
 */
const LONG_RUNNING = new Set(['mcp', 'metrics', 'logs', 'advise']);

function commandOf(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((arg) => !arg.startsWith('-'));
}

if (!LONG_RUNNING.has(commandOf(process.argv) ?? '')) setFlagsFromString('--liftoff-only');

await import('./main.js');
