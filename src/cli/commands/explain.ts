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
    embedded: { log: context.log },
    log: context.log,
  });
  const data = report.data!;
  const marks = new Map<number, string>();
  for (const finding of report.findings) {
    const id = finding.evidence?.nodeId;
    if (typeof id === 'number' && !marks.has(id)) marks.set(id, `◀ node ${id + 1}`);
  }
  emit(context, report, options, (colors) => {
    const plan = { ...data.plan, root: data.plan.nodes[0]! } as import('../../index.js').Plan;
    // a plan file alone: the source says so; with a database, the plan was read with that database's tables
    const header = data.explain.options
      ? `EXPLAIN (${data.explain.options})${data.explain.generic ? ', a generic plan: the query has parameters without values' : ''} on ${data.source}`
      : data.hypopg === 'no-database'
        ? `${data.source.charAt(0).toUpperCase()}${data.source.slice(1)}`
        : `A plan read from a file, with the tables of ${data.source}`;
    const lines = [colors.dim(header)];
    if (data.rolledBack)
      lines.push(
        colors.dim(
          'The statement ran and was rolled back: its row changes are undone, but the sequences it drew from (serial or identity columns, nextval) stay advanced.',
        ),
      );
    lines.push('', lib.renderPlan(plan, colors, { width: process.stdout.columns || 100, marks }).trimEnd());
    if (report.findings.length > 0) lines.push('', colors.bold('Findings, largest estimated saving first:'));
    return lines.join('\n');
  });
}
