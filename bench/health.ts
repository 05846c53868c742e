/**
 * `health`: `pgwarden health` end to end on a generated database of many tables (default 10,000 tables, 40,000
 * indexes, 10,000 sequences) on the PostgreSQL service, side by side with the check_postgres actions that cover
 * the same checks, each a process of its own as Nagios runs them, timed in the same rounds on the same database.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import {
  type BenchOptions,
  distPath,
  fmtInt,
  fmtMs,
  fmtRatio,
  type GoalLine,
  loadLib,
  log,
  mdTable,
  now,
  onCleanup,
  ROOT,
  type Stats,
  stats,
  yesNo,
} from './lib.js';

export const HEALTH_GOAL_MS = 5_000;
const RUNS = 3;
const TABLES_PER_BATCH = 250;

/** check_postgres actions with a pgwarden counterpart, and the thresholds they need where they have no default. */
const ACTIONS: readonly (readonly [string, readonly string[], string])[] = [
  ['backends', [], 'health/connections'],
  ['txn_idle', ['--warning=5 minutes'], 'health/idle-in-transaction'],
  ['txn_time', ['--warning=5 minutes'], 'health/xmin-horizon'],
  ['query_time', ['--warning=1 minute'], 'health/long-running-query'],
  ['prepared_txns', [], 'health/prepared-transaction'],
  ['txn_wraparound', [], 'health/xid-wraparound'],
  ['autovac_freeze', [], 'health/xid-wraparound'],
  ['sequence', [], 'health/sequence-exhaustion'],
  ['disabled_triggers', [], 'health/disabled-trigger'],
  ['replication_slots', ['--warning=1GB'], 'health/inactive-replication-slot'],
  ['archive_ready', [], 'health/archiver-failing'],
];

export interface HealthBenchResult {
  readonly tables: number;
  readonly indexes: number;
  readonly sequences: number;
  readonly generateMs: number;
  readonly server: string;
  readonly checkPostgresVersion: string;
  readonly runs: number;
  readonly pgwarden: { readonly samples: number[]; readonly stats: Stats; readonly findings: number };
  readonly checkPostgres: {
    readonly samples: number[];
    readonly stats: Stats;
    readonly perAction: readonly {
      readonly action: string;
      readonly rule: string;
      readonly medianMs: number;
    }[];
  };
  readonly goalMs: number;
  readonly met: boolean;
  /** The machine's load average (1, 5, 15 min) when the measured rounds began and ended: it is shared. */
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
}

function timedRun(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  const start = now();
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', env, maxBuffer: 256 * 1024 * 1024 });
  const ms = now() - start;
  if (result.error) throw result.error;
  return { ms, status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export async function runHealthBench(options: BenchOptions): Promise<HealthBenchResult> {
  const lib = await loadLib();
  const tables = options.tables;
  const admin = await lib.Connection.open(options.pg15Url);
  const name = `pgwarden_bench_health_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const dropDatabase = onCleanup(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.close();
  });
  try {
    const url = lib.withDatabase(options.pg15Url, name);
    const parsed = new URL(url);
    const db = await lib.Connection.open(url);
    const server = (await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!
      .v;
    log(`health: generating ${fmtInt(tables)} tables (4 indexes and a sequence each) in ${name}`);
    const t0 = now();
    for (let first = 1; first <= tables; first += TABLES_PER_BATCH) {
      const last = Math.min(tables, first + TABLES_PER_BATCH - 1);
      await db.query(`DO $$ BEGIN FOR i IN ${first}..${last} LOOP
        EXECUTE format('CREATE TABLE t%s (id serial PRIMARY KEY, parent_id int, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())', i);
        EXECUTE format('CREATE INDEX ON t%s (parent_id)', i);
        EXECUTE format('CREATE INDEX ON t%s (name)', i);
        EXECUTE format('CREATE INDEX ON t%s (created_at)', i);
      END LOOP; END $$`);
    }
    const generateMs = now() - t0;
    await db.close();
    log(`health: generated in ${fmtMs(generateMs)}`);

    const version = timedRun('check_postgres', ['--version']).stdout.trim();
    const pgwardenArgs = [distPath('bin/pgwarden.js'), 'health', '--db', url, '--format', 'json', '--quiet'];
    const checkArgs = (action: string, thresholds: readonly string[]) => [
      `--action=${action}`,
      `--host=${parsed.hostname}`,
      `--port=${parsed.port || '5432'}`,
      `--dbuser=${decodeURIComponent(parsed.username) || 'postgres'}`,
      `--dbname=${name}`,
      ...thresholds,
    ];
    const pgwardenOnce = () => {
      const run = timedRun(process.execPath, pgwardenArgs, { ...process.env, DATABASE_URL: '' });
      if (run.status !== 0 && run.status !== 1)
        throw new Error(`pgwarden health exited ${run.status}: ${run.stderr}`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(run.stdout);
      } catch (error) {
        throw new Error(
          `pgwarden health exited ${run.status} with ${run.stdout.length} characters of output that do not parse (${(error as Error).message}); stderr: ${run.stderr.slice(0, 2000)}; stdout ends: ${run.stdout.slice(-300)}`,
        );
      }
      const report = parsed as {
        findings: unknown[];
        health: { counts: { tables: number; indexes: number; sequences: number } };
      };
      if (report.health.counts.tables < tables)
        throw new Error(`pgwarden health read ${report.health.counts.tables} tables, not ${tables}`);
      return { ms: run.ms, report };
    };
    const checkOnce = () =>
      ACTIONS.map(([action, thresholds]) => {
        const run = timedRun('check_postgres', checkArgs(action, thresholds));
        if (run.status > 2)
          throw new Error(
            `check_postgres --action=${action} exited ${run.status}: ${run.stdout}${run.stderr}`,
          );
        return run.ms;
      });

    log(
      `health: 1 warm-up + ${RUNS} measured rounds of pgwarden health and ${ACTIONS.length} check_postgres actions`,
    );
    pgwardenOnce();
    checkOnce();
    const loadBefore = loadavg();
    const ours: number[] = [];
    const theirs: number[] = [];
    const perAction: number[][] = ACTIONS.map(() => []);
    let last: ReturnType<typeof pgwardenOnce> | undefined;
    for (let round = 0; round < RUNS; round++) {
      // alternate which tool goes first, so neither always meets a warm cache
      const runOurs = () => {
        last = pgwardenOnce();
        ours.push(last.ms);
      };
      const runTheirs = () => {
        const times = checkOnce();
        for (const [i, ms] of times.entries()) perAction[i]!.push(ms);
        theirs.push(times.reduce((a, b) => a + b, 0));
      };
      if (round % 2 === 0) {
        runOurs();
        runTheirs();
      } else {
        runTheirs();
        runOurs();
      }
    }
    const counts = last!.report.health.counts;
    const ourStats = stats(ours);
    const result: HealthBenchResult = {
      tables: counts.tables,
      indexes: counts.indexes,
      sequences: counts.sequences,
      generateMs,
      server,
      checkPostgresVersion: version,
      runs: RUNS,
      pgwarden: { samples: ours, stats: ourStats, findings: last!.report.findings.length },
      checkPostgres: {
        samples: theirs,
        stats: stats(theirs),
        perAction: ACTIONS.map(([action, , rule], i) => ({
          action,
          rule,
          medianMs: stats(perAction[i]!).median,
        })),
      },
      goalMs: HEALTH_GOAL_MS,
      met: ourStats.median <= HEALTH_GOAL_MS,
      loadBefore,
      loadAfter: loadavg(),
    };
    log(
      `health: pgwarden median ${fmtMs(ourStats.median)}; check_postgres ${fmtMs(result.checkPostgres.stats.median)}`,
    );
    return result;
  } finally {
    await dropDatabase();
  }
}

export function healthGoals(result: HealthBenchResult): GoalLine[] {
  return [
    {
      benchmark: `\`pgwarden health\` on ${fmtInt(result.tables)} tables / ${fmtInt(result.indexes)} indexes`,
      goal: `median ≤ ${fmtMs(result.goalMs)}`,
      result: `median ${fmtMs(result.pgwarden.stats.median)}`,
      met: result.met,
      peer: `${fmtRatio(result.pgwarden.stats.median, result.checkPostgres.stats.median)} ${result.checkPostgres.perAction.length} check_postgres actions (${fmtMs(result.checkPostgres.stats.median)})`,
    },
  ];
}

export function renderHealthBench(result: HealthBenchResult): string {
  const row = (label: string, s: Stats) => [label, fmtMs(s.median), fmtMs(s.p90), fmtMs(s.min), fmtMs(s.max)];
  return [
    `A database generated on the PostgreSQL service (${result.server}): ${fmtInt(result.tables)} tables, each \`id serial PRIMARY KEY\` and 3 secondary indexes (${fmtInt(result.indexes)} indexes, ${fmtInt(result.sequences)} sequences), created in ${fmtMs(result.generateMs)}, ${TABLES_PER_BATCH} tables per transaction. \`node dist/bin/pgwarden.js health --db URL --format json --quiet\` as a fresh process (its JSON must parse and count every table), side by side with ${result.checkPostgres.perAction.length} ${result.checkPostgresVersion} actions that cover checks pgwarden also makes, each its own process as Nagios runs them; one warm-up round, then ${result.runs} rounds, the order alternating; medians. pgwarden does more in its one run: it reads every table's dead rows against its own autovacuum threshold, every index (invalid, duplicate, unused), the xmin horizon, MultiXact age, cache, temp files, checkpoints and pg_stat_statements, for which check_postgres has no action (or only \`bloat\`, a different check). It reported ${result.pgwarden.findings} finding${result.pgwarden.findings === 1 ? '' : 's'} here. Load average ${(result.loadBefore ?? []).map((l) => l.toFixed(2)).join(', ')} when the rounds began, ${(result.loadAfter ?? []).map((l) => l.toFixed(2)).join(', ')} at the end (a shared 2-core machine).`,
    '',
    mdTable(
      ['Run', 'Median', 'p90', 'Min', 'Max'],
      [
        row('`pgwarden health`', result.pgwarden.stats),
        row(
          `check_postgres, ${result.checkPostgres.perAction.length} actions in a row`,
          result.checkPostgres.stats,
        ),
      ],
    ),
    '',
    mdTable(
      ['check_postgres action', 'pgwarden rule', 'Median'],
      result.checkPostgres.perAction.map((a) => [`\`${a.action}\``, `\`${a.rule}\``, fmtMs(a.medianMs)]),
    ),
    '',
    mdTable(
      ['Goal', 'Result', 'Met', 'pgwarden / check_postgres'],
      [
        [
          `median ≤ ${fmtMs(result.goalMs)}`,
          fmtMs(result.pgwarden.stats.median),
          yesNo(result.met),
          fmtRatio(result.pgwarden.stats.median, result.checkPostgres.stats.median),
        ],
      ],
    ),
  ].join('\n');
}
