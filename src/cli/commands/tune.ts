import type { FailOn } from '../../core/finding.js';
import type { CliContext } from '../context.js';
import { emit } from '../context.js';

export const TUNE_FORMATS = ['text', 'json', 'sql', 'conf', 'markdown'] as const;

export interface TuneCliOptions {
  readonly format: (typeof TUNE_FORMATS)[number];
  readonly failOn?: FailOn;
  readonly db?: string;
  readonly ram?: string;
  readonly cpus?: string;
  readonly storage?: string;
  readonly workload?: string;
  readonly connections?: string;
  readonly pgVersion?: string;
  readonly os?: string;
  readonly dbSize?: string;
}

export async function runTune(context: CliContext, options: TuneCliOptions): Promise<void> {
  const { lib } = context;
  const report = await lib.tune({
    config: context.config,
    db: options.db,
    ram: options.ram,
    cpus: options.cpus,
    storage: options.storage,
    workload: options.workload,
    connections: options.connections,
    pgVersion: options.pgVersion,
    os: options.os,
    dbSize: options.dbSize,
    embedded: { log: context.log },
    log: context.log,
  });
  const data = report.data!;
  if (options.format === 'sql' || options.format === 'conf') {
    process.stdout.write(options.format === 'sql' ? lib.renderTuneSql(data) : lib.renderTuneConf(data));
    process.exitCode = lib.exitCodeFor(report, options.failOn ?? context.config.config.failOn);
    return;
  }
  emit(context, report, { format: options.format, failOn: options.failOn }, (colors) =>
    lib.renderTuneText(data, colors),
  );
}
