/**
 * `check`: the time `pgwarden check examples/shop` takes end to end (the README's main command), a fresh process
 * per run on the embedded PostgreSQL, with the time of each step from its JSON output. No other tool runs a whole
 * Definition of Done, so the side-by-side figure is the same work done as separate pgwarden commands, one after the
 * other (each builds its own shadow database): what `check` saves by building once and sharing one server.
 */
import { spawnSync } from 'node:child_process';
import {
  distPath,
  fmtMs,
  fmtRatio,
  type GoalLine,
  log,
  mdTable,
  now,
  ROOT,
  type Stats,
  stats,
  yesNo,
} from './lib.js';

export const CHECK_GOAL_MS = 10_000;
const RUNS = 5;
const EXAMPLE = 'examples/shop';

export interface CheckBenchResult {
  readonly runs: number;
  readonly command: string;
  readonly total: { readonly samples: number[]; readonly stats: Stats };
  /** Median of each step's own time (from the JSON report), in run order. */
  readonly steps: readonly { readonly title: string; readonly medianMs: number }[];
  readonly separate: { readonly commands: string[]; readonly samples: number[]; readonly stats: Stats };
  readonly boxes: { readonly pass: number; readonly fail: number; readonly na: number };
  readonly goalMs: number;
  readonly met: boolean;
}

interface CheckJson {
  steps: { title: string; ms: number }[];
  sections: { boxes: { status: string }[] }[];
}

function run(args: string[]): { ms: number; stdout: string } {
  const start = now();
  const result = spawnSync(process.execPath, [distPath('bin/pgwarden.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = now() - start;
  if (result.error) throw result.error;
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`pgwarden ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  }
  return { ms, stdout: result.stdout };
}

/** The same work as `check`, as the commands a user would otherwise run one by one. */
function separateCommands(): string[][] {
  const migrations = `${EXAMPLE}/migrations`;
  const shadow = ['--migrations', migrations];
  const queries = [
    'SELECT id, status, total, placed_at FROM orders WHERE user_id = 4242 ORDER BY placed_at DESC LIMIT 20',
    'SELECT oi.product_id, oi.quantity, oi.unit_price FROM order_items oi WHERE oi.order_id = 31337',
    "SELECT * FROM products WHERE name ILIKE '%' || $1 || '%' LIMIT 50",
    'SELECT id, sku, name, price FROM products WHERE sku = $1',
  ];
  return [
    ['lint', migrations, '--trace', '--quiet'],
    ['migrate', 'verify', '--dir', migrations, '--quiet'],
    ['schema', ...shadow, '--quiet'],
    ['query', `${EXAMPLE}/queries`, `${EXAMPLE}/src`, ...shadow, '--quiet'],
    ...queries.map((q) => ['explain', ...shadow, '--seed', `${EXAMPLE}/seed.sql`, '--quiet', q]),
  ];
}

export async function runCheckBench(): Promise<CheckBenchResult> {
  const args = ['check', EXAMPLE, '--format', 'json', '--quiet'];
  log(`check: 1 warm-up + ${RUNS} measured runs of pgwarden ${args.join(' ')}, and of the separate commands`);
  run(args);
  const totals: number[] = [];
  const stepSamples = new Map<string, number[]>();
  const separate: number[] = [];
  let last: CheckJson | undefined;
  const commands = separateCommands();
  for (let i = 0; i < RUNS; i++) {
    const { ms, stdout } = run(args);
    totals.push(ms);
    last = JSON.parse(stdout) as CheckJson;
    for (const step of last.steps)
      stepSamples.set(step.title, [...(stepSamples.get(step.title) ?? []), step.ms]);
    const t0 = now();
    for (const command of commands) run(command);
    separate.push(now() - t0);
  }
  const boxes = last!.sections.flatMap((s) => s.boxes);
  const total = stats(totals);
  const result: CheckBenchResult = {
    runs: RUNS,
    command: `node dist/bin/pgwarden.js ${args.join(' ')}`,
    total: { samples: totals, stats: total },
    steps: [...stepSamples].map(([title, samples]) => ({ title, medianMs: stats(samples).median })),
    separate: {
      commands: commands.map((c) => `pgwarden ${c.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' ')}`),
      samples: separate,
      stats: stats(separate),
    },
    boxes: {
      pass: boxes.filter((b) => b.status === 'pass').length,
      fail: boxes.filter((b) => b.status === 'fail').length,
      na: boxes.filter((b) => b.status === 'n/a').length,
    },
    goalMs: CHECK_GOAL_MS,
    met: total.median <= CHECK_GOAL_MS,
  };
  log(`check: median ${fmtMs(total.median)}; separate commands ${fmtMs(result.separate.stats.median)}`);
  return result;
}

export function checkGoals(result: CheckBenchResult): GoalLine[] {
  return [
    {
      benchmark: '`pgwarden check examples/shop` (README main command)',
      goal: `median ≤ ${fmtMs(result.goalMs)} (seconds, not minutes)`,
      result: `median ${fmtMs(result.total.stats.median)}`,
      met: result.met,
      peer: `${fmtRatio(result.total.stats.median, result.separate.stats.median)} the same work as ${result.separate.commands.length} separate pgwarden commands (${fmtMs(result.separate.stats.median)})`,
    },
  ];
}

function timingRow(label: string, s: Stats): string[] {
  return [label, fmtMs(s.median), fmtMs(s.p90), fmtMs(s.min), fmtMs(s.max)];
}

export function renderCheckBench(result: CheckBenchResult): string {
  return [
    `\`${result.command}\` as a fresh process on the embedded PostgreSQL 18, ${result.runs} measured runs after one warm-up; each step's time is read from the JSON report. Its checklist: ${result.boxes.pass} ✔, ${result.boxes.fail} ✘ (the planted problems), ${result.boxes.na} not applicable. No other tool runs a whole Definition of Done; the side-by-side figure is the same work run as separate pgwarden commands in the same loop (each starts the embedded server and builds its own shadow database).`,
    '',
    mdTable(
      ['Run', 'Median', 'p90', 'Min', 'Max'],
      [
        timingRow('`pgwarden check examples/shop`', result.total.stats),
        timingRow('the same as separate commands', result.separate.stats),
      ],
    ),
    '',
    mdTable(
      ['Step of `check`', 'Median'],
      result.steps.map((s) => [s.title, fmtMs(s.medianMs)]),
    ),
    '',
    mdTable(
      ['Goal', 'Result', 'Met', 'check / separate commands'],
      [
        [
          `median ≤ ${fmtMs(result.goalMs)}`,
          fmtMs(result.total.stats.median),
          yesNo(result.met),
          fmtRatio(result.total.stats.median, result.separate.stats.median),
        ],
      ],
    ),
    '',
    'The separate commands:',
    '',
    ...result.separate.commands.map((c) => `- \`${c}\``),
  ].join('\n');
}
