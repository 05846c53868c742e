import type { Readable } from 'node:stream';
import type { LoadedConfig } from '../core/config.js';
import { createRuleSet, type RuleSet } from '../core/engine.js';
import { PgwardenError } from '../core/errors.js';
import { formatBytes } from '../core/format.js';
import { DEFAULT_PG_MAJOR } from '../core/pg-major.js';
import { createReport, type Report } from '../core/report.js';
import { VERSION } from '../core/version.js';
import type { LogFormat } from '../logs/entry.js';
import type { LogFileRead, LogReportData } from '../logs/model.js';
import { analyzeLoggedPlans } from '../logs/plans.js';
import { readLogs } from '../logs/read.js';
import { parseBoundary } from '../logs/time.js';
import { allRules } from '../rules/index.js';

export interface LogsOptions {
  /** Log files, log folders, or `-` (standard input). */
  readonly paths: readonly string[];
  readonly config?: LoadedConfig;
  readonly ruleSet?: RuleSet;
  readonly format?: LogFormat;
  /** stderr logs: the server's log_line_prefix (default: detected from the first lines). */
  readonly prefix?: string;
  /** Only entries at or after / at or before this time: ISO date or date-time (UTC unless it names a zone). */
  readonly since?: string;
  readonly until?: string;
  /** How many normalized queries the report lists (most total time first; default 20). */
  readonly top?: number;
  readonly stdin?: Readable;
  /** A state file: read only what was appended since the last run with it, and report the whole (see readLogs). */
  readonly incremental?: string;
  readonly log?: (message: string) => void;
}

/** The report's own data: the log model, with the queries cut to the top ones. */
export type LogsData = LogReportData & Record<string, unknown>;

function boundary(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseBoundary(text);
  if (ms === null)
    throw new PgwardenError('usage', `--${name} ${text}: not a date or time`, {
      hint: 'an ISO date or date-time, e.g. 2024-05-01 or "2024-05-01 10:00:00" (UTC unless it names a zone)',
    });
  return ms;
}

function describeFile(file: LogFileRead): string {
  const resumed =
    file.resumed === undefined || file.resumed === 'new'
      ? ''
      : file.resumed === 'resumed'
        ? ` from byte ${file.startOffset}`
        : ` (${file.resumed})`;
  return `${file.path}: ${file.format}${file.compressed ? ' (compressed)' : ''}, ${formatBytes(file.bytes)}${resumed}${file.prefix ? `, prefix '${file.prefix}'` : ''}`;
}

/**
 * `pgwarden logs`: reads PostgreSQL server logs (stderr with its prefix, csvlog, jsonlog; gzip), streaming, into
 * the log model — queries by fingerprint, N+1 loops, errors, lock waits, deadlocks, temp files, checkpoints,
 * autovacuum, connections — and runs the `log` rules on it. Reads files only: no database is opened.
 */
export async function analyzeLogs(options: LogsOptions): Promise<Report<LogsData>> {
  if (options.paths.length === 0)
    throw new PgwardenError('usage', 'no log given', {
      hint: 'give log files, a log folder (e.g. $PGDATA/log) or - for standard input',
    });
  const since = boundary('since', options.since);
  const until = boundary('until', options.until);
  if (since !== undefined && until !== undefined && since > until)
    throw new PgwardenError('usage', `--since ${options.since} is after --until ${options.until}`, {
      hint: 'give the start of the window with --since and its end with --until',
    });
  const ruleSet = options.ruleSet ?? createRuleSet(allRules, options.config?.config);
  const model = await readLogs({
    paths: options.paths,
    format: options.format,
    prefix: options.prefix,
    since,
    until,
    stdin: options.stdin,
    incremental: options.incremental,
    progress: (file) => options.log?.(`read ${describeFile(file)}`),
  });
  const run = ruleSet.run('log', model, { pgVersion: DEFAULT_PG_MAJOR });
  // auto_explain's plans, through the plan analyser: its findings name the statement
  const plans = analyzeLoggedPlans(model.plans.kept, ruleSet, DEFAULT_PG_MAJOR);
  if (plans.unreadable > 0)
    options.log?.(`${plans.unreadable} auto_explain plan(s) could not be read (costs off, or truncated)`);
  const skipped = [...run.skipped];
  if (!model.sessionsKnown && model.queries > 0)
    skipped.push({
      rule: 'log/n-plus-one',
      reason: 'the log has no session or process id (%c or %p in log_line_prefix): loops cannot be followed',
    });
  const { queryStats, ...rest } = model;
  return createReport({
    version: VERSION,
    command: 'logs',
    findings: [...run.findings, ...plans.findings],
    skipped,
    data: { ...rest, topQueries: queryStats.slice(0, options.top ?? 20) },
  });
}
