/**
 * `check-project`: `pgwarden check` and `migrate up` on a generated project of 250 migrations (the `migrate`
 * benchmark's migrations: a table, then a column, an index, a commented column on it, four migrations per table),
 * on the PostgreSQL service. `check` is timed as a fresh process from spawn to exit, with each step's time from
 * its JSON report; `migrate up` of the same folder is timed per migration side by side with dbmate, each on a new
 * database, every run checked (all objects present, 250 history rows).
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import {
  type BenchOptions,
  distPath,
  fmtMs,
  fmtRatio,
  type GoalLine,
  loadLib,
  log,
  machineLoadNote,
  mdTable,
  type Stats,
  sharedTempDir,
  stats,
  yesNo,
} from './lib.js';
import {
  applyOnce,
  connect,
  dbmateVersion,
  makeTools,
  migrationSpecs,
  nativeFile,
  peerScript,
  runProcess,
  writeMigrations,
} from './migrate.js';

export const PROJECT_MIGRATIONS = 250;
export const PROJECT_CHECK_GOAL_MS = 15_000;
export const PROJECT_MIGRATE_GOAL_RATIO = 1.5;
const CHECK_RUNS = 3;
const MIGRATE_RUNS = 3;

export interface CheckProjectResult {
  readonly migrations: number;
  readonly server: string;
  /** The one-minute load average during the run: the machine is shared. */
  readonly load: readonly { readonly at: string; readonly oneMinute: number }[];
  readonly check: {
    readonly command: string;
    readonly samples: number[];
    readonly stats: Stats;
    readonly steps: readonly { readonly title: string; readonly medianMs: number }[];
    readonly findings: number;
    readonly goalMs: number;
    readonly met: boolean;
  };
  readonly migrate: {
    readonly runs: number;
    readonly pgwarden: {
      readonly command: string;
      readonly samples: number[];
      readonly perMigrationMs: number;
    };
    readonly dbmate: {
      readonly command: string;
      readonly version: string;
      readonly samples: number[];
      readonly perMigrationMs: number;
    };
    readonly ratio: number;
    readonly goalRatio: number;
    readonly met: boolean;
  };
  readonly problems: readonly string[];
}

interface CheckJson {
  steps: { title: string; ms: number }[];
  summary: { total: number };
}

/** Runs `pgwarden check . --db URL` in `cwd` (no command line holds the harness's temporary prefix). */
async function runCheck(cwd: string, url: string): Promise<{ ms: number; json: CheckJson }> {
  const run = await runProcess(
    process.execPath,
    [distPath('bin/pgwarden.js'), 'check', '.', '--db', url, '--format', 'json', '--quiet'],
    { cwd, env: { ...process.env, DATABASE_URL: '', NO_COLOR: '1' } },
  );
  if (run.code !== 0 && run.code !== 1)
    throw new Error(
      `pgwarden check exited with ${run.code ?? run.signal}: ${run.stderr.trim().split('\n').slice(-5).join('\n')}`,
    );
  return { ms: run.ms, json: JSON.parse(run.stdout) as CheckJson };
}

export async function runCheckProject(options: BenchOptions): Promise<CheckProjectResult> {
  const lib = await loadLib();
  const load: { at: string; oneMinute: number }[] = [];
  const recordLoad = (at: string) => load.push({ at, oneMinute: Math.round(loadavg()[0]! * 100) / 100 });
  recordLoad('at the start');
  const specs = migrationSpecs(PROJECT_MIGRATIONS);
  const tmp = sharedTempDir('check-project');
  const problems: string[] = [];
  try {
    const work = tmp.path;
    writeMigrations(join(work, 'migrations'), specs, nativeFile);
    writeFileSync(join(work, 'pgwarden.config.json'), '{}\n');

    const probe = await connect(options.pg15Url);
    let server: string;
    let serverHasSsl: boolean;
    try {
      const { rows } = await probe.query<{ v: string; ssl: string }>(
        `SELECT current_setting('server_version') AS v, current_setting('ssl') AS ssl`,
      );
      const parsed = lib.parseDatabaseUrl(options.pg15Url);
      server = `PostgreSQL ${rows[0]!.v} at ${parsed.host}:${parsed.port}`;
      serverHasSsl = rows[0]!.ssl === 'on';
    } finally {
      await probe.end().catch(() => {});
    }

    log(
      `check-project: ${CHECK_RUNS} runs of pgwarden check on ${PROJECT_MIGRATIONS} migrations (${server})`,
    );
    const checkSamples: number[] = [];
    const stepSamples = new Map<string, number[]>();
    let findings = 0;
    for (let i = 0; i < CHECK_RUNS; i++) {
      const { ms, json } = await runCheck(work, options.pg15Url);
      checkSamples.push(ms);
      findings = json.summary.total;
      for (const step of json.steps)
        stepSamples.set(step.title, [...(stepSamples.get(step.title) ?? []), step.ms]);
      log(`check-project: check run ${i + 1}: ${fmtMs(ms)}`);
    }
    recordLoad('after check');

    const tools = makeTools(
      lib,
      work,
      { native: 'migrations', nodePgMigrate: 'migrations' },
      specs,
      { dbmate: await dbmateVersion(peerScript('dbmate')) },
      serverHasSsl,
    );
    const pgwarden = tools.find((t) => t.id === 'pgwarden')!;
    const dbmate = tools.find((t) => t.id === 'dbmate')!;
    const samples = { pgwarden: [] as number[], dbmate: [] as number[] };
    log(`check-project: ${MIGRATE_RUNS} rounds of migrate up, pgwarden and dbmate alternating`);
    for (let round = 0; round < MIGRATE_RUNS; round++) {
      const order = round % 2 === 0 ? [pgwarden, dbmate] : [dbmate, pgwarden];
      for (const tool of order) {
        const sample = await applyOnce(lib, options.pg15Url, tool, specs, problems, `round ${round + 1}`);
        samples[tool.id as 'pgwarden' | 'dbmate'].push(sample.ms);
      }
    }
    recordLoad('at the end');
    const per = (values: number[]) => stats(values).median / PROJECT_MIGRATIONS;
    const ratio = per(samples.pgwarden) / per(samples.dbmate);
    const checkStats = stats(checkSamples);
    return {
      migrations: PROJECT_MIGRATIONS,
      server,
      load,
      check: {
        command: `node dist/bin/pgwarden.js check . --db ${lib.redactUrl(options.pg15Url)} --format json --quiet`,
        samples: checkSamples,
        stats: checkStats,
        steps: [...stepSamples].map(([title, values]) => ({ title, medianMs: stats(values).median })),
        findings,
        goalMs: PROJECT_CHECK_GOAL_MS,
        met: checkStats.median <= PROJECT_CHECK_GOAL_MS,
      },
      migrate: {
        runs: MIGRATE_RUNS,
        pgwarden: {
          command: pgwarden.command,
          samples: samples.pgwarden,
          perMigrationMs: per(samples.pgwarden),
        },
        dbmate: {
          command: dbmate.command,
          version: dbmate.version,
          samples: samples.dbmate,
          perMigrationMs: per(samples.dbmate),
        },
        ratio,
        goalRatio: PROJECT_MIGRATE_GOAL_RATIO,
        met: ratio <= PROJECT_MIGRATE_GOAL_RATIO && problems.length === 0,
      },
      problems,
    };
  } finally {
    await tmp.remove();
  }
}

export function checkProjectGoals(result: CheckProjectResult): GoalLine[] {
  return [
    {
      benchmark: `\`pgwarden check\` of a ${result.migrations}-migration project`,
      goal: `median ≤ ${fmtMs(result.check.goalMs)}`,
      result: `median ${fmtMs(result.check.stats.median)}`,
      met: result.check.met,
      peer: 'none runs a whole Definition of Done',
    },
    {
      benchmark: `\`migrate up\` of the same ${result.migrations} migrations, per migration`,
      goal: `≤ ${result.migrate.goalRatio}× dbmate`,
      result: `${fmtMs(result.migrate.pgwarden.perMigrationMs)} per migration`,
      met: result.migrate.met,
      peer: `${fmtRatio(result.migrate.pgwarden.perMigrationMs, result.migrate.dbmate.perMigrationMs)} dbmate ${result.migrate.dbmate.version} (${fmtMs(result.migrate.dbmate.perMigrationMs)})`,
    },
  ];
}

/**
 * Where `check`'s time goes on this project, measured by hand (not part of the harness's run), in the project
 * folder: every query timed by a preload that wraps pg's Client.query, `/usr/bin/time` for the process, and the
 * PostgreSQL service's CPU from /proc (postmaster, its backends and the reaped ones).
 */
const PROFILE_NOTE =
  "Where the time goes (measured by hand, 2026-12-06 16:30–16:45 UTC, one-minute load 4–8 from other work on the machine: every query timed by a preload wrapping pg's `Client.query`, `/usr/bin/time`, and the PostgreSQL service's CPU read from /proc). `check` applies the 250 migrations three times, at once, each on a scratch database of its own: the lock trace (statement by statement, the catalog read before and after each), `migrate verify`'s up, down, up (a schema fingerprint after each: 750, about 10 ms of server time each by the end), and one shadow database that the schema review reads and the seed then fills (the review built a copy of its own before); the queries are explained after the three. PostgreSQL's CPU is 8–9 s of a run and pgwarden's own 2.5–2.7 s: on 2 cores the server is the limit. Dropping a database makes PostgreSQL 15 take a checkpoint: the three scratch databases, dropped one after another as each lane ended, took 6.1, 3.1 and 3.9 s; dropped together at the end, 0.4–0.9 s. The 15:45 build against this one, interleaved, at load 4: 16.7, 16.6, 16.9 s → 11.1, 10.5, 11.0 s wall; pgwarden's CPU 3.1, 3.3, 2.9 → 2.7, 2.7, 2.5 s; PostgreSQL's 8.6, 11.0, 10.4 → 8.6, 8.3, 8.0 s; the reports identical but for times. The trace's seeding reads the columns only when a table is empty (`lint --trace` alone at load 5: 10.0, 9.6 → 6.6, 6.6 s). `migrate up` sends each migration with its history row, the COMMIT and the next migration's guard facts in one round trip (1,031 queries → 284): its loop is then about 3 ms per migration, the commit's own latency; the rest of the gap to dbmate is the process start and the one-time work (the catalog snapshot, parsing the 250 files, the final fingerprint).";

export function renderCheckProject(result: CheckProjectResult): string {
  const loads = result.load.map((l) => `${l.oneMinute} ${l.at}`).join(', ');
  return [
    `A generated project of ${result.migrations} migrations (the \`migrate\` benchmark's: per table a CREATE TABLE, an ADD COLUMN with a default, a CREATE INDEX, an ADD COLUMN with a COMMENT) on ${result.server}. \`${result.check.command}\` runs as a fresh process, ${result.check.samples.length} measured runs without a warm-up; each step's time is read from its JSON report (${result.check.findings} findings). Then \`migrate up\` of the same folder by pgwarden and by dbmate, each on a new database, ${result.migrate.runs} rounds with the order alternated; every run is checked (every migration's objects exist, the tool's history has ${result.migrations} rows).`,
    '',
    `The machine has 2 cores; the one-minute load average was ${loads}: ${machineLoadNote(...result.load.map((l) => l.oneMinute))}. The ratio to dbmate, measured in the same minutes, holds either way.`,
    '',
    mdTable(
      ['Run', 'Median', 'p90', 'Min', 'Max'],
      [
        [
          `\`pgwarden check\` (${result.migrations} migrations)`,
          fmtMs(result.check.stats.median),
          fmtMs(result.check.stats.p90),
          fmtMs(result.check.stats.min),
          fmtMs(result.check.stats.max),
        ],
      ],
    ),
    '',
    "The first four steps run at once, in three lanes (the lint's trace, the reversibility check, and the shadow database the schema review reads before it is seeded): their times overlap.",
    '',
    mdTable(
      ['Step of `check`', 'Median'],
      result.check.steps.map((s) => [s.title, fmtMs(s.medianMs)]),
    ),
    '',
    mdTable(
      ['`migrate up`', 'Runs (whole folder)', 'Median per migration'],
      [
        [
          `pgwarden: \`${result.migrate.pgwarden.command}\``,
          result.migrate.pgwarden.samples.map(fmtMs).join(', '),
          fmtMs(result.migrate.pgwarden.perMigrationMs),
        ],
        [
          `dbmate ${result.migrate.dbmate.version}: \`${result.migrate.dbmate.command}\``,
          result.migrate.dbmate.samples.map(fmtMs).join(', '),
          fmtMs(result.migrate.dbmate.perMigrationMs),
        ],
      ],
    ),
    '',
    mdTable(
      ['Goal', 'Result', 'Met'],
      [
        [
          `check median ≤ ${fmtMs(result.check.goalMs)}`,
          fmtMs(result.check.stats.median),
          yesNo(result.check.met),
        ],
        [
          `migrate up per migration ≤ ${result.migrate.goalRatio}× dbmate`,
          `${result.migrate.ratio.toFixed(2)}×`,
          yesNo(result.migrate.met),
        ],
      ],
    ),
    '',
    PROFILE_NOTE,
    ...(result.problems.length > 0 ? ['', 'Problems:', '', ...result.problems.map((p) => `- ${p}`)] : []),
  ].join('\n');
}
