import { type FSWatcher, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { LintRun } from '../../index.js';
import type { CliContext, LintLib, OutputOptions } from '../context.js';

/** Options that write files, start servers or compare with git: each run of a watch would do it again. */
const NOT_WITH_WATCH = [
  ['fix', '--fix'],
  ['trace', '--trace'],
  ['traceDb', '--trace-db'],
  ['baseline', '--baseline'],
  ['writeBaseline', '--write-baseline'],
  ['changedSince', '--changed-since'],
] as const;

/** The lint command's options, but --watch itself (lint.ts loads this module when it is given). */
export interface WatchOptions extends OutputOptions {
  readonly db?: string;
  readonly pgVersion?: number;
  readonly trace?: boolean;
  readonly traceDb?: string;
  readonly fix?: boolean;
  readonly baseline?: string;
  readonly writeBaseline?: string;
  readonly changedSince?: string;
}

/** Editors save in bursts (a temporary file, a rename, a touch): one lint for the burst. */
const SETTLE_MS = 25;

/**
 * `pgwarden lint --watch`: the first run reports every file, each later one the files that changed (text), or one
 * JSON report per line. Runs until interrupted (Ctrl-C: exit 130, as every interrupted pgwarden command).
 */
export async function watchLint(
  context: CliContext<LintLib>,
  paths: string[],
  options: WatchOptions,
): Promise<void> {
  const { LintSession, PgwardenError, onShutdown } = context.lib;
  for (const [key, flag] of NOT_WITH_WATCH) {
    if (options[key] !== undefined && options[key] !== false)
      throw new PgwardenError('usage', `--watch does not go with ${flag}`, {
        hint: `run pgwarden lint ${flag} once, without --watch`,
      });
  }
  if (options.format !== 'text' && options.format !== 'json')
    throw new PgwardenError('usage', `--watch prints text or json, not ${options.format}`, {
      hint: 'use --format text or --format json (one report per line)',
    });
  const session = new LintSession({
    paths,
    config: context.config,
    db: options.db,
    pgVersion: options.pgVersion,
  });
  show(context, options, await session.run(), true);
  const watched = await Promise.all(paths.map(async (path) => watchTarget(resolve(path))));
  context.log(`watching ${paths.join(', ')} for changes (Ctrl-C to stop)`);

  await new Promise<void>((done) => {
    const watchers: FSWatcher[] = [];
    let timer: NodeJS.Timeout | undefined;
    let running = false;
    let again = false;
    // the files whose contents changed since the last run began, or undefined when something else may have
    // changed (a name added, removed or renamed; an event without a name): the session then reads everything.
    // The first run read the files before the watchers were set up: the next one reads everything.
    let changedFiles: Set<string> | undefined;
    const relint = async (): Promise<void> => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      const hint = changedFiles ? { changed: [...changedFiles] } : undefined;
      changedFiles = new Set();
      try {
        const run = await session.run(hint);
        if (run.changed.length > 0 || run.relinted > 0) show(context, options, run, false);
      } catch (error) {
        // a file mid-save, or one deleted: say so, and wait for the next change
        context.log(`could not lint: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        running = false;
        if (again) {
          again = false;
          void relint();
        }
      }
    };
    const changed = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void relint(), SETTLE_MS);
    };
    for (const target of watched) {
      const watcher = watch(target.folder, { recursive: target.recursive }, (event, name) => {
        if (target.only !== undefined && name !== null && basename(String(name)) !== target.only) return;
        if (event === 'change' && name !== null) changedFiles?.add(join(target.folder, String(name)));
        else changedFiles = undefined;
        changed();
      });
      watchers.push(watcher);
    }
    onShutdown(() => {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
      done();
    });
  });
}

/** A folder is watched whole; a file through its folder, as editors replace a file when they save it. */
async function watchTarget(path: string): Promise<{ folder: string; recursive: boolean; only?: string }> {
  const info = await stat(path);
  return info.isDirectory()
    ? { folder: path, recursive: true }
    : { folder: dirname(path), recursive: false, only: basename(path) };
}

function show(context: CliContext<LintLib>, options: WatchOptions, run: LintRun, first: boolean): void {
  const { lib } = context;
  const report = run.report(first ? undefined : new Set(run.changed));
  if (options.format === 'json') {
    const data = {
      ...report.data!,
      watch: { changed: run.changed, readAll: run.readAll, relinted: run.relinted, ms: Math.round(run.ms) },
    };
    process.stdout.write(
      `${JSON.stringify(JSON.parse(lib.render({ ...report, data }, { format: 'json' })))}\n`,
    );
    return;
  }
  if (!first)
    process.stdout.write(
      `\n── ${new Date().toLocaleTimeString()} ${run.changed.join(', ') || 'files removed'}\n`,
    );
  process.stdout.write(
    lib.render(report, {
      format: 'text',
      color: context.color,
      rules: lib.allRules,
      renderData: first ? (colors) => lib.renderLintData(report, colors) : undefined,
    }),
  );
  context.log(
    `linted ${run.relinted} of ${run.files} file(s) in ${run.ms.toFixed(0)} ms; ${run.findings} finding(s) in all`,
  );
}
