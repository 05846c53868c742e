import { writeFileSync } from 'node:fs';
import type { CliContext, OutputOptions } from '../context.js';
import { emit } from '../context.js';

export interface AdviseCliOptions extends OutputOptions {
  readonly db?: string;
  readonly workload: string;
  readonly budget?: string;
  readonly maxWidth?: number;
  readonly limit?: number;
  readonly createExtension?: boolean;
  readonly prove?: boolean;
  readonly script?: string;
}

export async function runAdvise(context: CliContext, options: AdviseCliOptions): Promise<void> {
  const { lib } = context;
  const report = await lib.adviseIndexes({
    config: context.config,
    db: options.db,
    workload: options.workload,
    budget: options.budget,
    maxWidth: options.maxWidth,
    limit: options.limit,
    createExtension: options.createExtension === true,
    prove: options.prove === true,
    embedded: { log: context.log },
    log: context.log,
  });
  const script = report.data?.script;
  if (options.script && script) {
    writeFileSync(options.script, script);
    context.log(`wrote the script to ${options.script}`);
  }
  emit(context, report, options, (colors) => lib.renderAdviseData(report, colors));
}
