/**
 * pev2 (npm `pev2`, dalibo's plan visualiser) as an oracle. Its plan computation lives in a `PlanService` class
 * inside its ES bundle, which exports only the Vue `Plan` component. The bundle loads in plain Node (it imports
 * only `vue` and touches no DOM at load time), so this loads pev2's own code unchanged: a copy of the bundle with
 * one line appended, `export { <the class that has createPlan> as PlanService }`, written under
 * node_modules/.cache/ (so that its `import … from "vue"` resolves as the original's does) and imported.
 *
 * Also used by bench/explain.ts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** pev2's node: the JSON node with pev2's own fields added (`nodeId`, `*Duration (exclusive)`, …). */
export type Pev2Node = Record<string, unknown> & { nodeId: number; Plans?: Pev2Node[] };

export interface Pev2Plan {
  readonly content: Record<string, unknown> & { Plan: Pev2Node };
  /** CTE plans, which pev2 takes out of the tree. */
  readonly ctes: Pev2Node[];
  readonly isAnalyze: boolean;
}

export interface Pev2PlanService {
  fromSource(source: string): Record<string, unknown>;
  createPlan(name: string, content: Record<string, unknown>, query: string): Pev2Plan;
}

export const PEV2_EXCLUSIVE = '*Duration (exclusive)';
export const PEV2_INCLUSIVE = 'Actual Total Time';

const require = createRequire(import.meta.url);

/** pev2's folder (its package.json is not among its exports, so go through its main file). */
function pev2Dir(): string {
  return dirname(dirname(require.resolve('pev2')));
}

export function pev2Version(): string {
  return (JSON.parse(readFileSync(join(pev2Dir(), 'package.json'), 'utf8')) as { version: string }).version;
}

let loaded: Promise<new () => Pev2PlanService> | undefined;

/**
 * Writes (if needed) the copy of pev2's bundle that also exports its PlanService, and returns its path. Importing
 * it gives `{ PlanService, Plan }`.
 */
export function pev2ModulePath(): string {
  const bundle = join(pev2Dir(), 'dist', 'pev2.es.js');
  const source = readFileSync(bundle, 'utf8');
  const at = source.indexOf('\n  createPlan(');
  if (at < 0) throw new Error(`pev2 ${pev2Version()}: no createPlan( in ${bundle}: its layout changed`);
  const className = [...source.slice(0, at).matchAll(/\nclass ([\w$]+) \{/g)].at(-1)?.[1];
  if (!className) throw new Error(`pev2 ${pev2Version()}: cannot find the class holding createPlan`);
  // pev2Dir() is <root>/node_modules/pev2: the copy goes to <root>/node_modules/.cache/pgwarden/.
  const target = join(dirname(pev2Dir()), '.cache', 'pgwarden', `pev2-${pev2Version()}-plan-service.mjs`);
  const text = `${source}\nexport { ${className} as PlanService };\n`;
  if (!existsSync(target) || readFileSync(target, 'utf8') !== text) {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  return target;
}

async function load(): Promise<new () => Pev2PlanService> {
  const module = (await import(pathToFileURL(pev2ModulePath()).href)) as {
    PlanService: new () => Pev2PlanService;
  };
  return module.PlanService;
}

/** A fresh pev2 PlanService (it keeps state between calls of createPlan, so use one per plan or in sequence). */
export async function pev2Service(): Promise<Pev2PlanService> {
  loaded ??= load();
  return new (await loaded)();
}

/** pev2's reading of a plan: fromSource (its parser) then createPlan (its computation), as its UI does. */
export function pev2Analyze(service: Pev2PlanService, source: string): Pev2Plan {
  const content = service.fromSource(source);
  // pev2 reports an Aggregate strategy it does not know (Mixed) with console.error; keep test output clean.
  const error = console.error;
  console.error = () => {};
  try {
    return service.createPlan('', content, '');
  } finally {
    console.error = error;
  }
}

/** Every node of pev2's plan (the tree and the CTEs it took out), by pev2's nodeId (1-based pre-order). */
export function pev2Nodes(plan: Pev2Plan): Map<number, Pev2Node> {
  const nodes = new Map<number, Pev2Node>();
  const stack: Pev2Node[] = [plan.content.Plan, ...plan.ctes];
  while (stack.length > 0) {
    const node = stack.pop()!;
    nodes.set(node.nodeId, node);
    for (const child of node.Plans ?? []) stack.push(child);
  }
  return nodes;
}
