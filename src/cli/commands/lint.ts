import type { CliContext, LintLib } from '../context.js';
import { emit } from '../context.js';
import type { WatchOptions } from './lint-watch.js';

export interface LintCliOptions extends WatchOptions {
  readonly watch?: boolean;
}

export async function runLint(
  context: CliContext<LintLib>,
  paths: string[],
  options: LintCliOptions,
): Promise<void> {
  if (options.watch) {
    const { watchLint } = await import('./lint-watch.js');
    return watchLint(context, paths, options);
  }
  const report = await context.lib.lint({
    paths,
    config: context.config,
    db: options.db,
    pgVersion: options.pgVersion,
    trace: options.trace === true || options.traceDb !== undefined,
    traceDb: options.traceDb,
    fix: options.fix,
    baseline: options.baseline,
    writeBaseline: options.writeBaseline,
    changedSince: options.changedSince,
    log: context.log,
  });
  const { fix } = report.data!;
  if (fix && options.format === 'text') {
    // the diff is what --fix did: output, on stdout before the report (the notes about it go to stderr)
    process.stdout.write(fix.diff);
    context.log(
      `--fix changed ${fix.files.length} file(s)${fix.skipped.length ? `; left ${fix.skipped.length} for you:` : ''}`,
    );
    for (const skipped of fix.skipped)
      context.log(`  ${skipped.file}:${skipped.line} ${skipped.rule}: ${skipped.reason}`);
  }
  emit(context, report, options, (colors) => context.lib.renderLintData(report, colors));
}
