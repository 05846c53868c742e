/**
 * Lint as a pull request runs it (one migration, a fresh process) and as an editor runs it (`--watch`): the start
 * of a process against a bare Node.js and squawk, and a re-lint after a change in a warm session.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { distPath, fmtMs, type GoalLine, mdTable, median, now, stats, yesNo } from './lib.js';
import { LINT_ARGS } from './lint-corpus.js';

/** Issue 20: one migration linted in at most 3× a bare `node -e ""`. */
export const START_GOAL_FACTOR = 3;
/** Issue 20: re-linting a changed file in watch mode in at most 50 ms. */
export const WATCH_GOAL_MS = 50;

type Starter = 'pgwarden' | 'pgwardenUnbundled' | 'squawk' | 'node';
const STARTERS: readonly Starter[] = ['pgwarden', 'pgwardenUnbundled', 'squawk', 'node'];

export interface StartResult {
  readonly file: string;
  readonly statements: number;
  readonly rounds: number;
  readonly wallMs: Record<Starter, number[]>;
  readonly cpuMs: Record<Starter, number[]>;
  readonly commands: Record<Starter, string>;
}

export interface WatchResult {
  readonly files: number;
  readonly firstRunMs: number;
  /**
   * Re-lint after an edit of the newest migration, each edit in turn, as the CLI runs it: the watcher's 'change'
   * events name the file, and only it is read again.
   */
  readonly lastFileMs: number[];
  /** The same without the watcher's hint: the folder listed and every file checked (a rename, a new file). */
  readonly lastFileFullMs: number[];
  readonly relintedAfterLast: number;
  /** Re-lint after an edit of the migration in the middle: every file after it is linted again. */
  readonly middleFileMs: number[];
  readonly relintedAfterMiddle: number;
}

/** One migration, each command a fresh process, interleaved (the order alternating), after one warm-up round. */
export function measureStart(file: string, statements: number, squawk: string, rounds: number): StartResult {
  const lintArgs = LINT_ARGS(file);
  const argv: Record<Starter, string[]> = {
    pgwarden: [process.execPath, distPath('bin/pgwarden.js'), ...lintArgs],
    pgwardenUnbundled: [process.execPath, distPath('cli/main.js'), ...lintArgs],
    squawk: [squawk, '--reporter', 'json', '--pg-version', '18.0', '--assume-in-transaction', file],
    node: [process.execPath, '-e', ''],
  };
  const wallMs = { pgwarden: [], pgwardenUnbundled: [], squawk: [], node: [] } as Record<Starter, number[]>;
  const cpuMs = { pgwarden: [], pgwardenUnbundled: [], squawk: [], node: [] } as Record<Starter, number[]>;
  for (let round = 0; round <= rounds; round++) {
    const order = round % 2 === 0 ? STARTERS : [...STARTERS].reverse();
    for (const starter of order) {
      const [command, ...args] = argv[starter];
      const cpuBefore = childrenCpuMs();
      const started = now();
      const run = spawnSync(command!, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
      const ms = now() - started;
      if (run.status !== 0 && !(starter === 'squawk' && run.status === 1))
        throw new Error(
          `bench: ${argv[starter].join(' ')} exited with ${run.status}: ${run.stderr.slice(-400)}`,
        );
      if (round === 0) continue;
      wallMs[starter].push(ms);
      cpuMs[starter].push(childrenCpuMs() - cpuBefore);
    }
  }
  const dist = distPath('').replace(/\/$/, '');
  const shown = (starter: Starter) =>
    starter === 'node'
      ? 'node -e ""'
      : argv[starter]
          .map((a) => (a === process.execPath ? 'node' : a === squawk ? 'squawk' : a === file ? '<file>' : a))
          .map((a) => (a.startsWith(dist) ? `dist${a.slice(dist.length)}` : a))
          .join(' ');
  return {
    file,
    statements,
    rounds,
    wallMs,
    cpuMs,
    commands: Object.fromEntries(STARTERS.map((s) => [s, shown(s)])) as Record<Starter, string>,
  };
}

/** CPU time (user + system) of the children this process has waited for, from /proc (clock ticks of 10 ms). */
function childrenCpuMs(): number {
  const text = readFileSync('/proc/self/stat', 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // cutime and cstime: fields 16 and 17 of stat, 13 and 14 once the pid, name and state are cut off
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/**
 * A warm `pgwarden lint --watch` session (LintSession, what the CLI runs) in a process of its own on the corpus:
 * the first run, then edits of the newest migration and of the one in the middle, each re-lint timed.
 */
export function measureWatch(dir: string, paths: readonly string[], edits: number): WatchResult {
  const last = paths.at(-1)!;
  const middle = paths[Math.floor(paths.length / 2)]!;
  const script = `
    import { appendFileSync } from 'node:fs';
    import { loadConfig } from ${JSON.stringify(distPath('core/config.js'))};
    import { LintSession } from ${JSON.stringify(distPath('ops/lint-watch.js'))};
    const session = new LintSession({ paths: [${JSON.stringify(dir)}], config: loadConfig({}), pgVersion: 18 });
    const first = await session.run();
    // as the CLI: the first change after the start is read whole, the later ones with the watcher's hint
    const timed = async (file, k, hint) => {
      appendFileSync(file, '\\nCOMMENT ON TABLE customers IS ' + "'edit " + k + "'" + ';\\n');
      const run = await session.run(hint ? { changed: [file] } : undefined);
      run.report(new Set(run.changed));
      return run;
    };
    await timed(${JSON.stringify(last)}, -1, false);
    const lastMs = [], lastFullMs = [], middleMs = [];
    let relinted = 0, relintedLast = 0;
    for (let k = 0; k < ${edits}; k++) { const run = await timed(${JSON.stringify(last)}, k, true); lastMs.push(run.ms); relintedLast = run.relinted; }
    for (let k = 0; k < ${edits}; k++) lastFullMs.push((await timed(${JSON.stringify(last)}, k, false)).ms);
    for (let k = 0; k < ${edits}; k++) { const run = await timed(${JSON.stringify(middle)}, k, true); middleMs.push(run.ms); relinted = run.relinted; }
    console.log(JSON.stringify({ files: first.files, firstRunMs: first.ms, lastFileMs: lastMs, lastFileFullMs: lastFullMs, relintedAfterLast: relintedLast, middleFileMs: middleMs, relintedAfterMiddle: relinted }));
  `;
  const scriptFile = join(dir, '..', 'watch-bench.mjs');
  writeFileSync(scriptFile, script);
  const run = spawnSync(process.execPath, ['--liftoff-only', scriptFile], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`bench: the watch session failed: ${run.stderr.slice(-800)}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as WatchResult;
}

const STARTER_LABEL: Record<Starter, string> = {
  pgwarden: 'pgwarden (bundled: `dist/bin/pgwarden.js`, the package’s bin)',
  pgwardenUnbundled:
    'pgwarden before issue 20 (`dist/cli/main.js`: 600 modules, V8’s optimising tier for WebAssembly)',
  squawk: 'squawk (native binary)',
  node: 'bare Node.js start (`node -e ""`)',
};

function startFactor(result: StartResult): number {
  return median(result.wallMs.pgwarden) / median(result.wallMs.node);
}

export function startGoals(start: StartResult, watch: WatchResult): GoalLine[] {
  const factor = startFactor(start);
  const lastMs = median(watch.lastFileMs);
  return [
    {
      benchmark: '`pgwarden lint` of one migration (a pull request)',
      goal: `≤ ${START_GOAL_FACTOR}× a bare \`node -e ""\``,
      result: `${fmtMs(median(start.wallMs.pgwarden))} (${factor.toFixed(1)}× node's ${fmtMs(median(start.wallMs.node))})`,
      met: factor <= START_GOAL_FACTOR,
      peer: `squawk ${fmtMs(median(start.wallMs.squawk))}; before: ${fmtMs(median(start.wallMs.pgwardenUnbundled))}`,
    },
    {
      benchmark: `\`pgwarden lint --watch\`, ${watch.files.toLocaleString('en-US')} migrations`,
      goal: `re-lint of a changed file ≤ ${WATCH_GOAL_MS} ms`,
      result: `${fmtMs(lastMs)} (newest migration edited)`,
      met: lastMs <= WATCH_GOAL_MS,
      peer: `first run ${fmtMs(watch.firstRunMs)}`,
    },
  ];
}

export function renderStart(start: StartResult, watch: WatchResult): string {
  const row = (starter: Starter) => {
    const wall = stats(start.wallMs[starter]);
    return [
      STARTER_LABEL[starter],
      fmtMs(wall.median),
      `${fmtMs(wall.min)} – ${fmtMs(wall.max)}`,
      fmtMs(median(start.cpuMs[starter])),
      `${(wall.median / median(start.wallMs.node)).toFixed(1)}×`,
    ];
  };
  const last = stats(watch.lastFileMs);
  const lastFull = stats(watch.lastFileFullMs);
  const middle = stats(watch.middleFileMs);
  return [
    '### One migration, a fresh process (what CI lints on a pull request)',
    '',
    `\`${start.file.split('/').at(-1)}\` of the corpus (${start.statements} statements), each command a fresh process, 1 warm-up round then ${start.rounds} rounds interleaved (the order alternating); medians; the bundled pgwarden's processes start from the V8 code cache its warm-up run wrote (as every run after a command's first does). CPU is user + system time of the process and its threads (from /proc).`,
    '',
    mdTable(['Command', 'Wall (median)', 'min – max', 'CPU (median)', '× bare Node'], STARTERS.map(row)),
    '',
    'Commands:',
    '',
    ...STARTERS.map((starter) => `- ${STARTER_LABEL[starter]}: \`${start.commands[starter]}\``),
    '',
    '### Watch mode (what an editor beside pgwarden gets)',
    '',
    `A warm session (\`LintSession\`, what \`pgwarden lint --watch\` runs) in a process of its own on the same ${watch.files.toLocaleString('en-US')} migrations: the first run took ${fmtMs(watch.firstRunMs)}; then a statement was appended to the newest migration ${watch.lastFileMs.length} times, and to the one in the middle ${watch.middleFileMs.length} times, each re-lint timed (the changed file read again, the changed stretch and everything after it linted again, the changed files' report built). As the CLI runs it, the session is told the file the watcher saw change (its 'change' events); without that hint (the first change after the start, a file added, removed or renamed) it lists the folder and checks every file.`,
    '',
    mdTable(
      ['Edit', 'Files linted again', 'Median', 'min – max', `Goal ≤ ${WATCH_GOAL_MS} ms`],
      [
        [
          'the newest migration',
          watch.relintedAfterLast.toLocaleString('en-US'),
          fmtMs(last.median),
          `${fmtMs(last.min)} – ${fmtMs(last.max)}`,
          yesNo(last.median <= WATCH_GOAL_MS),
        ],
        [
          'the newest migration, every file checked (no hint)',
          watch.relintedAfterLast.toLocaleString('en-US'),
          fmtMs(lastFull.median),
          `${fmtMs(lastFull.min)} – ${fmtMs(lastFull.max)}`,
          yesNo(lastFull.median <= WATCH_GOAL_MS),
        ],
        [
          'the migration in the middle',
          watch.relintedAfterMiddle.toLocaleString('en-US'),
          fmtMs(middle.median),
          `${fmtMs(middle.min)} – ${fmtMs(middle.max)}`,
          '—',
        ],
      ],
    ),
    '',
  ].join('\n');
}
