import type { CliContext, OutputOptions } from '../context.js';
import { emit } from '../context.js';

export interface SchemaCliOptions extends OutputOptions {
  readonly db?: string;
  readonly migrations?: string;
  readonly pgVersion?: number;
}

export async function runSchema(
  context: CliContext,
  files: string[],
  options: SchemaCliOptions,
): Promise<void> {
  const { lib } = context;
  const report = await lib.reviewSchema({
    config: context.config,
    db: options.db,
    files,
    migrations: options.migrations,
    pgVersion: options.pgVersion,
    embedded: { log: context.log },
    log: context.log,
  });
  emit(context, report, options, (colors) => lib.renderReviewData(report, colors));
}
