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
 * Where `check`'s time goes on this project, from a CPU profile taken by hand (it is not part of the harness's run):
 * `cd <project> && node --cpu-prof --cpu-prof-dir=prof dist/bin/pgwarden.js check . --db URL --format json --quiet`.
 */
const PROFILE_NOTE =
  "Where the time goes (a CPU profile by hand, 2026-12-06, load 17–21: `node --cpu-prof dist/bin/pgwarden.js check . --db URL --format json --quiet` in the project folder): 147 s of wall time, of which 114 s (77%) the process sat idle waiting on PostgreSQL; garbage collection 4.8 s, socket writes 3.3 s, the rules 1.3 s, the parser about 1.5 s. The cost is the server's: `check` applies the 250 migrations five times (the lock trace, statement by statement with the catalog read before and after each; `migrate verify`'s up, down, up with a schema fingerprint after each; the schema review's shadow; the query shadow), and every DDL commit on the loaded service costs what dbmate's own run shows (about 28 ms per migration here). Two round-trip reductions were tried on the trace, each timed old/new alternately with `lint --trace` on this project: the relations, locks and block counters read in one query per statement instead of three (old 37 and 48 s, new 39 and 46 s: not kept), and which tables already have rows read in one query per migration instead of one query per table (old 35 and 40 s, new 38 and 34 s: kept, about 7,600 fewer queries, the same trace); both within the run-to-run noise of this machine. The 15 s goal cannot be judged on a machine at load 17: an idle 2-core machine is needed for that figure.";

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
