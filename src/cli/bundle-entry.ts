/** The bundled CLI's entry (scripts/bundle-cli.mjs): bin.ts runs it with V8's code cache. */
import { z } from 'zod';
import { isLongRunning } from './command-kind.js';
import { main } from './main.js';

// zod compiles a validator per schema on its first use, which pays only when a schema checks many values: a short
// command checks each rule's options and the config once (a one-file lint: 61 → 16 ms in zod)
if (!isLongRunning(process.argv)) z.config({ jitless: true });
void main();
