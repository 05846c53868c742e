/**
 * The schema review part of the `snapshot` benchmark: on the database the snapshot benchmark generated (default
 * 10,000 tables, 40,000 indexes), `pgwarden schema --db URL --format json --quiet` end to end as a fresh process,
 * side by side with schemalint (npm `schemalint`, installed into bench/.peers) on the same database, the runs of
 * both tools interleaved in the snapshot benchmark's loop. Both run under GNU time, which reports their peak RSS.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type pg from 'pg';
import {
  distPath,
  ensurePeers,
  fmtInt,
  fmtMiB,
  fmtMs,
  fmtRatio,
  log,
  mdTable,
  median,
  now,
  onCleanup,
  sleep,
  stats,
} from './lib.js';

export const REVIEW_GOAL_MS = 10_000;
const GNU_TIME = '/usr/bin/time';
/** Relative to the process's folder: no command line may name the harness's temporary folders (see strayServers). */
const TIME_FILE = 'time.txt';
const OUT_FILE = 'out.txt';
const ERR_FILE = 'err.txt';
const PGWARDEN_TIMEOUT_MS = 5 * 60_000;
/** knex's pool-acquire timeout in the measured schemalint runs (see schemalintConfig); above any run's length. */
const PATCHED_ACQUIRE_TIMEOUT_MS = 24 * 60 * 60_000;
/** schemalint's sessions, so that the harness can wait for a stopped run's queries to end on the server. */
const SCHEMALINT_APPLICATION = 'pgwarden-bench-schemalint';

/**
 * schemalint's built-in rules that have a counterpart among pgwarden's schema rules, with that counterpart.
 * `reference-actions` (wants one prescribed ON DELETE / ON UPDATE action everywhere), `row-level-security`
 * (every table) and `prefer-text-with-check-to-enum` have none close enough.
 */
export const SCHEMALINT_RULES: Record<string, { options: unknown[]; pgwarden: string }> = {
  'name-casing': { options: ['snake'], pgwarden: 'table-naming, column-naming' },
  'name-inflection': { options: ['plural'], pgwarden: 'table-naming' },
  'prefer-jsonb-to-json': { options: [], pgwarden: 'prefer-jsonb' },
  'prefer-text-to-varchar': { options: [], pgwarden: 'varchar-length' },
  'prefer-timestamptz-to-timestamp': { options: [], pgwarden: 'prefer-timestamptz' },
  'prefer-identity-to-serial': { options: [], pgwarden: 'prefer-identity' },
  'index-referencing-column': { options: [], pgwarden: 'foreign-key-without-index' },
  'require-primary-key': { options: [], pgwarden: 'no-primary-key' },
  'mandatory-columns': { options: [{ created_at: {}, updated_at: {} }], pgwarden: 'timestamps' },
};

export interface ReviewRun {
  /** From spawn to exit. */
  readonly wallMs: number;
  /** User + system CPU time of the process (GNU time's %U + %S). */
  readonly cpuMs: number;
  /** Peak resident set size (GNU time's %M). */
  readonly maxRssBytes: number;
  readonly exitCode: number;
  readonly findings: number;
  /**
   * pgwarden: `tables` of its JSON report. schemalint: the tables its `mandatory-columns` rule named (none of the
   * generated tables has `updated_at`, so it names every table it reviewed).
   */
  readonly tables: number;
}

/** A schemalint run that did not end by itself: stopped at the time limit, or failed. */
export interface SchemalintStop {
  readonly reason: 'time limit' | 'error';
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly maxRssBytes: number;
  /** The error it printed, or how long it was given. */
  readonly detail: string;
}

export interface ReviewResult {
  readonly expectedTables: number;
  readonly pgwarden: {
    readonly samples: ReviewRun[];
    /** Findings of the last measured run by rule. */
    readonly byRule: Record<string, number>;
    /** What pgwarden's report says it left out (e.g. the rules that read column statistics). */
    readonly skipped: { rule: string; reason: string }[];
  };
  readonly schemalint: {
    readonly version: string;
    readonly extractPgSchemaVersion: string;
    readonly knexVersion: string;
    readonly rules: Record<string, unknown[]>;
    readonly timeLimitMs: number;
    /** One run as shipped (knex's default 60 s pool-acquire timeout), before the rounds: also its warm-up. */
    readonly asShipped:
      | (ReviewRun & { readonly completed: true })
      | (SchemalintStop & { readonly completed: false });
    /** Measured runs that completed (pool-acquire timeout raised). */
    readonly samples: ReviewRun[];
    readonly byRule: Record<string, number>;
    /** The measured run that did not complete, if any (later rounds do not run schemalint again). */
    readonly stopped: SchemalintStop | null;
  } | null;
  /** Why schemalint did not run on this target at all. */
  readonly schemalintMissing: string | null;
  /** Every pgwarden run reported the generated tables, and every completed schemalint run named them all. */
  readonly tablesMatch: boolean;
  readonly met: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Processes

interface Timed {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly maxRssBytes: number;
  readonly exitCode: number;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/** Pids of a process's children (Linux). */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * Runs a command under GNU time in `dir` (stdout and stderr to files there), timed from spawn to exit. At the time
 * limit the measured process (GNU time's child) is killed, so that GNU time still reports its CPU time and peak
 * RSS. In its own process group, which the clean-up (a failure, Ctrl-C) kills as a whole.
 */
function timedProcess(argv: readonly string[], dir: string, timeoutMs: number): Promise<Timed> {
  rmSync(join(dir, TIME_FILE), { force: true });
  const out = openSync(join(dir, OUT_FILE), 'w');
  const err = openSync(join(dir, ERR_FILE), 'w');
  return new Promise((resolve, reject) => {
    const start = now();
    const child = spawn(GNU_TIME, ['-f', '%U %S %M', '-o', TIME_FILE, ...argv], {
      cwd: dir,
      detached: true,
      stdio: ['ignore', out, err],
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    closeSync(out);
    closeSync(err);
    const running = () => child.pid !== undefined && child.exitCode === null && child.signalCode === null;
    const killGroup = () => {
      if (!running()) return;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    };
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      log(`review: ${basename(argv[1] ?? argv[0]!)} still running after ${fmtLong(timeoutMs)}: stopping it`);
      const measured = child.pid === undefined ? [] : childPids(child.pid);
      for (const pid of measured) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      if (measured.length === 0) killGroup();
    }, timeoutMs);
    const stop = onCleanup(killGroup);
    child.on('error', (error) => {
      clearTimeout(timer);
      void stop();
      reject(error);
    });
    child.on('close', (code) => {
      const wallMs = now() - start;
      clearTimeout(timer);
      void stop();
      const read = (file: string) =>
        existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : '';
      // The last line (a line before it says so when the command failed): user s, system s, peak RSS KiB.
      const [user, sys, rss] = read(TIME_FILE).trim().split('\n').at(-1)!.split(' ').map(Number);
      resolve({
        wallMs,
        cpuMs: ((user ?? Number.NaN) + (sys ?? Number.NaN)) * 1000,
        maxRssBytes: (rss ?? Number.NaN) * 1024,
        exitCode: code ?? -1,
        timedOut,
        stdout: read(OUT_FILE),
        stderr: read(ERR_FILE),
      });
    });
  });
}

const lastLines = (text: string, n = 10) => text.trim().split('\n').slice(-n).join('\n');

/** Minutes past two minutes (schemalint's runs), else as fmtMs. */
export function fmtLong(ms: number): string {
  return ms >= 120_000 ? `${(ms / 60_000).toFixed(1)} min` : fmtMs(ms);
}

// ---------------------------------------------------------------------------------------------------------------
// pgwarden

interface PgwardenReview {
  readonly run: ReviewRun;
  readonly byRule: Record<string, number>;
  readonly skipped: { rule: string; reason: string }[];
}

/** `node dist/bin/pgwarden.js schema --db URL --format json --quiet`; throws when it fails or its output is not a report. */
async function runPgwardenSchema(url: string, dir: string): Promise<PgwardenReview> {
  const argv = [
    process.execPath,
    distPath('bin/pgwarden.js'),
    'schema',
    '--db',
    url,
    '--format',
    'json',
    '--quiet',
  ];
  const t = await timedProcess(argv, dir, PGWARDEN_TIMEOUT_MS);
  // 0: no finding at the default --fail-on (error); 1: findings at or above it. 2 and 3 are failures.
  if (t.timedOut || (t.exitCode !== 0 && t.exitCode !== 1)) {
    throw new Error(`pgwarden schema exited with ${t.exitCode}: ${lastLines(t.stderr || t.stdout)}`);
  }
  let report: {
    command?: string;
    tables?: number;
    findings?: { rule: string }[];
    skipped?: { rule: string; reason: string }[];
  };
  try {
    report = JSON.parse(t.stdout) as typeof report;
  } catch {
    throw new Error(`pgwarden schema: the output is not JSON: ${t.stdout.slice(0, 500)}`);
  }
  if (report.command !== 'schema' || !Array.isArray(report.findings) || typeof report.tables !== 'number') {
    throw new Error(`pgwarden schema: unexpected report: ${t.stdout.slice(0, 500)}`);
  }
  const byRule: Record<string, number> = {};
  for (const f of report.findings) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
  return {
    run: {
      wallMs: t.wallMs,
      cpuMs: t.cpuMs,
      maxRssBytes: t.maxRssBytes,
      exitCode: t.exitCode,
      findings: report.findings.length,
      tables: report.tables,
    },
    byRule,
    skipped: report.skipped ?? [],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// schemalint

interface SchemalintPaths {
  readonly bin: string;
  readonly knexClient: string;
  readonly version: string;
  readonly extractPgSchemaVersion: string;
  readonly knexVersion: string;
}

function schemalintPaths(): SchemalintPaths {
  const fromPeers = createRequire(join(ensurePeers(), 'package.json'));
  const manifest = fromPeers.resolve('schemalint/package.json');
  // extract-pg-schema loads knex from where it is installed: the patch must reach that same copy (same file)
  const extractManifest = createRequire(manifest).resolve('extract-pg-schema/package.json');
  const knexManifest = createRequire(extractManifest).resolve('knex/package.json');
  const version = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  return {
    bin: join(dirname(manifest), 'bin', 'schemalint'),
    knexClient: join(dirname(knexManifest), 'lib', 'client.js'),
    version: version(manifest),
    extractPgSchemaVersion: version(extractManifest),
    knexVersion: version(knexManifest),
  };
}

function schemalintRules(): Record<string, unknown[]> {
  return Object.fromEntries(
    Object.entries(SCHEMALINT_RULES).map(([rule, r]) => [rule, ['error', ...r.options]]),
  );
}

/**
 * `.schemalintrc.js`. schemalint hands `connection` to extract-pg-schema, which opens a knex pool (10 connections)
 * and starts the extraction of every table at once: on a large database the last tables wait for a connection
 * longer than knex's default pool-acquire timeout (60 s) and the run dies with KnexTimeoutError. schemalint's
 * configuration cannot change that timeout, so `patched` sets it in knex's client from the configuration file,
 * which runs in schemalint's process before it connects. Nothing else changes.
 */
function schemalintConfig(url: string, paths: SchemalintPaths, patched: boolean): string {
  const parsed = new URL(url);
  // node-postgres takes what connectionString says over the other fields; host and database are there for
  // schemalint's "Connecting to" line, application_name to find its sessions
  const connection = {
    connectionString: url,
    host: parsed.hostname,
    database: decodeURIComponent(parsed.pathname.slice(1)),
    application_name: SCHEMALINT_APPLICATION,
  };
  const patch = patched
    ? [
        "// Set by the benchmark: knex's pool-acquire timeout (default 60 s), which schemalint cannot configure.",
        `const Client = require(${JSON.stringify(paths.knexClient)});`,
        'const getPoolSettings = Client.prototype.getPoolSettings;',
        'Client.prototype.getPoolSettings = function (poolConfig) {',
        `  this.config.acquireConnectionTimeout = ${PATCHED_ACQUIRE_TIMEOUT_MS};`,
        '  return getPoolSettings.call(this, poolConfig);',
        '};',
      ]
    : [];
  const config = { connection, schemas: [{ name: 'public' }], rules: schemalintRules() };
  return [...patch, `module.exports = ${JSON.stringify(config, null, 2)};`, ''].join('\n');
}

/** `public.bench_t00001: error name-inflection : Expected plural names, …` (no colours: not a terminal). */
const FINDING_LINE = /^(\S+): error (\S+) : (.*)$/;

type SchemalintOutcome =
  | { readonly completed: true; readonly run: ReviewRun; readonly byRule: Record<string, number> }
  | { readonly completed: false; readonly stop: SchemalintStop };

async function runSchemalintOnce(
  url: string,
  dir: string,
  paths: SchemalintPaths,
  patched: boolean,
  timeoutMs: number,
): Promise<SchemalintOutcome> {
  writeFileSync(join(dir, '.schemalintrc.js'), schemalintConfig(url, paths, patched), { mode: 0o600 });
  let t: Timed;
  try {
    t = await timedProcess([process.execPath, paths.bin], dir, timeoutMs);
  } finally {
    rmSync(join(dir, '.schemalintrc.js'), { force: true });
  }
  const byRule: Record<string, number> = {};
  const tables = new Set<string>();
  let findings = 0;
  let errorLine: string | undefined;
  for (const line of t.stderr.split('\n')) {
    const match = FINDING_LINE.exec(line);
    if (!match) {
      if (!errorLine && /\w*Error\b/.test(line)) errorLine = line.trim();
      continue;
    }
    const [, identifier, rule, message] = match as unknown as [string, string, string, string];
    findings++;
    byRule[rule] = (byRule[rule] ?? 0) + 1;
    if (rule === 'mandatory-columns' && message === 'Mandatory column "updated_at" is missing')
      tables.add(identifier);
  }
  // It exits with 1 both when it reports findings and when it fails (after printing the error): it completed
  // when it says so, or reported findings and no error.
  const completed =
    !t.timedOut &&
    !errorLine &&
    ((t.exitCode === 0 && t.stdout.includes('No issues detected')) || (t.exitCode === 1 && findings > 0));
  if (completed) {
    const run = {
      wallMs: t.wallMs,
      cpuMs: t.cpuMs,
      maxRssBytes: t.maxRssBytes,
      exitCode: t.exitCode,
      findings,
      tables: tables.size,
    };
    return { completed, run, byRule };
  }
  return {
    completed: false,
    stop: {
      reason: t.timedOut ? 'time limit' : 'error',
      wallMs: t.wallMs,
      cpuMs: t.cpuMs,
      maxRssBytes: t.maxRssBytes,
      detail: t.timedOut
        ? `still running after ${fmtLong(timeoutMs)}`
        : `exited with ${t.exitCode}: ${(errorLine ?? lastLines(t.stderr || t.stdout, 3)).slice(0, 300)}`,
    },
  };
}

/** A killed schemalint leaves its queries running on the server until they try to answer: wait for them. */
async function waitForSchemalintSessions(url: string): Promise<void> {
  const { default: pgModule } = await import('pg');
  const client: pg.Client = new pgModule.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    const deadline = now() + 120_000;
    while (now() < deadline) {
      const { rows } = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
        [SCHEMALINT_APPLICATION],
      );
      if (rows[0]!.n === 0) return;
      await sleep(500);
    }
    log('review: schemalint sessions still on the server 2 min after it was stopped');
  } finally {
    await client.end().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The loop's side: one session per target, called once per round

export interface ReviewSession {
  /** Before the rounds: schemalint once as shipped (also its warm-up). */
  prepare(): Promise<void>;
  /**
   * One round: both tools, in an order that alternates every round. The warm-up round (`measured` false) runs
   * pgwarden only and records nothing. Returns a line for the log.
   */
  round(run: number, measured: boolean): Promise<string>;
  result(): ReviewResult;
}

export function reviewSession(
  url: string,
  dir: string,
  expectedTables: number,
  schemalintMinutes: number,
): ReviewSession {
  const timeLimitMs = schemalintMinutes * 60_000;
  let paths: SchemalintPaths | null = null;
  let schemalintMissing: string | null = null;
  try {
    paths = schemalintPaths();
  } catch (error) {
    schemalintMissing = `could not be installed: ${(error as Error).message}`;
  }
  const pgwardenSamples: ReviewRun[] = [];
  let pgwardenByRule: Record<string, number> = {};
  let pgwardenSkipped: { rule: string; reason: string }[] = [];
  const schemalintSamples: ReviewRun[] = [];
  let schemalintByRule: Record<string, number> = {};
  let asShipped: NonNullable<ReviewResult['schemalint']>['asShipped'] | null = null;
  let stopped: SchemalintStop | null = null;

  const describe = (tool: string, r: ReviewRun) =>
    `${tool} ${fmtLong(r.wallMs)} (peak RSS ${fmtMiB(r.maxRssBytes)}, ${fmtInt(r.tables)} tables, ${fmtInt(r.findings)} findings)`;

  const schemalint = async (patched: boolean): Promise<SchemalintOutcome> => {
    const outcome = await runSchemalintOnce(url, dir, paths!, patched, timeLimitMs);
    if (!outcome.completed) await waitForSchemalintSessions(url);
    return outcome;
  };

  const pgwardenOnce = async (measured: boolean): Promise<string> => {
    const r = await runPgwardenSchema(url, dir);
    if (measured) {
      pgwardenSamples.push(r.run);
      pgwardenByRule = r.byRule;
      pgwardenSkipped = r.skipped;
    }
    return describe('pgwarden schema', r.run);
  };
  const schemalintOnce = async (): Promise<string> => {
    if (!paths || schemalintMissing) return `schemalint not run (${schemalintMissing})`;
    if (stopped) return 'schemalint not run again (stopped in an earlier round)';
    const outcome = await schemalint(true);
    if (!outcome.completed) {
      stopped = outcome.stop;
      return `schemalint ${outcome.stop.reason === 'time limit' ? 'stopped' : 'failed'} after ${fmtLong(outcome.stop.wallMs)}: ${outcome.stop.detail}`;
    }
    schemalintSamples.push(outcome.run);
    schemalintByRule = outcome.byRule;
    return describe('schemalint', outcome.run);
  };

  return {
    async prepare() {
      if (!paths) return;
      const outcome = await schemalint(false);
      asShipped = outcome.completed
        ? { ...outcome.run, completed: true }
        : { ...outcome.stop, completed: false };
      log(
        `review: schemalint as shipped: ${outcome.completed ? describe('completed', outcome.run) : `${outcome.stop.reason === 'time limit' ? 'stopped' : 'failed'} after ${fmtLong(outcome.stop.wallMs)}: ${outcome.stop.detail}`}`,
      );
    },
    async round(run, measured) {
      if (!measured) return pgwardenOnce(false);
      const order =
        run % 2 === 1
          ? [() => pgwardenOnce(true), schemalintOnce]
          : [schemalintOnce, () => pgwardenOnce(true)];
      const lines: string[] = [];
      for (const once of order) lines.push(await once());
      return lines.join('; ');
    },
    result() {
      const tablesMatch =
        pgwardenSamples.length > 0 &&
        pgwardenSamples.every((s) => s.tables === expectedTables) &&
        schemalintSamples.every((s) => s.tables === expectedTables) &&
        (asShipped === null || !asShipped.completed || asShipped.tables === expectedTables);
      return {
        expectedTables,
        pgwarden: { samples: pgwardenSamples, byRule: pgwardenByRule, skipped: pgwardenSkipped },
        schemalint:
          paths && asShipped
            ? {
                version: paths.version,
                extractPgSchemaVersion: paths.extractPgSchemaVersion,
                knexVersion: paths.knexVersion,
                rules: schemalintRules(),
                timeLimitMs,
                asShipped,
                samples: schemalintSamples,
                byRule: schemalintByRule,
                stopped,
              }
            : null,
        schemalintMissing,
        tablesMatch,
        met: tablesMatch && stats(pgwardenSamples.map((s) => s.wallMs)).median <= REVIEW_GOAL_MS,
      };
    },
  };
}

/** schemalint could not run where it should have (a failure of the run; a time limit is a result, not that). */
export function schemalintFailed(review: ReviewResult): boolean {
  return review.schemalintMissing !== null || review.schemalint?.stopped?.reason === 'error';
}

// ---------------------------------------------------------------------------------------------------------------
// Report

const med = (values: number[]) => median(values);

export function schemalintVersionLabel(review: ReviewResult): string | null {
  const s = review.schemalint;
  return s
    ? `${s.version} (npm schemalint; extract-pg-schema ${s.extractPgSchemaVersion}, knex ${s.knexVersion})`
    : null;
}

/** schemalint's measured figure: the median of its completed runs, or a lower bound when it was stopped. */
function schemalintFigure(
  review: ReviewResult,
): { ms: number; rss: number; cpu: number; bound: boolean } | null {
  const s = review.schemalint;
  if (!s) return null;
  if (s.samples.length > 0) {
    return {
      ms: med(s.samples.map((x) => x.wallMs)),
      rss: med(s.samples.map((x) => x.maxRssBytes)),
      cpu: med(s.samples.map((x) => x.cpuMs)),
      bound: false,
    };
  }
  if (s.stopped?.reason === 'time limit') {
    return { ms: s.stopped.wallMs, rss: s.stopped.maxRssBytes, cpu: s.stopped.cpuMs, bound: true };
  }
  return null;
}

/** The summary line's result and peer cells for one target. */
export function reviewGoalCells(review: ReviewResult): { result: string; peer: string } {
  const ours = med(review.pgwarden.samples.map((s) => s.wallMs));
  const rss = med(review.pgwarden.samples.map((s) => s.maxRssBytes));
  const result = `median ${fmtMs(ours)}, peak RSS ${fmtMiB(rss)}${review.tablesMatch ? '' : ' (TABLE COUNT WRONG)'}`;
  const figure = schemalintFigure(review);
  const s = review.schemalint;
  let peer: string;
  if (figure && s) {
    const shipped = !s.asShipped.completed && s.asShipped.reason === 'error' ? '; as shipped it fails' : '';
    peer = figure.bound
      ? `< ${fmtRatio(ours, figure.ms)} schemalint (unfinished after ${fmtLong(figure.ms)}, peak RSS ${fmtMiB(figure.rss)} by then${shipped})`
      : `${fmtRatio(ours, figure.ms)} schemalint (${fmtLong(figure.ms)}, peak RSS ${fmtMiB(figure.rss)}${shipped})`;
  } else {
    peer = `n/a (schemalint ${review.schemalintMissing ?? s?.stopped?.detail ?? 'not run'})`;
  }
  return { result, peer };
}

/** The section of RESULTS.md, for the targets that have a review. */
export function renderReview(targets: { label: string; review: ReviewResult }[], runs: number): string {
  const parts: string[] = [];
  const first = targets[0]!.review;
  const tables = fmtInt(first.expectedTables);
  const limit = first.schemalint ? fmtLong(first.schemalint.timeLimitMs) : 'n/a';
  const rulesList = Object.entries(SCHEMALINT_RULES)
    .map(
      ([rule, r]) =>
        `\`${rule}\`${r.options.length ? ` \`${JSON.stringify(r.options)}\`` : ''} (${r.pgwarden})`,
    )
    .join(', ');
  parts.push(
    `**Schema review** of the same generated database, in the same rounds: \`node dist/bin/pgwarden.js schema --db URL --format json --quiet\` as a fresh process, timed from spawn to exit, peak RSS from GNU time (\`/usr/bin/time -f %M\`); its JSON report must parse and say ${tables} tables, so an error cannot pass as fast. Side by side on the same database, schemalint (npm \`schemalint\`, installed into bench/.peers), also under GNU time, with a \`.schemalintrc.js\` on schema \`public\` that enables its built-in rules with a counterpart among pgwarden's (pgwarden's \`schema/\` rule in brackets): ${rulesList}. Both tools exit with 1 when they report findings, which is not a failure; schemalint must name all ${tables} tables (none has \`updated_at\`, so \`mandatory-columns\` names every table it reviewed). The warm-up round runs pgwarden only (schemalint's warm-up is its as-shipped attempt below), then ${runs === 1 ? '1 measured round' : `${runs} measured rounds`}, the two tools' order alternating every round; medians. A schemalint run still going after ${limit} (\`--schemalint-timeout=\`) is stopped: its time is then a lower bound, and later rounds do not run it again.`,
  );
  parts.push(
    '',
    `**What each tool does.** pgwarden reads the whole catalog in one snapshot (a few dozen queries whatever the number of tables; see *Where the time goes* above) and runs its ~50 schema rules on it: naming, standard columns, keys and constraints, types, indexes, normalization, growth; the rules that read column statistics need analyzed tables with rows, and these generated tables are empty and never analyzed, so its report says it left them out (below). schemalint runs only the rules configured, on what extract-pg-schema reads table by table: 7 queries per table (${fmtInt(7 * first.expectedTables)} here), over information_schema views and the catalog, on a knex pool of 10 connections. Its index query aggregates every index of the database (\`pg_get_indexdef\` of each indexed column) for each table, so its time grows with tables × indexes. It also starts every table's extraction at once, so on a large database the last tables can wait for a pool connection longer than knex's default pool-acquire timeout (60 s), and schemalint, as shipped, then dies with \`KnexTimeoutError\` (its as-shipped attempt below shows what it did here); its configuration cannot change that timeout. The measured schemalint runs therefore raise it, from the \`.schemalintrc.js\` (which runs in schemalint's process before it connects; nothing else changes).`,
  );
  parts.push('');
  parts.push(
    mdTable(
      [
        'Server',
        'pgwarden end to end (median)',
        'min – max',
        'Peak RSS',
        'CPU (user + sys)',
        'Goal ≤ 10 s met',
        'schemalint',
        'schemalint peak RSS',
        'schemalint CPU',
        'pgwarden / schemalint',
      ],
      targets.map(({ label, review }) => {
        const p = stats(review.pgwarden.samples.map((s) => s.wallMs));
        const f = schemalintFigure(review);
        const n = review.schemalint?.samples.length ?? 0;
        return [
          label,
          fmtMs(p.median),
          `${fmtMs(p.min)} – ${fmtMs(p.max)}`,
          fmtMiB(med(review.pgwarden.samples.map((s) => s.maxRssBytes))),
          fmtMs(med(review.pgwarden.samples.map((s) => s.cpuMs))),
          review.met ? '**yes**' : '**NO**',
          f
            ? f.bound
              ? `> ${fmtLong(f.ms)} (stopped, unfinished)`
              : `${fmtLong(f.ms)} (median of ${n})`
            : 'n/a',
          f ? `${fmtMiB(f.rss)}${f.bound ? ' (by then)' : ''}` : 'n/a',
          f ? `${fmtLong(f.cpu)}${f.bound ? ' (by then)' : ''}` : 'n/a',
          f ? `${f.bound ? '< ' : ''}${fmtRatio(p.median, f.ms)}` : 'n/a',
        ];
      }),
    ),
  );
  parts.push(
    '',
    '**schemalint as shipped** (knex pool-acquire timeout 60 s), once per server before the rounds:',
    '',
  );
  parts.push(
    mdTable(
      ['Server', 'Outcome', 'Time', 'Peak RSS'],
      targets.map(({ label, review }) => {
        const a = review.schemalint?.asShipped;
        if (!a) return [label, `not run (${review.schemalintMissing ?? 'n/a'})`, 'n/a', 'n/a'];
        return [
          label,
          a.completed
            ? `completed: ${fmtInt(a.tables)} tables, ${fmtInt(a.findings)} findings`
            : `${a.reason === 'time limit' ? 'stopped' : 'failed'}: ${a.detail}`,
          fmtLong(a.wallMs),
          fmtMiB(a.maxRssBytes),
        ];
      }),
    ),
  );
  parts.push(
    '',
    '**Findings** (the last measured run of each tool; tables: what the tool reported having reviewed):',
    '',
  );
  const byRule = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([rule, n]) => `${rule} ${fmtInt(n)}`)
      .join(', ') || 'none';
  parts.push(
    mdTable(
      ['Server', 'pgwarden tables', 'pgwarden findings', 'schemalint tables', 'schemalint findings'],
      targets.map(({ label, review }) => {
        const p = review.pgwarden.samples.at(-1);
        const sl = review.schemalint;
        const s = sl?.samples.at(-1) ?? (sl?.asShipped.completed ? sl.asShipped : undefined);
        const sByRule = sl && sl.samples.length > 0 ? sl.byRule : null;
        return [
          label,
          p ? fmtInt(p.tables) : 'n/a',
          p ? `${fmtInt(p.findings)}: ${byRule(review.pgwarden.byRule)}` : 'n/a',
          s ? fmtInt(s.tables) : 'n/a (no completed run)',
          s ? `${fmtInt(s.findings)}${sByRule ? `: ${byRule(sByRule)}` : ''}` : 'n/a',
        ];
      }),
    ),
  );
  const skipped = new Set(
    targets.flatMap(({ review }) => review.pgwarden.skipped.map((s) => `\`${s.rule}\`: ${s.reason}`)),
  );
  if (skipped.size > 0)
    parts.push('', `Left out by pgwarden, as its report says: ${[...skipped].join('; ')}.`);
  for (const { label, review } of targets) {
    const stop = review.schemalint?.stopped;
    if (stop?.reason === 'error') parts.push('', `**schemalint failed on ${label}:** ${stop.detail}.`);
    if (review.schemalintMissing) parts.push('', `**schemalint on ${label}:** ${review.schemalintMissing}.`);
  }
  return parts.join('\n');
}
