/**
 * Entry point of the measured child process of the `migrate` benchmark (its breakdown run):
 * `node bench/results/.child/migrate-child.js`, with the task as JSON in PGWARDEN_BENCH_TASK (it holds a URL). Runs
 * as plain JavaScript, transpiled from bench/*.ts by the harness (see prepareChildScripts in lib.ts); writes its
 * result as JSON to the file the task names.
 */
import { writeFileSync } from 'node:fs';
import { log } from './lib.js';
import { type MigrateChildTask, migrateChild } from './migrate.js';

const CHILD_EXIT_GRACE_MS = 5_000;

async function main(): Promise<void> {
  const task = JSON.parse(process.env.PGWARDEN_BENCH_TASK ?? 'null') as MigrateChildTask;
  const result = await migrateChild(task);
  writeFileSync(task.resultFile, JSON.stringify(result));
  setTimeout(() => {
    log(`migrate child: still alive ${CHILD_EXIT_GRACE_MS} ms after its work ended (open handles); exiting`);
    process.exit(0);
  }, CHILD_EXIT_GRACE_MS).unref();
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
  setTimeout(() => process.exit(1), CHILD_EXIT_GRACE_MS).unref();
});
