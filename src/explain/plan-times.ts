/**
 * The derived figures of plan.ts: inclusive and exclusive time (rules 1–4, described at the top of plan.ts),
 * exclusive cost, buffers and I/O time, and the hot path. They work on the nodes while they are still drafts.
 */

import type { JsonObject } from './plan-input.js';
import type { Buffers, IoTiming, Plan, PlanNode } from './plan-types.js';

/** A node while the plan is being built. */
export type Draft = { -readonly [K in keyof PlanNode]: PlanNode[K] };

/** The children whose time (and buffers) a node's own figures include and rule 2 subtracts. */
function timeChildren(drafts: readonly Draft[], node: Draft): Draft[] {
  const out: Draft[] = [];
  for (const id of node.childIds) {
    const child = drafts[id]!;
    if (child.subplanKind === 'cte') continue;
    if (child.parentRelationship === 'InitPlan' && node.nodeType !== 'Result') continue;
    out.push(child);
  }
  return out;
}

/** Inclusive and exclusive times, rules 1–4 of plan.ts. `objects`: each node's JSON object (rule 4 reads them). */
export function computeTimes(drafts: Draft[], objects: readonly JsonObject[], fixes: boolean): void {
  // Rule 1. Pre-order: a parent's gatherWorkers is known before its children's.
  for (const node of drafts) {
    if (
      node.parentId === null ||
      node.parentRelationship === 'InitPlan' ||
      node.parentRelationship === 'SubPlan'
    ) {
      node.gatherWorkers = 0;
    } else {
      const parent = drafts[node.parentId]!;
      node.gatherWorkers = parent.workersLaunched || parent.gatherWorkers;
    }
    if (node.inclusiveMs !== null) {
      const loops = objects[node.id]!['Actual Loops'];
      node.inclusiveMs =
        (node.inclusiveMs * (typeof loops === 'number' ? loops : 1)) / (node.gatherWorkers + 1);
    }
  }
  // Rule 2. Reverse pre-order: children before their parent.
  for (let id = drafts.length - 1; id >= 0; id--) {
    const node = drafts[id]!;
    if (node.inclusiveMs === null) continue;
    let children = 0;
    for (const child of timeChildren(drafts, node)) children += child.inclusiveMs ?? 0;
    node.exclusiveMs = Math.max(0, node.inclusiveMs - children);
  }
  if (!fixes) return;

  // Rule 3, CTE by CTE in pre-order (pev2's order; it matters only for CTEs sharing a name).
  for (const cte of drafts) {
    if (cte.subplanKind !== 'cte') continue;
    const cteMs = cte.inclusiveMs ?? 0;
    const scans = drafts.filter((d) => `CTE ${d.cteName ?? 'undefined'}` === cte.subplanName);
    const sum = scans.reduce((total, scan) => total + (scan.exclusiveMs ?? 0), 0);
    // With sum 0 every scan's exclusive time is already 0 (pev2 computes NaN there).
    if (!(sum > 0)) continue;
    for (const scan of scans) {
      if (scan.exclusiveMs === null) continue;
      scan.exclusiveMs = Math.max(0, scan.exclusiveMs - (cteMs * (scan.inclusiveMs ?? 0)) / sum);
    }
  }

  // Rule 4. pev2 tests every string field of every node outside an InitPlan with /.*KEY[0-9]?/, which is
  // "contains KEY"; KEY always starts with "InitPlan" or "$", so an occurrence is the prefix of a token that
  // /InitPlan\s+\d+|\$\d+/g finds. Indexing the tokens' prefixes once keeps this linear in the plan's size.
  const initPlans: { node: Draft; key: string }[] = [];
  for (const node of drafts) {
    if (node.parentRelationship !== 'InitPlan' || !node.subplanName) continue;
    const match = /(InitPlan\s+[1-9]+)(?:\s+\(returns (\$[0-9]+)\))*/m.exec(node.subplanName);
    if (match) initPlans.push({ node, key: match[2] || match[1]! });
  }
  if (initPlans.length === 0) return;
  const keys = new Set(initPlans.map((p) => p.key));
  const users = new Map<string, Set<number>>();
  const token = /InitPlan\s+\d+|\$\d+/g;
  for (const node of drafts) {
    if (node.parentRelationship === 'InitPlan') continue;
    const object = objects[node.id]!;
    for (const field in object) {
      const value = object[field];
      if (typeof value !== 'string' || (!value.includes('$') && !value.includes('InitPlan'))) continue;
      token.lastIndex = 0;
      for (let match = token.exec(value); match; match = token.exec(value)) {
        const text = match[0];
        for (let end = text.search(/\d/) + 1; end <= text.length; end++) {
          const prefix = text.slice(0, end);
          if (!keys.has(prefix)) continue;
          const set = users.get(prefix);
          if (set) set.add(node.id);
          else users.set(prefix, new Set([node.id]));
        }
      }
    }
  }
  for (const { node: initPlan, key } of initPlans) {
    for (const id of users.get(key) ?? []) {
      const user = drafts[id]!;
      if (user.exclusiveMs !== null) user.exclusiveMs -= initPlan.inclusiveMs ?? 0;
    }
  }
}

/** Exclusive cost, buffers and I/O time. */
export function computeExclusives(drafts: Draft[]): void {
  for (const node of drafts) {
    if (node.estimate) {
      let cost = node.estimate.totalCost;
      for (const id of node.childIds) {
        const child = drafts[id]!;
        if (child.subplanKind !== 'cte') cost -= child.estimate?.totalCost ?? 0;
      }
      node.exclusiveCost = Math.max(0, cost);
    }
    if (node.buffers === null && node.io === null) continue;
    const children = timeChildren(drafts, node);
    if (node.buffers) node.exclusiveBuffers = subtractBuffers(node.buffers, children);
    if (node.io) {
      node.exclusiveIo = subtractIo(
        node.io,
        children.map((c) => c.io),
      );
    }
  }
}

function subtractBuffers(own: Buffers, children: readonly Draft[]): Buffers {
  if (children.length === 0) return own;
  let {
    sharedHit,
    sharedRead,
    sharedDirtied,
    sharedWritten,
    localHit,
    localRead,
    localDirtied,
    localWritten,
  } = own;
  let { tempRead, tempWritten } = own;
  for (const { buffers: b } of children) {
    if (!b) continue;
    sharedHit -= b.sharedHit;
    sharedRead -= b.sharedRead;
    sharedDirtied -= b.sharedDirtied;
    sharedWritten -= b.sharedWritten;
    localHit -= b.localHit;
    localRead -= b.localRead;
    localDirtied -= b.localDirtied;
    localWritten -= b.localWritten;
    tempRead -= b.tempRead;
    tempWritten -= b.tempWritten;
  }
  const max = Math.max;
  return {
    sharedHit: max(0, sharedHit),
    sharedRead: max(0, sharedRead),
    sharedDirtied: max(0, sharedDirtied),
    sharedWritten: max(0, sharedWritten),
    localHit: max(0, localHit),
    localRead: max(0, localRead),
    localDirtied: max(0, localDirtied),
    localWritten: max(0, localWritten),
    tempRead: max(0, tempRead),
    tempWritten: max(0, tempWritten),
  };
}

function subtractIo(own: IoTiming, children: readonly (IoTiming | null)[]): IoTiming {
  if (children.length === 0) return own;
  const out: Record<string, number | null> = { ...own };
  for (const child of children) {
    if (!child) continue;
    for (const key of Object.keys(out) as (keyof IoTiming)[]) {
      const value = child[key];
      if (out[key] !== null && value !== null) out[key] = out[key]! - value;
    }
  }
  for (const key of Object.keys(out)) if (out[key] !== null) out[key] = Math.max(0, out[key]!);
  return out as unknown as IoTiming;
}

/** The root down to the node with the largest exclusive time, else exclusive cost; see Plan.hotPath. */
export function computeHotPath(
  drafts: readonly Draft[],
  timing: boolean,
): Pick<Plan, 'hotPath' | 'hotPathBy'> {
  const by = timing ? 'time' : drafts[0]!.exclusiveCost !== null ? 'cost' : null;
  if (by === null) return { hotPath: [], hotPathBy: null };
  let best: Draft | null = null;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (const node of drafts) {
    const value = by === 'time' ? node.exclusiveMs : node.exclusiveCost;
    if (value !== null && value > bestValue) {
      best = node;
      bestValue = value;
    }
  }
  const path: number[] = [];
  for (let node: Draft | null = best; node; node = node.parentId === null ? null : drafts[node.parentId]!) {
    path.push(node.id);
  }
  return { hotPath: path.reverse(), hotPathBy: by };
}
