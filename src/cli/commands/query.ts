import type { CliContext, OutputOptions } from '../context.js';
import { emit } from '../context.js';

export interface QueryCliOptions extends OutputOptions {
  readonly sql?: string;
  readonly db?: string;
  readonly schema?: string[];
  readonly migrations?: string;
  readonly pgVersion?: number;
}

export async function runQuery(
  context: CliContext,
  paths: string[],
  options: QueryCliOptions,
): Promise<void> {
  const report = await context.lib.queryReview({
    config: context.config,
    paths,
    sql: options.sql,
    db: options.db,
    schema: options.schema,
    migrations: options.migrations,
    pgVersion: options.pgVersion,
    embedded: { log: context.log },
    log: context.log,
  });
  emit(context, report, options, (colors) => context.lib.renderQueryReviewData(report, colors));
}
