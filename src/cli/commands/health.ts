import { PgwardenError } from '../../core/errors.js';
import type { FailOn } from '../../core/finding.js';
import type { Format } from '../../report/formats.js';
import type { CliContext } from '../context.js';
import { emit } from '../context.js';

export interface HealthCliOptions {
  readonly format: Format | 'prometheus';
  readonly failOn?: FailOn;
  readonly db?: string;
  readonly sample?: string;
  readonly nagios?: boolean;
  /** `--exact` (true) or `--exact N`. */
  readonly exact?: boolean | string;
}

/** `--exact [count]`: how many relations pgstattuple measures; bad input is a usage error. */
function exactCount(value: boolean | string | undefined): number | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return 20;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1)
    throw new PgwardenError('usage', `--exact takes a whole number of relations (1 or more), not "${value}"`);
  return count;
}

export async function runHealth(context: CliContext, options: HealthCliOptions): Promise<void> {
  const { lib } = context;
  const sampleSeconds = options.sample === undefined ? undefined : lib.parseSampleDuration(options.sample);
  const exact = exactCount(options.exact);
  let report: Awaited<ReturnType<typeof lib.checkHealth>>;
  try {
    report = await lib.checkHealth({
      config: context.config,
      db: options.db,
      sampleSeconds,
      exact,
      embedded: { log: context.log },
      log: context.log,
    });
  } catch (error) {
    if (!options.nagios) throw error;
    // a monitoring system reads the status line: pgwarden could not check, which is UNKNOWN, not a usage error
    const status = lib.nagiosUnknown(lib.errorMessage(error));
    process.stdout.write(`${status.line}\n`);
    process.exitCode = status.code;
    return;
  }
  const data = report.data!;
  if (options.nagios) {
    const status = lib.nagiosStatus({ findings: report.findings, health: data.health });
    process.stdout.write(`${status.line}\n`);
    process.exitCode = status.code;
    return;
  }
  if (options.format === 'prometheus') {
    process.stdout.write(
      lib.renderHealthPrometheus({ findings: report.findings, health: data.health, skipped: report.skipped }),
    );
    process.exitCode = lib.exitCodeFor(report, options.failOn ?? context.config.config.failOn);
    return;
  }
  emit(context, report, { format: options.format, failOn: options.failOn }, (colors) =>
    lib.renderHealthData(report, colors),
  );
}
