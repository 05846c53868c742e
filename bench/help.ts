/**
 * `help`: cold start of `pgwarden --help`, a fresh Node process per run, against a bare `node -e ""` measured in
 * the same loop (interleaved, so drift in machine load hits both alike).
 */
import { spawnSync } from 'node:child_process';
import {
  type BenchOptions,
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

export const HELP_GOAL_MS = 150;

export interface HelpResult {
  readonly runs: number;
  readonly warmup: number;
  readonly command: string;
  readonly pgwarden: { readonly samples: number[]; readonly stats: Stats };
  readonly bareNode: { readonly samples: number[]; readonly stats: Stats };
  readonly goalMs: number;
  readonly met: boolean;
}

interface Command {
  readonly label: string;
  readonly args: string[];
}

function timeOnce(command: Command): number {
  const start = now();
  const result = spawnSync(process.execPath, command.args, { cwd: ROOT, stdio: 'ignore' });
  const ms = now() - start;
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command.label} exited with ${result.status ?? result.signal}`);
  return ms;
}

export async function runHelp(options: BenchOptions): Promise<HelpResult> {
  const cli = distPath('bin/pgwarden.js');
  const pgwarden: Command = { label: 'pgwarden --help', args: [cli, '--help'] };
  const bare: Command = { label: 'node -e ""', args: ['-e', ''] };

  // The output must be the real help, not an error that happens to exit 0.
  const check = spawnSync(process.execPath, pgwarden.args, { cwd: ROOT, encoding: 'utf8' });
  if (check.status !== 0 || !/Usage: pgwarden/.test(check.stdout)) {
    throw new Error(`pgwarden --help failed (${check.status}): ${check.stderr || check.stdout}`);
  }

  log(`help: ${options.helpWarmup} warm-up + ${options.helpRuns} measured runs of each command`);
  for (let i = 0; i < options.helpWarmup; i++) {
    timeOnce(pgwarden);
    timeOnce(bare);
  }
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < options.helpRuns; i++) {
    // Alternate which command goes first, so neither always follows the other.
    if (i % 2 === 0) {
      ours.push(timeOnce(pgwarden));
      theirs.push(timeOnce(bare));
    } else {
      theirs.push(timeOnce(bare));
      ours.push(timeOnce(pgwarden));
    }
  }
  const result: HelpResult = {
    runs: options.helpRuns,
    warmup: options.helpWarmup,
    command: 'node dist/bin/pgwarden.js --help',
    pgwarden: { samples: ours, stats: stats(ours) },
    bareNode: { samples: theirs, stats: stats(theirs) },
    goalMs: HELP_GOAL_MS,
    met: stats(ours).median <= HELP_GOAL_MS,
  };
  log(
    `help: pgwarden median ${fmtMs(result.pgwarden.stats.median)}, bare node ${fmtMs(result.bareNode.stats.median)}`,
  );
  return result;
}

export function helpGoals(result: HelpResult): GoalLine[] {
  return [
    {
      benchmark: '`pgwarden --help` cold start',
      goal: `median ≤ ${result.goalMs} ms`,
      result: `median ${fmtMs(result.pgwarden.stats.median)}`,
      met: result.met,
      peer: `${fmtRatio(result.pgwarden.stats.median, result.bareNode.stats.median)} bare \`node -e ""\``,
    },
  ];
}

export function renderHelp(result: HelpResult): string {
  const row = (label: string, s: Stats) => [label, fmtMs(s.median), fmtMs(s.p90), fmtMs(s.min), fmtMs(s.max)];
  const ours = result.pgwarden.stats;
  const bare = result.bareNode.stats;
  return [
    `Each run spawns a fresh process and times it from spawn to exit (output discarded); ${result.warmup} warm-up runs of each command, then ${result.runs} measured runs of each, interleaved.`,
    '',
    mdTable(
      ['Command', 'Median', 'p90', 'Min', 'Max'],
      [row('`node dist/bin/pgwarden.js --help`', ours), row('`node -e ""` (bare Node start)', bare)],
    ),
    '',
    mdTable(
      ['Goal', 'Result', 'Met', 'pgwarden / bare Node (median)', 'pgwarden − bare Node (median)'],
      [
        [
          `median ≤ ${result.goalMs} ms`,
          fmtMs(ours.median),
          yesNo(result.met),
          fmtRatio(ours.median, bare.median),
          fmtMs(ours.median - bare.median),
        ],
      ],
    ),
  ].join('\n');
}
