/**
 * The commands' own data for people, one renderer per command: the CLI prints it above the findings (text and
 * markdown formats) and the MCP server returns it as the text beside the structured result, so both say the same.
 */
import { formatCount } from '../core/format.js';
import type { Report } from '../core/report.js';
import { renderPlan } from '../explain/render.js';
import { renderMigrateResult } from '../migrate/render.js';
import { displayPath } from '../report/location.js';
import type { Colors } from '../report/text.js';
import { describeChoice } from '../schema/conventions.js';
import type { ExplainData } from './explain.js';
import type { LintData } from './lint.js';
import type { MigrateData } from './migrate.js';
import type { QueryReviewData } from './query-review.js';
import type { ReviewData } from './schema-review.js';
import type { VerifyData } from './verify.js';

export interface RenderDataOptions {
  /** Paths are shown relative to this folder (default: the working directory). */
  readonly cwd?: string;
  /** Columns the output must fit (the plan of explain); default 100. */
  readonly width?: number;
}

const plural = (count: number, word: string, many = `${word}s`) =>
  `${formatCount(count)} ${count === 1 ? word : many}`;

/** `pgwarden lint`: what was linted, each statement with the locks it takes, and with a trace what PostgreSQL did. */
export function renderLintData(
  report: Report<LintData>,
  _c: Colors,
  options: RenderDataOptions = {},
): string {
  const data = report.data;
  if (!data) return '';
  const shown = (file: string) => displayPath(file, options.cwd);
  const context = [
    data.database ? `, with facts from ${data.database}` : '',
    data.before.length > 0
      ? `, after ${data.before.map(shown).join(', ')} (read first for what they create)`
      : '',
    data.unchanged?.files
      ? `; ${plural(data.unchanged.files, 'file')} unchanged since ${data.unchanged.since} left out`
      : '',
    data.baselined && !data.wroteBaseline ? `; ${data.baselined} finding(s) accepted by the baseline` : '',
  ].join('');
  const lines = [
    `Linted ${plural(data.files.length, 'file')} (${plural(data.statements.length, 'statement')} touching tables) for PostgreSQL ${data.pgVersion}${context}`,
  ];
  if (data.wroteBaseline) {
    lines.push(
      `Wrote ${shown(data.wroteBaseline.file)}: ${plural(data.wroteBaseline.findings, 'finding')} accepted; with --baseline ${shown(data.wroteBaseline.file)} later runs report only new ones`,
    );
  }
  for (const statement of data.statements.slice(0, LISTED_STATEMENTS)) {
    const locks =
      statement.locks
        .map(
          (l) =>
            `${l.relation} ${l.mode}${l.blocksReads ? ' (blocks reads and writes)' : l.blocksWrites ? ' (blocks writes)' : ''}`,
        )
        .join(', ') || 'no table lock';
    const extra = [
      statement.rewrites.length ? `rewrites ${statement.rewrites.join(', ')}` : '',
      statement.scans.length ? `reads all of ${statement.scans.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    lines.push(
      `  ${shown(statement.file)}:${statement.line} ${statement.sql.slice(0, 80)} → ${locks}${extra ? `; ${extra}` : ''}`,
    );
  }
  lines.push(...more(data.statements.length, 'statement'));
  const { trace } = data;
  if (trace) {
    const mismatches = trace.statements.reduce((n, s) => n + s.mismatches.length, 0);
    lines.push(
      `Traced ${formatCount(trace.statements.length)} statements on ${trace.server}: ${mismatches === 0 ? 'the lock model matched every one' : `${mismatches} disagreement(s) with the lock model`}${trace.stopped ? `; stopped at ${shown(trace.stopped.file)}:${trace.stopped.line}` : ''}`,
    );
    for (const statement of trace.statements.slice(0, LISTED_STATEMENTS)) {
      const locks =
        statement.observed.locks.map((l) => `${l.relation} ${l.mode.replace(/Lock$/, '')}`).join(', ') ||
        'no lock';
      const extra = [
        statement.observed.rewritten.length ? `rewrote ${statement.observed.rewritten.join(', ')}` : '',
        statement.observed.scanned.length ? `read ${statement.observed.scanned.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ');
      lines.push(
        `  ${shown(statement.file)}:${statement.line} ${statement.sql.slice(0, 60)} → ${locks}${extra ? `; ${extra}` : ''} (${Math.round(statement.observed.durationMs)} ms)`,
      );
    }
    lines.push(...more(trace.statements.length, 'traced statement'));
  }
  return lines.join('\n');
}

/**
 * How many statements the text lists with their locks: a folder of hundreds of migrations would bury the findings
 * under thousands of lines. `--format json` has every one.
 */
const LISTED_STATEMENTS = 25;

function more(total: number, what: string): string[] {
  const left = total - LISTED_STATEMENTS;
  return left > 0 ? [`  … and ${plural(left, what)} more (--format json lists every one)`] : [];
}

/** `pgwarden explain`: how the plan was obtained, and the plan with the nodes the findings are about marked. */
export function renderExplainData(
  report: Report<ExplainData>,
  c: Colors,
  options: RenderDataOptions = {},
): string {
  const data = report.data;
  if (!data) return '';
  const marks = new Map<number, string>();
  for (const finding of report.findings) {
    const id = finding.evidence?.nodeId;
    if (typeof id === 'number' && !marks.has(id)) marks.set(id, `◀ node ${id + 1}`);
  }
  // a plan alone: the source says so; with a database, the plan was read with that database's tables
  const header = data.explain.options
    ? `EXPLAIN (${data.explain.options})${data.explain.generic ? ', a generic plan: the query has parameters without values' : ''} on ${data.source}`
    : data.hypopg === 'no-database'
      ? `${data.source.charAt(0).toUpperCase()}${data.source.slice(1)}`
      : `A plan given as input, read with the tables of ${data.source}`;
  const lines = [c.dim(header)];
  if (data.rolledBack)
    lines.push(
      c.dim(
        'The statement ran and was rolled back: its row changes are undone, but the sequences it drew from (serial or identity columns, nextval) stay advanced.',
      ),
    );
  lines.push('', renderPlan(data.plan, c, { width: options.width, marks }).trimEnd());
  if (report.findings.length > 0) lines.push('', c.bold('Findings, largest estimated saving first:'));
  return lines.join('\n');
}

/** `pgwarden migrate verify`: one verdict per migration. */
export function renderVerifyData(report: Report<VerifyData>, c: Colors): string {
  const verify = report.data?.verify;
  if (!verify) return '';
  const lines = [
    `Verified ${formatCount(verify.results.length)} migration(s) on a scratch database of ${verify.server} in ${Math.round(verify.ms)} ms`,
  ];
  for (const result of verify.results) {
    const mark =
      result.verdict === 'reversible'
        ? c.green('✔')
        : result.verdict === 'column order' || result.verdict === 'no down'
          ? c.yellow('⚠')
          : c.red('✖');
    lines.push(`  ${mark} ${result.version} ${result.name.padEnd(32)} ${result.verdict}`);
  }
  return lines.join('\n');
}

/** `pgwarden schema`: what was reviewed, and the findings the project accepted. */
export function renderReviewData(report: Report<ReviewData>, c: Colors): string {
  const data = report.data;
  if (!data) return '';
  const lines = [
    `Reviewed ${formatCount(data.tables)} table(s) in ${data.schemas.length === 0 ? 'no schema' : data.schemas.join(', ')}: ${data.source}`,
  ];
  if (data.naming && data.tables > 0) {
    const n = data.naming;
    lines.push(
      c.dim(
        `Naming convention: tables ${describeChoice(n.tables)}, ${describeChoice(n.tableNumber)}; columns ${describeChoice(n.columns)}`,
      ),
    );
  }
  if (data.accepted.length > 0) {
    lines.push(c.dim(`${data.accepted.length} accepted finding(s):`));
    for (const a of data.accepted) lines.push(c.dim(`  ${a.rule} on ${a.object}: ${a.reason}`));
  }
  return lines.join('\n');
}

/** `pgwarden query`: how many queries were checked, and against which schema. */
export function renderQueryReviewData(report: Report<QueryReviewData>, c: Colors): string {
  const data = report.data;
  if (!data) return '';
  const lines = [
    `Checked ${plural(data.statements.length, 'query', 'queries')} in ${plural(data.files.length, 'file')}`,
  ];
  lines.push(
    data.schema.kind === 'none'
      ? c.dim(
          'No schema given (--db, --schema or --migrations): checks that need tables and indexes were left out.',
        )
      : `Against ${data.schema.source} (${plural(data.schema.tables, 'table')})`,
  );
  return lines.join('\n');
}

/** `pgwarden migrate up|down|redo|status`: the plan or what ran, and the status of every migration. */
export function renderMigrateData(report: Report<MigrateData>, c: Colors): string {
  return report.data ? renderMigrateResult(report.data, c) : '';
}
