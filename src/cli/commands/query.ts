import type { CliContext, OutputOptions } from '../context.js';
import { emit } from '../context.js';

export interface QueryCliOptions extends OutputOptions {
  readonly sql?: string;
  readonly db?: string;
  readonly schema?: string[];
  readonly migrations?: string;
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
    embedded: { log: context.log },
    log: context.log,
  });
  const data = report.data!;
  emit(context, report, options, (colors) => {
    const files = data.files.length;
    const lines = [
      `Checked ${data.statements.length} quer${data.statements.length === 1 ? 'y' : 'ies'} in ${files} file${files === 1 ? '' : 's'}`,
    ];
    lines.push(
      data.schema.kind === 'none'
        ? colors.dim(
            'No schema given (--db, --schema or --migrations): checks that need tables and indexes were left out.',
          )
        : `Against ${data.schema.source} (${data.schema.tables} table${data.schema.tables === 1 ? '' : 's'})`,
    );
    return lines.join('\n');
  });
}
