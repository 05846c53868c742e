import type { CliContext, OutputOptions } from '../context.js';
import { emit } from '../context.js';

export interface InspectCliOptions extends OutputOptions {
  readonly db?: string;
  readonly table?: string;
}

export async function runInspect(
  context: CliContext,
  files: string[],
  options: InspectCliOptions,
): Promise<void> {
  const { lib } = context;
  const report = await lib.inspect({
    config: context.config,
    db: options.db,
    files,
    table: options.table,
    embedded: { log: context.log },
  });
  const data = report.data!;
  emit(context, report, options, (colors) =>
    data.table
      ? lib.renderTable(data.table, colors)
      : lib.renderSnapshot(data.snapshot!, data.source, colors),
  );
}
