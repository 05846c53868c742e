import type { CliContext, OutputOptions } from '../context.js';
import { emit } from '../context.js';

export interface SchemaCliOptions extends OutputOptions {
  readonly db?: string;
  readonly migrations?: string;
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
    embedded: { log: context.log },
    log: context.log,
  });
  const data = report.data!;
  emit(context, report, options, (colors) => {
    const lines = [
      `Reviewed ${data.tables} table(s) in ${data.schemas.length === 0 ? 'no schema' : data.schemas.join(', ')}: ${data.source}`,
    ];
    if (data.accepted.length > 0) {
      lines.push(colors.dim(`${data.accepted.length} accepted finding(s):`));
      for (const a of data.accepted) lines.push(colors.dim(`  ${a.rule} on ${a.object}: ${a.reason}`));
    }
    return lines.join('\n');
  });
}
