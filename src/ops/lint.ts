import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { LoadedConfig } from '../core/config.js';
import { createRuleSet, type RuleSet } from '../core/engine.js';
import { PgwardenError } from '../core/errors.js';
import { type Finding, isFileLocation } from '../core/finding.js';
import { targetMajor } from '../core/pg-major.js';
import { createReport, type Report } from '../core/report.js';
import { VERSION } from '../core/version.js';
import { serverVersion } from '../db/server-info.js';
import type { DatabaseTarget } from '../db/target.js';
import { applyBaseline, writeBaseline } from '../lint/baseline.js';
import { schemaStateFromDatabase } from '../lint/database-facts.js';
import type { MigrationModel } from '../lint/migration-model.js';
import { oneLine } from '../lint/rule-helpers.js';
import { SchemaState } from '../lint/schema-state.js';
import type { TraceModel } from '../lint/trace-model.js';
import { MAX_LINT_VERSION, MIN_LINT_VERSION } from '../locks/model.js';
import type { LockMode } from '../locks/modes.js';
import { type FolderFacts, readMigrationScript, readMigrations, splitSections } from '../migrate/files.js';
import { RULE_IDS } from '../rules/ids.js';
import { lintRules } from '../rules/lint-rules.js';
import { collectSqlFiles, type FileTextCache, readSqlSources, type SqlSource } from '../sql/files.js';
import { ParsePool } from '../sql/parse-pool.js';
import { checkSql, type ScriptSource } from './check-sql.js';
import { type FixPlan, planFixes } from './fix.js';

export interface LintOptions {
  /** Migration folders (any supported layout: their up sections) and SQL files. */
  readonly paths?: readonly string[];
  /**
   * SQL given as text, linted after `paths`. A source without `transaction` is read as a file would be: its up
   * section when it has `-- migrate:up` / `-- migrate:down` sections.
   */
  readonly sources?: readonly ScriptSource[];
  /**
   * Migration folders or files read before the scripts, only to know what they create (tables, column types):
   * nothing is reported on them.
   */
  readonly before?: readonly string[];
  readonly config: LoadedConfig;
  /** The rules to run; default: every rule, with the config's settings. */
  readonly ruleSet?: RuleSet;
  /** Target PostgreSQL major (10–18); default: the --db server's, else the config's, else DEFAULT_PG_MAJOR. */
  readonly pgVersion?: number;
  /** A database to read facts from (read-only): sizes, constraints, types, casts, function volatility. */
  readonly db?: string;
  /** Also run the migrations on a scratch database and compare what PostgreSQL did with the lock model. */
  readonly trace?: boolean;
  /** The server to trace on (a scratch database is created there); default: the embedded server of --pg-version. */
  readonly traceDb?: string;
  /** The server to trace on, already open (its owner closes it): used instead of `traceDb`. */
  readonly traceTarget?: DatabaseTarget;
  /** Rewrite the mechanical cases in the files (and report the diff). */
  readonly fix?: boolean;
  /** Accept the findings listed in this file; `writeBaseline` writes the current findings to one. */
  readonly baseline?: string;
  readonly writeBaseline?: string;
  /** Report only on files changed since this git ref (earlier migrations are still read, for what they create). */
  readonly changedSince?: string;
  readonly log?: (message: string) => void;
  /** Parse workers (threads): 0 parses on the main thread; default: one per spare core, for large inputs. */
  readonly parseWorkers?: number;
}

/** Per statement, what it does on the target version: the evidence behind the findings. */
export interface StatementReport {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly sql: string;
  /** Index of the transaction it runs in (within its file); null when it runs in autocommit. */
  readonly transaction: number | null;
  readonly locks: readonly {
    relation: string;
    mode: LockMode;
    blocksReads: boolean;
    blocksWrites: boolean;
  }[];
  readonly rewrites: readonly string[];
  readonly scans: readonly string[];
  /** Rules that reported on it, with their fix. */
  readonly findings: readonly { rule: string; severity: string; fix: string | null }[];
}

export interface LintData extends Record<string, unknown> {
  readonly pgVersion: number;
  readonly files: readonly string[];
  readonly statements: readonly StatementReport[];
  /** With --trace: what PostgreSQL really did, statement by statement. */
  readonly trace?: TraceModel;
  /** With --fix: what was rewritten (files and diff) and what was left for a person. */
  readonly fix?: FixPlan;
  /** Findings accepted by the baseline. */
  readonly baselined?: number;
  /** With --write-baseline: the file written and how many findings it accepts from now on. */
  readonly wroteBaseline?: { readonly file: string; readonly findings: number };
  /** With --changed-since: the files left out because they did not change since that revision. */
  readonly unchanged?: { readonly since: string; readonly files: number };
  /** The database the facts were read from (`db`; never a password); null without one. */
  readonly database: string | null;
  /** What was read first, only for what it creates (`before`). */
  readonly before: readonly string[];
}

/** The scripts to lint: migration folders in any supported layout (up sections), and SQL files. */
export async function lintSources(paths: readonly string[], cache?: FileTextCache): Promise<ScriptSource[]> {
  const scripts: ScriptSource[] = [];
  const folders = new Map<string, FolderFacts>();
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new PgwardenError('input', `no such file or folder: ${path}`);
    if (info.isDirectory()) {
      const migrations = await readMigrations(path, cache ? { cache } : {});
      if (migrations.length > 0) {
        scripts.push(...migrations.map((m) => m.up));
        continue;
      }
      scripts.push(...(await looseSqlSources(path, cache)));
      continue;
    }
    // a migration given on its own is run as its folder's runner runs it (goose's sections, sqlx's opt-out…)
    const migration = await readMigrationScript(path, cache, folders);
    if (migration) {
      scripts.push(migration);
      continue;
    }
    const [source] = await readSqlSources([path], cache);
    scripts.push(scriptOf(source!));
  }
  return scripts;
}

/** A folder that holds no migrations: its .sql files, each linted as it is. */
export async function looseSqlSources(dir: string, cache?: FileTextCache): Promise<ScriptSource[]> {
  return readSqlSources(await collectSqlFiles([dir]), cache);
}

/** A SQL file's script: its up section when it has `-- migrate:up` / `-- migrate:down` sections, else all of it. */
export function scriptOf(source: SqlSource): ScriptSource {
  const sections = splitSections(source.text);
  return sections
    ? { file: source.file, text: sections.up.text, transaction: sections.up.transaction }
    : source;
}

export function validateLintVersion(major: number, source: string): number {
  if (!Number.isInteger(major) || major < MIN_LINT_VERSION || major > MAX_LINT_VERSION) {
    throw new PgwardenError('usage', `${source}: PostgreSQL ${major} is not supported`, {
      hint: `lint knows PostgreSQL ${MIN_LINT_VERSION} to ${MAX_LINT_VERSION}`,
    });
  }
  return major;
}

/** `pgwarden lint`: migration scripts and SQL files, checked by every rule for the target PostgreSQL version. */
export async function lint(options: LintOptions): Promise<Report<LintData>> {
  const ruleSet = options.ruleSet ?? createRuleSet(lintRules, options.config.config, RULE_IDS);
  const paths = options.paths ?? [];
  if (options.fix && options.sources && options.sources.length > 0)
    throw new PgwardenError('usage', '--fix rewrites files: give paths, not SQL text');
  const given = [
    ...(await lintSources(paths)),
    ...(options.sources ?? []).map((s) => (s.transaction === undefined ? scriptOf(s) : s)),
  ];
  if (given.length === 0) {
    throw new PgwardenError(
      'input',
      paths.length > 0 ? `no .sql files in ${paths.join(', ')}` : 'nothing to lint',
      { hint: 'pass SQL files, or folders that contain .sql files or migrations' },
    );
  }
  const earlier = await lintSources(options.before ?? []);
  const givenFiles = new Set(given.map((s) => s.file));
  // read only for what they create: nothing is reported on them
  const readFirst = new Set(earlier.map((s) => s.file).filter((file) => !givenFiles.has(file)));
  const sources = [...earlier, ...given];
  const { state, pgVersion, database } = await lintTarget(options);
  // the models are needed after the rules only to trace, fix and baseline; else each file's is let go at once
  const retain =
    options.trace === true ||
    options.fix === true ||
    options.baseline !== undefined ||
    options.writeBaseline !== undefined;
  const evidence: StatementEvidence[] = [];
  // many files: parsed on worker threads while this one works on the ones already parsed
  const pool = ParsePool.open(sources, options.parseWorkers);
  let result: Awaited<ReturnType<typeof checkSql>>;
  try {
    result = await checkSql(sources, {
      pgVersion,
      ruleSet,
      state,
      thresholds: options.config.config.thresholds,
      retain,
      onMigration: (migration) => evidence.push(...evidenceOf(migration)),
      ...(pool ? { parse: (index: number) => pool.get(index) } : {}),
    });
  } finally {
    await pool?.close();
  }
  let findings = [...result.findings];
  const skipped = [...result.skipped];
  let trace: TraceModel | undefined;
  if (options.trace) {
    trace = await runTrace(result.migrations, pgVersion, options);
    const run = ruleSet.run('trace', trace, { pgVersion });
    findings.push(...run.findings);
    skipped.push(...run.skipped);
  }
  if (readFirst.size > 0)
    findings = findings.filter((f) => !isFileLocation(f.location) || !readFirst.has(f.location.file));
  let statements = evidence.filter((s) => !readFirst.has(s.file));
  let linted = [...givenFiles];
  let unchanged: LintData['unchanged'];
  if (options.changedSince !== undefined) {
    const { changedSince } = await import('../lint/changed.js');
    const changed = await changedSince(options.changedSince);
    const isChanged = (file: string) => changed.has(resolve(file));
    findings = findings.filter((f) => !isFileLocation(f.location) || isChanged(f.location.file));
    statements = statements.filter((s) => isChanged(s.file));
    const kept = linted.filter(isChanged);
    unchanged = { since: options.changedSince, files: linted.length - kept.length };
    linted = kept;
  }
  if (options.fix) {
    const { appliedMigrations } = await import('./fix-applied.js');
    const applied = await appliedMigrations(sources, options);
    const fix = planFixes(sources, result.migrations, findings, applied);
    for (const file of fix.files) {
      await mkdir(dirname(file.file), { recursive: true }); // a new migration can be a folder (Prisma, diesel)
      await writeFile(file.file, file.after);
    }
    // what is left after the rewrite, as ESLint does
    const after = await lint({ ...options, ruleSet, fix: false });
    return { ...after, data: { ...after.data!, fix } };
  }
  let baselined: number | undefined;
  let wroteBaseline: LintData['wroteBaseline'];
  if (options.writeBaseline !== undefined) {
    await writeBaseline(options.writeBaseline, findings, result.migrations);
    // what was just written is accepted: this run reports it as the next run with --baseline will
    wroteBaseline = { file: options.writeBaseline, findings: findings.length };
    baselined = findings.length;
    findings = [];
  }
  if (options.baseline !== undefined) {
    const applied = await applyBaseline(options.baseline, findings, result.migrations);
    findings = applied.kept;
    baselined = applied.accepted;
  }
  return createReport({
    version: VERSION,
    command: 'lint',
    findings,
    skipped,
    data: {
      pgVersion,
      files: linted,
      statements: statementReports(statements, findings),
      ...(trace ? { trace } : {}),
      ...(baselined !== undefined ? { baselined } : {}),
      ...(wroteBaseline ? { wroteBaseline } : {}),
      ...(unchanged ? { unchanged } : {}),
      database,
      before: [...(options.before ?? [])],
    },
  });
}

/**
 * The database targets (the driver, the embedded server), loaded only when a lint reads or traces a database; the
 * tracer, git and the runners' history tables likewise, with their options (they bring child_process and crypto).
 */
function loadTargets(): Promise<typeof import('../db/target.js')> {
  return import('../db/target.js');
}

/**
 * What every lint starts from, for `lint` and its watch session alike: the --db server's facts (schema, sizes,
 * major), the runner's session TimeZone from the config, and the target major (a mismatch logged as a warning).
 */
export async function lintTarget(
  options: Pick<LintOptions, 'db' | 'pgVersion' | 'config' | 'log'>,
): Promise<{ state: SchemaState | undefined; pgVersion: number; database: string | null }> {
  let state: SchemaState | undefined;
  let dbVersion: number | undefined;
  let database: string | null = null;
  if (options.db !== undefined) {
    const { openTarget } = await loadTargets();
    const target = await openTarget({ db: options.db });
    database = target.display;
    try {
      const connection = await target.connect();
      try {
        dbVersion = (await serverVersion(connection)).major;
        state = await schemaStateFromDatabase(connection);
      } finally {
        await connection.close();
      }
    } finally {
      await target.close();
    }
  }
  // the runner's session TimeZone, as the config says (else the --db server's)
  const sessionTimeZone = options.config.config.migrations.sessionTimeZone;
  if (sessionTimeZone !== undefined) {
    state ??= new SchemaState();
    state.sessionTimeZone = sessionTimeZone;
  }
  const target = targetMajor({
    given: options.pgVersion,
    server: dbVersion,
    configured: options.config.config.pgVersion,
  });
  if (target.warning) options.log?.(target.warning);
  const pgVersion = validateLintVersion(
    target.major,
    options.pgVersion !== undefined ? '--pg-version' : 'the target version',
  );
  return { state, pgVersion, database };
}

async function runTrace(
  migrations: readonly MigrationModel[],
  pgVersion: number,
  options: LintOptions,
): Promise<TraceModel> {
  if (options.traceDb === undefined && options.traceTarget === undefined && pgVersion < 13) {
    throw new PgwardenError(
      'usage',
      `--trace runs on an embedded PostgreSQL ${pgVersion}, which pgwarden cannot start (13 to 18 only)`,
      {
        hint: 'trace on a server of your own with --trace-db URL, or trace with --pg-version 13 or later',
      },
    );
  }
  const { openTarget } = await loadTargets();
  const { traceMigrations } = await import('./trace.js');
  const target =
    options.traceTarget ??
    (await openTarget({
      db: options.traceDb,
      env: {},
      config: { databaseUrlEnv: 'PGWARDEN_NO_URL', embedded: { version: pgVersion } },
      embedded: { log: options.log },
    }));
  try {
    const trace = await traceMigrations(target, migrations, options.log);
    const traced = Number(/PostgreSQL (\d+)/.exec(trace.server)?.[1]);
    if (traced !== pgVersion) {
      // what PostgreSQL did is that major's behaviour; the lock model's prediction is the target's
      options.log?.(
        `warning: traced on PostgreSQL ${traced}, but the target is ${pgVersion}: locks that differ between the two majors are reported as differences (trace on a server of ${pgVersion}, or pass --pg-version ${traced})`,
      );
    }
    return trace;
  } finally {
    if (!options.traceTarget) await target.close();
  }
}

/** A statement's report before its findings are known. */
export type StatementEvidence = Omit<StatementReport, 'findings'> & { readonly endLine: number };

export function evidenceOf(migration: MigrationModel): StatementEvidence[] {
  return (
    migration.statements
      // a function's body runs when the function is called, not in the migration: it locks nothing here
      .filter((s) => s.operations.length > 0 && s.embeddedIn !== 'function')
      .map((analyzed) => {
        const { statement } = analyzed;
        return {
          file: migration.file,
          line: statement.start.line,
          column: statement.start.column,
          endLine: statement.end.line,
          sql: oneLine(statement.text, 200),
          transaction: analyzed.inTransactionBlock ? analyzed.transaction.index : null,
          locks: analyzed.locks.map(({ relation, mode, blocksReads, blocksWrites }) => ({
            relation,
            mode,
            blocksReads,
            blocksWrites,
          })),
          rewrites: analyzed.rewrites,
          scans: analyzed.scans,
        };
      })
  );
}

/** Each statement with the findings on its lines (in the order of `findings`). */
export function statementReports(
  statements: readonly StatementEvidence[],
  findings: readonly Finding[],
): StatementReport[] {
  // per file, the findings sorted by line (then by their order): each statement looks up its lines
  const byFile = new Map<string, { line: number; order: number; finding: Finding }[]>();
  findings.forEach((finding, order) => {
    if (!isFileLocation(finding.location)) return;
    const list = byFile.get(finding.location.file) ?? [];
    list.push({ line: finding.location.line, order, finding });
    byFile.set(finding.location.file, list);
  });
  for (const list of byFile.values()) list.sort((a, b) => a.line - b.line || a.order - b.order);
  return statements.map(({ endLine, ...statement }) => {
    const list = byFile.get(statement.file) ?? [];
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (list[mid]!.line < statement.line) low = mid + 1;
      else high = mid;
    }
    const mine: { order: number; finding: Finding }[] = [];
    for (let i = low; i < list.length && list[i]!.line <= endLine; i++) mine.push(list[i]!);
    mine.sort((a, b) => a.order - b.order);
    return {
      ...statement,
      findings: mine.map(({ finding: f }) => ({ rule: f.rule, severity: f.severity, fix: f.fix })),
    };
  });
}
