/**
 * `logs`: `pgwarden logs` side by side with pgBadger (`-j 1` and `-j 2`) on generated server logs of three sizes, in
 * stderr and in jsonlog (the same events): wall time, MB/s and peak RSS of each process, and the query count each
 * tool found checked against what was generated (a tool that skips lines cannot pass as fast).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import {
  distPath,
  fmtInt,
  fmtMiB,
  fmtMs,
  type GoalLine,
  log,
  machineLoadNote,
  mdTable,
  now,
  sharedTempDir,
  yesNo,
} from './lib.js';
import { BENCH_PREFIX, generateLogs } from './logs-generate.js';

const PGBADGER = '/usr/bin/pgbadger';
const GNU_TIME = '/usr/bin/time';
/** pgwarden's throughput must be at least this many times pgBadger's single-process one (issue 19). */
export const LOGS_GOAL_RATIO = 5;
/** Peak memory at the largest size within this factor of the smallest: memory does not grow with the log. */
export const LOGS_FLAT_FACTOR = 1.25;

type Format = 'stderr' | 'jsonlog';
type Tool = 'pgwarden' | 'pgbadger-j1' | 'pgbadger-j2';

export interface LogsRun {
  readonly format: Format;
  readonly tool: Tool;
  readonly bytes: number;
  readonly ms: number;
  readonly maxRssBytes: number;
  readonly queries: number;
}

export interface LogsSize {
  readonly targetMiB: number;
  readonly statements: number;
  readonly runs: LogsRun[];
}

export interface LogsBenchResult {
  readonly pgbadger: string | null;
  readonly sizes: LogsSize[];
  readonly loadBefore: number[];
  readonly loadAfter: number[];
}

function load(): number[] {
  return loadavg().map((l) => Math.round(l * 100) / 100);
}

/** Runs a command under GNU time: wall time measured here, peak RSS from time's %M (kB). */
function measured(
  command: string,
  args: readonly string[],
  stdoutFile: string | null,
): Promise<{ ms: number; maxRssBytes: number; stdout: string }> {
  const dir = sharedTempDir('logs-time');
  const rssFile = join(dir.path, 'rss');
  return new Promise((resolve, reject) => {
    const start = now();
    const child = spawn(GNU_TIME, ['-f', '%M', '-o', rssFile, command, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      if (stdoutFile !== null) stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = now() - start;
      if (code !== 0 && !(command === process.execPath && code === 1)) {
        reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.slice(-2000)}`));
        return;
      }
      const kb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1));
      void dir.remove();
      resolve({ ms, maxRssBytes: kb * 1024, stdout });
    });
  });
}

async function runPgwarden(
  file: string,
  format: Format,
): Promise<Omit<LogsRun, 'format' | 'tool' | 'bytes'>> {
  const args = [
    distPath('bin/pgwarden.js'),
    'logs',
    file,
    '--format',
    'json',
    '--quiet',
    '--fail-on',
    'none',
  ];
  if (format === 'stderr') args.push('--prefix', BENCH_PREFIX);
  const { ms, maxRssBytes, stdout } = await measured(process.execPath, args, 'stdout');
  const report = JSON.parse(stdout) as { queries: number };
  return { ms, maxRssBytes, queries: report.queries };
}

async function runPgbadger(
  file: string,
  format: Format,
  jobs: number,
): Promise<Omit<LogsRun, 'format' | 'tool' | 'bytes'>> {
  const out = join(sharedTempDir('logs-badger').path, 'out.json');
  const args = ['-q', '-j', String(jobs), '-f', format, '-o', out, file];
  if (format === 'stderr') args.unshift('--prefix', BENCH_PREFIX);
  const { ms, maxRssBytes } = await measured(PGBADGER, args, null);
  const report = JSON.parse(readFileSync(out, 'utf8')) as { overall_stat: { queries_number: number } };
  return { ms, maxRssBytes, queries: report.overall_stat.queries_number };
}

function pgbadgerVersion(): string | null {
  if (!existsSync(PGBADGER)) return null;
  const text = readFileSync(PGBADGER, 'utf8').slice(0, 20_000);
  return /\$VERSION = '([^']+)'/.exec(text)?.[1] ?? 'unknown';
}

function mibList(text: string): number[] {
  return text
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
}

/** Sizes (MiB of stderr log) from PGWARDEN_BENCH_LOG_MB, e.g. "16,32,64". */
function sizes(): number[] {
  return mibList(process.env.PGWARDEN_BENCH_LOG_MB?.trim() || '16,32,64');
}

/**
 * The sizes pgBadger runs at, from PGWARDEN_BENCH_LOG_BADGER_MB (default: every size): at about 1 MB/s on a loaded
 * machine, pgBadger needs a quarter of an hour per GB and per run, so the largest sizes may be pgwarden's alone.
 */
function badgerSizes(all: readonly number[]): Set<number> {
  const text = process.env.PGWARDEN_BENCH_LOG_BADGER_MB?.trim();
  return new Set(text ? mibList(text) : all);
}

export async function runLogsBench(): Promise<LogsBenchResult> {
  if (!existsSync(distPath('bin/pgwarden.js')))
    throw new Error('bench logs: dist/ is missing: run "npm run build" first');
  const version = pgbadgerVersion();
  const loadBefore = load();
  const result: LogsSize[] = [];
  const all = sizes();
  const withBadger = badgerSizes(all);
  for (const mib of all) {
    const dir = sharedTempDir('logs');
    const stderrFile = join(dir.path, 'postgresql.log');
    const jsonFile = join(dir.path, 'postgresql.json');
    log(`logs: generating ${mib} MiB of stderr log and the same events in jsonlog`);
    const generated = await generateLogs(stderrFile, jsonFile, mib * 2 ** 20);
    const runs: LogsRun[] = [];
    for (const [format, file] of [
      ['stderr', stderrFile],
      ['jsonlog', jsonFile],
    ] as const) {
      const bytes = statSync(file).size;
      const tools: [Tool, () => Promise<Omit<LogsRun, 'format' | 'tool' | 'bytes'>>][] = [
        ['pgwarden', () => runPgwarden(file, format)],
      ];
      if (version && withBadger.has(mib)) {
        tools.push(['pgbadger-j1', () => runPgbadger(file, format, 1)]);
        tools.push(['pgbadger-j2', () => runPgbadger(file, format, 2)]);
      }
      for (const [tool, work] of tools) {
        log(`logs: ${tool} on ${fmtMiB(bytes)} of ${format}`);
        const measuredRun = await work();
        if (measuredRun.queries !== generated.statements)
          throw new Error(
            `bench logs: ${tool} found ${measuredRun.queries} queries in the ${format} log, ${generated.statements} were generated`,
          );
        runs.push({ format, tool, bytes, ...measuredRun });
      }
    }
    result.push({ targetMiB: mib, statements: generated.statements, runs });
    await dir.remove();
  }
  return { pgbadger: version, sizes: result, loadBefore, loadAfter: load() };
}

const mbPerS = (run: LogsRun) => run.bytes / 2 ** 20 / (run.ms / 1000);

function find(size: LogsSize, format: Format, tool: Tool): LogsRun | undefined {
  return size.runs.find((r) => r.format === format && r.tool === tool);
}

export function logsGoals(result: LogsBenchResult): GoalLine[] {
  const goals: GoalLine[] = [];
  const largest = result.sizes.at(-1);
  const smallest = result.sizes[0];
  if (!largest || !smallest) return goals;
  for (const format of ['stderr', 'jsonlog'] as const) {
    // throughput against pgBadger at the largest size both ran at; memory at the smallest and the largest
    const compared = [...result.sizes].reverse().find((s) => find(s, format, 'pgbadger-j1')) ?? largest;
    const theirs = find(compared, format, 'pgbadger-j1');
    const ours = find(compared, format, 'pgwarden');
    if (ours && theirs) {
      const ratio = mbPerS(ours) / mbPerS(theirs);
      goals.push({
        benchmark: `\`pgwarden logs\` on ${fmtMiB(ours.bytes)} of ${format}`,
        goal: `≥ ${LOGS_GOAL_RATIO}× pgBadger -j 1's MB/s`,
        result: `${mbPerS(ours).toFixed(1)} MB/s (${ratio.toFixed(1)}×)`,
        met: ratio >= LOGS_GOAL_RATIO,
        peer: `pgBadger -j 1 ${mbPerS(theirs).toFixed(1)} MB/s, -j 2 ${(() => {
          const j2 = find(compared, format, 'pgbadger-j2');
          return j2 ? `${mbPerS(j2).toFixed(1)} MB/s` : 'n/a';
        })()}`,
      });
    }
    const small = find(smallest, format, 'pgwarden');
    const big = find(largest, format, 'pgwarden');
    if (big && small && largest !== smallest)
      goals.push({
        benchmark: `\`pgwarden logs\` peak memory, ${format}, ${fmtMiB(small.bytes)} → ${fmtMiB(big.bytes)}`,
        goal: `flat: ≤ ${LOGS_FLAT_FACTOR}× from the smallest to the largest log`,
        result: `${fmtMiB(small.maxRssBytes)} → ${fmtMiB(big.maxRssBytes)}`,
        met: big.maxRssBytes <= small.maxRssBytes * LOGS_FLAT_FACTOR,
        peer: `pgBadger -j 1 ${(() => {
          const a = find(smallest, format, 'pgbadger-j1');
          const b = find(largest, format, 'pgbadger-j1');
          return a && b && a !== b
            ? `${fmtMiB(a.maxRssBytes)} → ${fmtMiB(b.maxRssBytes)}`
            : 'not run at both sizes';
        })()}`,
      });
  }
  return goals;
}

export function renderLogsBench(result: LogsBenchResult): string {
  const rows = result.sizes.flatMap((size) =>
    size.runs.map((run) => {
      const badger = find(size, run.format, 'pgbadger-j1');
      return [
        `${fmtMiB(run.bytes)} ${run.format}`,
        run.tool,
        fmtMs(run.ms),
        `${mbPerS(run).toFixed(1)} MB/s`,
        fmtMiB(run.maxRssBytes),
        fmtInt(run.queries),
        badger && run.tool !== 'pgbadger-j1' ? `${(mbPerS(run) / mbPerS(badger)).toFixed(2)}×` : '–',
      ];
    }),
  );
  return [
    `Generated server logs (bench/logs-generate.ts): sessions of an application (simple and extended protocol with parameters), pgbench-like statements with random constants from a few dozen shapes, N+1 loops, errors with SQLSTATEs, lock waits, temp files, checkpoints, autovacuum and connections; the same events written in stderr (log_line_prefix \`${BENCH_PREFIX}\`) and in jsonlog. Every tool runs as a fresh process, once per size and format, under GNU time (peak RSS); pgwarden as \`pgwarden logs FILE --format json\`, pgBadger ${result.pgbadger ?? '(not installed)'} as \`pgbadger -j N -f FORMAT -o out.json\`. Each tool's query count must equal the statements generated. The issue's goal is measured at 0.25, 0.5 and 1 GB; on this 2-core machine (load average ${result.loadBefore.join(', ')} before, ${result.loadAfter.join(', ')} after; ${machineLoadNote(result.loadBefore[0] ?? 0, result.loadAfter[0] ?? 0)}) the sizes are ${result.sizes.map((s) => `${s.targetMiB} MiB`).join(', ')} of stderr (PGWARDEN_BENCH_LOG_MB sets them)${(() => {
      const badger = result.sizes.filter((s) => s.runs.some((r) => r.tool === 'pgbadger-j1'));
      return badger.length === result.sizes.length
        ? ''
        : `. **pgBadger was timed on the ${badger.map((s) => `${s.targetMiB} MiB`).join(', ') || 'no'} log only** (PGWARDEN_BENCH_LOG_BADGER_MB), not at the issue's sizes: its four runs (-j 1 and -j 2, stderr and jsonlog) take a quarter of an hour per GB each at the CPU share a loaded machine leaves it. The throughput ratios compare pgwarden and pgBadger on that log; pgwarden alone ran at every size, and its memory is compared from the smallest to the largest`;
    })()}.`,
    '',
    mdTable(['Log', 'Tool', 'Time', 'Throughput', 'Peak RSS', 'Queries', 'vs pgBadger -j 1'], rows),
    '',
    ...(() => {
      // the same program on the same kind of log: a wide spread is the shared machine's load, not the log
      const spreads = (['stderr', 'jsonlog'] as const).flatMap((format) => {
        const ours = result.sizes.flatMap((s) =>
          s.runs.filter((r) => r.tool === 'pgwarden' && r.format === format),
        );
        if (ours.length < 2) return [];
        const sorted = [...ours].sort((a, b) => mbPerS(a) - mbPerS(b));
        const [low, high] = [sorted[0]!, sorted.at(-1)!];
        return mbPerS(high) > 3 * mbPerS(low)
          ? [
              `${format} from ${mbPerS(low).toFixed(1)} MB/s (${fmtMiB(low.bytes)}) to ${mbPerS(high).toFixed(1)} MB/s (${fmtMiB(high.bytes)})`,
            ]
          : [];
      });
      return spreads.length > 0
        ? [
            `pgwarden's own throughput in this run went, ${spreads.join('; ')}: more than 3× apart for the same program on the same kind of log, so the CPU share the loaded machine left it, not the log, set these figures; a ratio to pgBadger holds only for runs side by side.`,
            '',
          ]
        : [];
    })(),
    ...(() => {
      const [before, after] = [result.loadBefore[0] ?? 0, result.loadAfter[0] ?? 0];
      return Math.abs(after - before) > 2
        ? [
            `The machine's load changed during this run (one-minute average ${before} at the start, ${after} at the end): the tools ran one after the other, so each ratio is only as fair as the loads its two runs saw were alike (at each size pgwarden runs first, then pgBadger -j 1 and -j 2).`,
            '',
          ]
        : [];
    })(),
    `Goals: ${logsGoals(result)
      .map((g) => `${g.benchmark}: ${g.result} (${g.goal}) ${yesNo(g.met === true)}`)
      .join('; ')}.`,
  ].join('\n');
}
