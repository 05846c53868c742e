/**
 * `explain`: reading a real 2,001-node EXPLAIN (ANALYZE, BUFFERS, SETTINGS) plan of PostgreSQL 18 (400 index scans
 * under an Append, each with its own InitPlan and correlated SubPlan: test/fixtures/plans/pg18-union-2000-nodes)
 * from its JSON text to the plan model with exclusive times. pgwarden's `parsePlan` (from dist/) side by side
 * with pev2's parser and computation (`fromSource` + `createPlan`, the code explain.dalibo.com runs, loaded from the
 * `pev2` devDependency as test/explain/pev2.ts does). Both read the same text; the harness checks they agree.
 *
 * Cold: a fresh Node process per run that imports the module, then reads the plan once (what `pgwarden explain`
 * does). Warm: in the harness process after warm-up runs, the two tools interleaved. CPU time is reported next to
 * wall time: on a busy machine it moves less.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import {
  type BenchOptions,
  distPath,
  fmtMs,
  type GoalLine,
  log,
  mdTable,
  now,
  ROOT,
  type Stats,
  stats,
  yesNo,
} from './lib.js';

export const EXPLAIN_GOAL_MS = 100;

export interface ExplainSettings {
  /** Warm runs of pgwarden in the harness process (after the warm-up runs). */
  readonly explainRuns: number;
  /** Warm runs of pev2 (it takes seconds on this plan). */
  readonly explainPev2Runs: number;
  /** Cold runs (fresh processes) of each tool. */
  readonly explainColdRuns: number;
}

export const DEFAULT_EXPLAIN_SETTINGS: ExplainSettings = {
  explainRuns: 30,
  explainPev2Runs: 3,
  explainColdRuns: 5,
};

const PLAN_FILE = join(ROOT, 'test', 'fixtures', 'plans', 'pg18-union-2000-nodes.json.gz');
const WARMUP = 3;

export interface Timing {
  readonly wall: Stats;
  readonly cpu: Stats;
}

export interface ColdTiming {
  /** Importing the module in a fresh process. */
  readonly importMs: Stats;
  /** The first (and only) read of the plan in that process. */
  readonly parseMs: Stats;
}

export interface ExplainResult {
  readonly plan: {
    readonly file: string;
    readonly nodes: number;
    readonly bytes: number;
    readonly initPlans: number;
  };
  readonly settings: ExplainSettings;
  readonly pev2Version: string;
  /** JSON.parse of the text alone: the floor under both tools. */
  readonly jsonParse: Stats;
  readonly pgwarden: { readonly warm: Timing; readonly cold: ColdTiming };
  readonly pev2: {
    readonly warm: Timing;
    readonly cold: ColdTiming;
    /** Warm, split: pev2's parser (fromSource) and its computation (createPlan). */
    readonly fromSource: Stats;
    readonly createPlan: Stats;
  };
  /** Largest relative difference of exclusive time between the two, over every node. */
  readonly maxDeviation: number;
  readonly goalMs: number;
  /** Cold parse median within the goal. */
  readonly met: boolean;
  readonly problems: string[];
}

interface Pev2Module {
  pev2Service(): Promise<{
    fromSource(source: string): Record<string, unknown>;
    createPlan(name: string, content: Record<string, unknown>, query: string): unknown;
  }>;
  pev2Analyze(service: unknown, source: string): unknown;
  pev2Nodes(plan: unknown): Map<number, Record<string, unknown>>;
  pev2Version(): string;
  pev2ModulePath(): string;
}

type ParsePlan = (input: unknown) => {
  nodes: readonly { id: number; exclusiveMs: number | null; subplanKind: string | null }[];
};

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function measure(work: () => void): { wall: number; cpu: number } {
  const cpu = cpuMs();
  const start = now();
  work();
  return { wall: now() - start, cpu: cpuMs() - cpu };
}

const COLD_SCRIPT = `
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
const text = gunzipSync(readFileSync(process.env.BENCH_PLAN)).toString('utf8');
const start = performance.now();
const module = await import(process.env.BENCH_MODULE);
const imported = performance.now();
let nodes;
if (process.env.BENCH_TOOL === 'pgwarden') {
  nodes = module.parsePlan(text).nodes.length;
} else {
  const service = new module.PlanService();
  const error = console.error;
  console.error = () => {};
  service.createPlan('', service.fromSource(text), '');
  console.error = error;
  nodes = -1;
}
const done = performance.now();
process.stdout.write(JSON.stringify({ importMs: imported - start, parseMs: done - imported, nodes }));
`;

function coldRun(tool: 'pgwarden' | 'pev2', modulePath: string): { importMs: number; parseMs: number } {
  const result = spawnSync(process.execPath, ['--input-type=module', '--eval', COLD_SCRIPT], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      BENCH_PLAN: PLAN_FILE,
      BENCH_MODULE: pathToFileURL(modulePath).href,
      BENCH_TOOL: tool,
    },
    timeout: 5 * 60_000,
  });
  if (result.status !== 0) throw new Error(`cold ${tool} run failed: ${result.stderr || result.error}`);
  return JSON.parse(result.stdout) as { importMs: number; parseMs: number };
}

export async function runExplain(options: BenchOptions & Partial<ExplainSettings>): Promise<ExplainResult> {
  const settings: ExplainSettings = {
    explainRuns: options.explainRuns ?? DEFAULT_EXPLAIN_SETTINGS.explainRuns,
    explainPev2Runs: options.explainPev2Runs ?? DEFAULT_EXPLAIN_SETTINGS.explainPev2Runs,
    explainColdRuns: options.explainColdRuns ?? DEFAULT_EXPLAIN_SETTINGS.explainColdRuns,
  };
  const problems: string[] = [];
  const planModule = distPath('explain/plan.js');
  if (!existsSync(planModule)) throw new Error(`bench: ${planModule} is missing: run "npm run build" first`);
  const { parsePlan } = (await import(pathToFileURL(planModule).href)) as { parsePlan: ParsePlan };
  const pev2 = (await import(pathToFileURL(join(ROOT, 'test', 'explain', 'pev2.ts')).href)) as Pev2Module;
  const text = gunzipSync(readFileSync(PLAN_FILE)).toString('utf8');

  // Both tools must read the plan the same way before their speed means anything.
  const ours = parsePlan(text);
  const theirs = pev2.pev2Nodes(pev2.pev2Analyze(await pev2.pev2Service(), text));
  if (theirs.size !== ours.nodes.length)
    problems.push(`pev2 sees ${theirs.size} nodes, pgwarden ${ours.nodes.length}`);
  let maxDeviation = 0;
  for (const node of ours.nodes) {
    const other = theirs.get(node.id + 1)?.['*Duration (exclusive)'];
    if (typeof other !== 'number' || node.exclusiveMs === null) {
      problems.push(`node ${node.id}: no exclusive time on one side`);
      continue;
    }
    const diff = Math.abs(node.exclusiveMs - other);
    if (diff > 1e-9) maxDeviation = Math.max(maxDeviation, diff / Math.max(Math.abs(other), 1e-9));
  }
  log(`explain: ${ours.nodes.length} nodes, max deviation from pev2 ${maxDeviation.toExponential(2)}`);

  const jsonSamples: number[] = [];
  for (let i = 0; i < 10; i++) jsonSamples.push(measure(() => JSON.parse(text)).wall);

  log(
    `explain: pgwarden warm, ${WARMUP} warm-up + ${settings.explainRuns} runs; pev2 1 + ${settings.explainPev2Runs}`,
  );
  for (let i = 0; i < WARMUP; i++) parsePlan(text);
  const service = await pev2.pev2Service();
  let content: Record<string, unknown> = {};
  const pev2Once = () => {
    const from = measure(() => {
      content = service.fromSource(text);
    });
    const create = measure(() => {
      service.createPlan('', content, '');
    });
    return { from, create };
  };
  const error = console.error;
  console.error = () => {};
  try {
    pev2Once();
    const oursWall: number[] = [];
    const oursCpu: number[] = [];
    const theirWall: number[] = [];
    const theirCpu: number[] = [];
    const fromSource: number[] = [];
    const createPlan: number[] = [];
    const perRound = Math.ceil(settings.explainRuns / settings.explainPev2Runs);
    for (let round = 0; round < settings.explainPev2Runs; round++) {
      for (let i = 0; i < perRound && oursWall.length < settings.explainRuns; i++) {
        const m = measure(() => parsePlan(text));
        oursWall.push(m.wall);
        oursCpu.push(m.cpu);
      }
      const { from, create } = pev2Once();
      theirWall.push(from.wall + create.wall);
      theirCpu.push(from.cpu + create.cpu);
      fromSource.push(from.wall);
      createPlan.push(create.wall);
    }
    console.error = error;

    log(`explain: cold runs, ${settings.explainColdRuns} fresh processes per tool`);
    const pev2Path = pev2.pev2ModulePath();
    const cold: Record<'pgwarden' | 'pev2', { importMs: number; parseMs: number }[]> = {
      pgwarden: [],
      pev2: [],
    };
    for (let i = 0; i < settings.explainColdRuns; i++) {
      cold.pgwarden.push(coldRun('pgwarden', planModule));
      cold.pev2.push(coldRun('pev2', pev2Path));
    }
    const coldTiming = (runs: { importMs: number; parseMs: number }[]): ColdTiming => ({
      importMs: stats(runs.map((r) => r.importMs)),
      parseMs: stats(runs.map((r) => r.parseMs)),
    });
    const result: ExplainResult = {
      plan: {
        file: 'test/fixtures/plans/pg18-union-2000-nodes.json.gz',
        nodes: ours.nodes.length,
        bytes: text.length,
        initPlans: ours.nodes.filter((n) => n.subplanKind === 'initplan').length,
      },
      settings,
      pev2Version: pev2.pev2Version(),
      jsonParse: stats(jsonSamples),
      pgwarden: { warm: { wall: stats(oursWall), cpu: stats(oursCpu) }, cold: coldTiming(cold.pgwarden) },
      pev2: {
        warm: { wall: stats(theirWall), cpu: stats(theirCpu) },
        cold: coldTiming(cold.pev2),
        fromSource: stats(fromSource),
        createPlan: stats(createPlan),
      },
      maxDeviation,
      goalMs: EXPLAIN_GOAL_MS,
      met: false,
      problems,
    };
    const met = result.pgwarden.cold.parseMs.median <= EXPLAIN_GOAL_MS && problems.length === 0;
    log(
      `explain: pgwarden cold ${fmtMs(result.pgwarden.cold.parseMs.median)}, warm ${fmtMs(result.pgwarden.warm.wall.median)}; ` +
        `pev2 cold ${fmtMs(result.pev2.cold.parseMs.median)}, warm ${fmtMs(result.pev2.warm.wall.median)}`,
    );
    return { ...result, met };
  } finally {
    console.error = error;
  }
}

/** pgwarden / pev2 with two significant digits (fmtRatio's two decimals would show 0.00× here). */
function ratio(ours: number, theirs: number): string {
  if (!(theirs > 0)) return 'n/a';
  const r = ours / theirs;
  return `${r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}×`;
}

export function explainGoals(result: ExplainResult): GoalLine[] {
  return [
    {
      benchmark: `\`parsePlan\` of a ${result.plan.nodes.toLocaleString('en-US')}-node plan`,
      goal: `≤ ${result.goalMs} ms (fresh process, median)`,
      result: `${fmtMs(result.pgwarden.cold.parseMs.median)} cold, ${fmtMs(result.pgwarden.warm.wall.median)} warm`,
      met: result.met,
      peer: `${ratio(result.pgwarden.cold.parseMs.median, result.pev2.cold.parseMs.median)} pev2 ${result.pev2Version} (cold)`,
    },
  ];
}

export function renderExplain(result: ExplainResult): string {
  const s = result.settings;
  const row = (label: string, st: Stats) => [
    label,
    fmtMs(st.median),
    fmtMs(st.p90),
    fmtMs(st.min),
    String(st.n),
  ];
  const p = result.plan;
  return [
    `The plan: \`${p.file}\`, ${p.nodes.toLocaleString('en-US')} nodes (${p.initPlans} InitPlans), ${(p.bytes / 2 ** 20).toFixed(1)} MiB of JSON, captured from PostgreSQL 18 with EXPLAIN (ANALYZE, BUFFERS, SETTINGS). Both tools read the same text: pgwarden's \`parsePlan\` from dist/ (JSON text → frozen plan model with inclusive and exclusive times, buffers, hot path) and pev2 ${result.pev2Version}'s \`fromSource\` + \`createPlan\` (its parser and its time computation, as explain.dalibo.com runs them). Their exclusive times differ by at most ${result.maxDeviation.toExponential(1)} (relative) over every node.`,
    '',
    `*Cold*: a fresh Node process per run imports the module, then reads the plan once; ${s.explainColdRuns} runs per tool. *Warm*: in the harness process, ${WARMUP} warm-up runs of pgwarden and 1 of pev2, then ${s.explainRuns} pgwarden runs and ${s.explainPev2Runs} pev2 runs, interleaved; CPU time is the process's user + system time over the same interval.`,
    '',
    mdTable(
      ['Measure', 'Median', 'p90', 'Min', 'Runs'],
      [
        row('pgwarden, cold: parsePlan', result.pgwarden.cold.parseMs),
        row('pgwarden, cold: import of dist/explain/plan.js', result.pgwarden.cold.importMs),
        row('pgwarden, warm: parsePlan (wall)', result.pgwarden.warm.wall),
        row('pgwarden, warm: parsePlan (CPU)', result.pgwarden.warm.cpu),
        row('pev2, cold: fromSource + createPlan', result.pev2.cold.parseMs),
        row('pev2, cold: import of the bundle', result.pev2.cold.importMs),
        row('pev2, warm: fromSource + createPlan (wall)', result.pev2.warm.wall),
        row('pev2, warm: fromSource + createPlan (CPU)', result.pev2.warm.cpu),
        row('pev2, warm: fromSource alone', result.pev2.fromSource),
        row('pev2, warm: createPlan alone', result.pev2.createPlan),
        row('JSON.parse of the text alone', result.jsonParse),
      ],
    ),
    '',
    mdTable(
      ['Goal', 'Result', 'Met', 'pgwarden / pev2 (cold)', 'pgwarden / pev2 (warm)'],
      [
        [
          `≤ ${result.goalMs} ms cold (median)`,
          fmtMs(result.pgwarden.cold.parseMs.median),
          yesNo(result.met),
          ratio(result.pgwarden.cold.parseMs.median, result.pev2.cold.parseMs.median),
          ratio(result.pgwarden.warm.wall.median, result.pev2.warm.wall.median),
        ],
      ],
    ),
    '',
    `Most of pev2's time is its InitPlan rule: for each InitPlan it compiles a regular expression for every text field of every node (${p.initPlans} InitPlans × ${p.nodes.toLocaleString('en-US')} nodes here), where pgwarden indexes the fields' InitPlan references once; both give the same times.`,
    ...(result.problems.length ? ['', `**Problems:** ${result.problems.join('; ')}`] : []),
  ].join('\n');
}
