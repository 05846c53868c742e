/**
 * Entry point of the measured child processes: `node bench/results/.child/child.js <benchmark>`, with the task
 * as JSON in PGWARDEN_BENCH_TASK (not on the command line: it may hold a password). Runs as plain JavaScript,
 * transpiled from bench/*.ts by the harness (see prepareChildScripts in lib.ts).
 */
import { emitResult, log } from './lib.js';

const CHILD_EXIT_GRACE_MS = 5_000;

async function main(): Promise<void> {
  const bench = process.argv[2];
  const task: unknown = JSON.parse(process.env.PGWARDEN_BENCH_TASK ?? 'null');
  let result: unknown;
  if (bench === 'startup') {
    const { startupChild } = await import('./startup.js');
    result = await startupChild(task as Parameters<typeof startupChild>[0]);
  } else if (bench === 'snapshot') {
    const { snapshotChild } = await import('./snapshot.js');
    result = await snapshotChild(task as Parameters<typeof snapshotChild>[0]);
  } else {
    throw new Error(`bench child: unknown benchmark ${bench}`);
  }
  emitResult(result);
  // The process should now end by itself. If something still holds the event loop open (a timer, a socket, a
  // child process), say so and end anyway rather than stall the run.
  setTimeout(() => {
    log(`child ${bench}: still alive ${CHILD_EXIT_GRACE_MS} ms after its work ended (open handles); exiting`);
    process.exit(0);
  }, CHILD_EXIT_GRACE_MS).unref();
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
  setTimeout(() => process.exit(1), CHILD_EXIT_GRACE_MS).unref();
});
