import { PgwardenError } from '../../core/errors.js';
import type { CliContext, OutputOptions } from '../context.js';
import { emit } from '../context.js';

export interface ExplainCliOptions extends OutputOptions {
  readonly file?: string;
  readonly plan?: string;
  readonly db?: string;
  readonly analyze: boolean;
  readonly params?: string;
  readonly timeout?: number;
  readonly schema?: string[];
  readonly migrations?: string;
  readonly seed?: string;
  readonly hypothetical: boolean;
  readonly pgVersion?: number;
}

/** `--params 42,paid` or, for values with commas or NULLs, a JSON array: `--params '[42, null, "a,b"]'`. */
export function parseParams(text: string | undefined): (string | null)[] | undefined {
  if (text === undefined) return undefined;
  if (text.trim().startsWith('[')) {
    let values: unknown;
    try {
      values = JSON.parse(text);
    } catch (error) {
      throw new PgwardenError('usage', `--params: not a JSON array: ${(error as Error).message}`);
    }
    if (!Array.isArray(values)) throw new PgwardenError('usage', '--params: expected a JSON array');
    return values.map((v) => (v === null ? null : typeof v === 'string' ? v : JSON.stringify(v)));
  }
  return text.split(',');
}

export async function runExplain(
  context: CliContext,
  sql: string | undefined,
  options: ExplainCliOptions,
): Promise<void> {
  const { lib } = context;
  const report = await lib.explainQuery({
    config: context.config,
    sql,
    file: options.file,
    planFile: options.plan,
    db: options.db,
    analyze: options.analyze,
    params: parseParams(options.params),
    timeoutMs: options.timeout,
    schema: options.schema,
    migrations: options.migrations,
    seed: options.seed,
    hypothetical: options.hypothetical,
    pgVersion: options.pgVersion,
    embedded: { log: context.log },
    log: context.log,
  });
  emit(context, report, options, (colors) =>
    lib.renderExplainData(report, colors, { width: process.stdout.columns || 100 }),
  );
}
