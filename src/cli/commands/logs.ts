import type { LogFormat } from '../../index.js';
import type { CliContext, OutputOptions } from '../context.js';
import { emit } from '../context.js';

export interface LogsCliOptions extends Omit<OutputOptions, 'format'> {
  readonly format: OutputOptions['format'] | 'html';
  readonly since?: string;
  readonly until?: string;
  readonly prefix?: string;
  readonly logFormat?: LogFormat;
  readonly top?: number;
  readonly incremental?: string;
}

export async function runLogs(context: CliContext, paths: string[], options: LogsCliOptions): Promise<void> {
  const { lib } = context;
  const report = await lib.analyzeLogs({
    paths,
    config: context.config,
    format: options.logFormat,
    prefix: options.prefix,
    since: options.since,
    until: options.until,
    top: options.top,
    incremental: options.incremental,
    log: context.log,
  });
  if (options.format === 'html') {
    process.stdout.write(lib.renderLogsHtml(report));
    process.exitCode = lib.exitCodeFor(report, options.failOn ?? context.config.config.failOn);
    return;
  }
  emit(context, report, { ...options, format: options.format }, (colors) =>
    lib.renderLogsData(report.data, colors),
  );
}
