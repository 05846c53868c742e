/**
 * pgwarden's plan model against pev2's computation, node by node.
 */
import { type Plan, parsePlan } from '../../src/explain/plan.js';
import { PEV2_EXCLUSIVE, PEV2_INCLUSIVE, pev2Analyze, pev2Nodes, pev2Service } from './pev2.js';

export interface NodeDeviation {
  readonly id: number;
  readonly nodeType: string;
  readonly ours: number | null;
  readonly pev2: number | null;
  /** |ours − pev2| / |pev2| (0 when both are 0). */
  readonly relative: number;
  readonly absolute: number;
}

export interface Comparison {
  readonly plan: Plan;
  readonly nodes: number;
  /** Nodes with an exclusive time on both sides. */
  readonly timed: number;
  readonly exclusive: {
    readonly maxRelative: number;
    readonly maxAbsolute: number;
    readonly worst: NodeDeviation | null;
  };
  readonly inclusive: { readonly maxRelative: number; readonly maxAbsolute: number };
  /** Nodes where one side has a time and the other has none (or NaN), or where the trees do not line up. */
  readonly mismatches: readonly string[];
}

/** Below this (ms), a difference is floating-point noise, not a deviation. */
const NOISE_MS = 1e-9;

function deviation(ours: number, theirs: number): { relative: number; absolute: number } {
  const absolute = Math.abs(ours - theirs);
  if (absolute <= NOISE_MS) return { relative: 0, absolute };
  return { relative: absolute / Math.max(Math.abs(theirs), NOISE_MS), absolute };
}

function pev2Number(value: unknown): number | null {
  return typeof value === 'number' && !Number.isNaN(value) ? value : null;
}

export async function compareWithPev2(text: string): Promise<Comparison> {
  const plan = parsePlan(text);
  const theirs = pev2Nodes(pev2Analyze(await pev2Service(), text));
  const mismatches: string[] = [];
  if (theirs.size !== plan.nodes.length) {
    mismatches.push(`pev2 has ${theirs.size} nodes, pgwarden ${plan.nodes.length}`);
  }
  const exclusive = { maxRelative: 0, maxAbsolute: 0, worst: null as NodeDeviation | null };
  const inclusive = { maxRelative: 0, maxAbsolute: 0 };
  let timed = 0;
  for (const node of plan.nodes) {
    const other = theirs.get(node.id + 1);
    if (!other) {
      mismatches.push(`node ${node.id} (${node.nodeType}): not in pev2's plan`);
      continue;
    }
    if (
      other['Actual Loops'] !== node.raw['Actual Loops'] ||
      other['Total Cost'] !== node.raw['Total Cost']
    ) {
      mismatches.push(`node ${node.id} (${node.nodeType}): pev2's node ${other.nodeId} is another node`);
    }
    const theirExclusive = pev2Number(other[PEV2_EXCLUSIVE]);
    if ((node.exclusiveMs === null) !== (theirExclusive === null)) {
      mismatches.push(
        `node ${node.id} (${node.nodeType}): exclusive time ${node.exclusiveMs} here, ${String(other[PEV2_EXCLUSIVE])} in pev2`,
      );
      continue;
    }
    if (node.exclusiveMs === null || theirExclusive === null) continue;
    timed++;
    const d = deviation(node.exclusiveMs, theirExclusive);
    if (!exclusive.worst || d.relative > exclusive.worst.relative) {
      exclusive.worst = {
        id: node.id,
        nodeType: node.nodeType,
        ours: node.exclusiveMs,
        pev2: theirExclusive,
        ...d,
      };
    }
    exclusive.maxRelative = Math.max(exclusive.maxRelative, d.relative);
    exclusive.maxAbsolute = Math.max(exclusive.maxAbsolute, d.absolute);
    const theirInclusive = pev2Number(other[PEV2_INCLUSIVE]);
    if (node.inclusiveMs !== null && theirInclusive !== null) {
      const i = deviation(node.inclusiveMs, theirInclusive);
      inclusive.maxRelative = Math.max(inclusive.maxRelative, i.relative);
      inclusive.maxAbsolute = Math.max(inclusive.maxAbsolute, i.absolute);
    }
  }
  return { plan, nodes: plan.nodes.length, timed, exclusive, inclusive, mismatches };
}
