import type { CliContext, OutputOptions } from '../context.js';
import { emit } from '../context.js';

export interface LintCliOptions extends OutputOptions {
  readonly db?: string;
  readonly pgVersion?: number;
  readonly trace?: boolean;
  readonly traceDb?: string;
  readonly fix?: boolean;
  readonly baseline?: string;
  readonly writeBaseline?: string;
  readonly changedSince?: string;
}

export async function runLint(context: CliContext, paths: string[], options: LintCliOptions): Promise<void> {
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
    process.stderr.write(fix.diff);
    context.log(
      `--fix changed ${fix.files.length} file(s)${fix.skipped.length ? `; left ${fix.skipped.length} for you:` : ''}`,
    );
    for (const skipped of fix.skipped)
      context.log(`  ${skipped.file}:${skipped.line} ${skipped.rule}: ${skipped.reason}`);
  }
  emit(context, report, options, () => {
    const { files, pgVersion, statements, trace, baselined } = report.data!;
    const lines = [
      `Linted ${files.length} file${files.length === 1 ? '' : 's'} (${statements.length} statements touching tables) for PostgreSQL ${pgVersion}${baselined ? `; ${baselined} finding(s) accepted by the baseline` : ''}`,
    ];
    if (trace) {
      const mismatches = trace.statements.reduce((n, s) => n + s.mismatches.length, 0);
      lines.push(
        `Traced ${trace.statements.length} statements on ${trace.server}: ${mismatches === 0 ? 'the lock model matched every one' : `${mismatches} disagreement(s) with the lock model`}${trace.stopped ? `; stopped at ${trace.stopped.file}:${trace.stopped.line}` : ''}`,
      );
      for (const statement of trace.statements) {
        const locks =
          statement.observed.locks.map((l) => `${l.relation} ${l.mode.replace(/Lock$/, '')}`).join(', ') ||
          'no lock';
        const extra = [
          statement.observed.rewritten.length ? `rewrote ${statement.observed.rewritten.join(', ')}` : '',
          statement.observed.scanned.length ? `read ${statement.observed.scanned.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; ');
        const where = `${statement.file.split('/').at(-1)}:${statement.line}`;
        lines.push(
          `  ${where} ${statement.sql.slice(0, 60)} → ${locks}${extra ? `; ${extra}` : ''} (${Math.round(statement.observed.durationMs)} ms)`,
        );
      }
    }
    return lines.join('\n');
  });
}
