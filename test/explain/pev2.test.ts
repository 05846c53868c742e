/**
 * pgwarden's inclusive and exclusive times against pev2's own computation (npm `pev2`, see pev2.ts), node by node,
 * on every plan of the corpus and on hand-made plans for the corners of pev2's rules.
 */
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/explain/plan.js';
import { loadPlanFixtures } from './fixtures.js';
import { type Comparison, compareWithPev2 } from './oracle.js';
import { PEV2_EXCLUSIVE, pev2Analyze, pev2Nodes, pev2Service, pev2Version } from './pev2.js';

/** The requirement: exclusive times within 1% of pev2's. */
const TOLERANCE = 0.01;

describe(`exclusive times agree with pev2 ${pev2Version()}`, () => {
  const results: { name: string; comparison: Comparison }[] = [];

  it.each(loadPlanFixtures().map((f) => [f.name, f.text]))(
    '%s',
    async (name, text) => {
      const comparison = await compareWithPev2(text);
      results.push({ name, comparison });
      expect(comparison.mismatches).toEqual([]);
      expect(comparison.exclusive.maxRelative).toBeLessThanOrEqual(TOLERANCE);
      expect(comparison.inclusive.maxRelative).toBeLessThanOrEqual(TOLERANCE);
      if (comparison.plan.timing) expect(comparison.timed).toBe(comparison.nodes);
    },
    60_000,
  );

  it('over the whole corpus (the figure reported)', () => {
    expect(results.length).toBe(loadPlanFixtures().length);
    const nodes = results.reduce((sum, r) => sum + r.comparison.timed, 0);
    const worst = results.reduce((a, b) =>
      b.comparison.exclusive.maxRelative > a.comparison.exclusive.maxRelative ? b : a,
    );
    const maxAbsolute = Math.max(...results.map((r) => r.comparison.exclusive.maxAbsolute));
    process.stdout.write(
      `pev2 oracle: ${results.length} plans, ${nodes} timed nodes; max relative deviation of exclusive time ` +
        `${worst.comparison.exclusive.maxRelative.toExponential(2)} (${worst.name}), max absolute ${maxAbsolute.toExponential(2)} ms\n`,
    );
    expect(worst.comparison.exclusive.maxRelative).toBeLessThanOrEqual(TOLERANCE);
    // The corpus covers what the requirement names.
    const plans = results.map((r) => r.comparison.plan);
    expect(plans.some((p) => p.nodes.some((n) => n.gatherWorkers > 0))).toBe(true);
    expect(plans.some((p) => p.nodes.some((n) => n.subplanKind === 'cte'))).toBe(true);
    expect(plans.some((p) => p.nodes.some((n) => n.subplanKind === 'initplan'))).toBe(true);
    expect(
      plans.some((p) => p.nodes.some((n) => n.subplanKind === 'subplan' && (n.actual?.loops ?? 0) >= 100)),
    ).toBe(true);
  });
});

/** A node for hand-made plans: analyzed, one loop. */
function node(type: string, totalMs: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    'Node Type': type,
    'Startup Cost': 0,
    'Total Cost': 100,
    'Plan Rows': 10,
    'Plan Width': 4,
    'Actual Startup Time': 0,
    'Actual Total Time': totalMs,
    'Actual Rows': 10,
    'Actual Loops': 1,
    ...extra,
  };
}

function planText(root: Record<string, unknown>): string {
  return JSON.stringify([{ Plan: root, 'Planning Time': 0.1, 'Execution Time': 100 }]);
}

describe('the corners of pev2’s rules, on hand-made plans', () => {
  it('PostgreSQL ≤ 15 InitPlans: "$1" also matches "$10" (pev2’s regex), and InitPlan time is subtracted once per user', async () => {
    const text = planText(
      node('Seq Scan', 50, {
        Filter: '((a > $1) AND (b < $10))',
        Plans: [
          node('Result', 5, { 'Parent Relationship': 'InitPlan', 'Subplan Name': 'InitPlan 1 (returns $1)' }),
          node('Result', 3, {
            'Parent Relationship': 'InitPlan',
            'Subplan Name': 'InitPlan 2 (returns $10)',
          }),
        ],
      }),
    );
    const comparison = await compareWithPev2(text);
    expect(comparison.mismatches).toEqual([]);
    expect(comparison.exclusive.maxRelative).toBe(0);
    expect(comparison.plan.root.exclusiveMs).toBeCloseTo(50 - 5 - 3, 9);
  });

  it('"InitPlan 1" also matches "InitPlan 12" (PostgreSQL 16+ naming)', async () => {
    const text = planText(
      node('Seq Scan', 40, {
        Filter: '(a > (InitPlan 12).col1)',
        Plans: [node('Result', 4, { 'Parent Relationship': 'InitPlan', 'Subplan Name': 'InitPlan 1' })],
      }),
    );
    const comparison = await compareWithPev2(text);
    expect(comparison.exclusive.maxRelative).toBe(0);
    expect(comparison.plan.root.exclusiveMs).toBeCloseTo(36, 9);
  });

  it('a CTE whose scans all have 0 exclusive time: pev2 computes NaN, pgwarden keeps 0', async () => {
    const root = node('Result', 10, {
      Plans: [
        node('Seq Scan', 10, { 'Parent Relationship': 'InitPlan', 'Subplan Name': 'CTE x' }),
        node('CTE Scan', 0, { 'Parent Relationship': 'Outer', 'CTE Name': 'x', 'Actual Loops': 0 }),
      ],
    });
    const text = planText(root);
    const ours = parsePlan(text);
    const theirs = pev2Nodes(pev2Analyze(await pev2Service(), text));
    expect(Number.isNaN(theirs.get(3)![PEV2_EXCLUSIVE])).toBe(true);
    expect(ours.nodes[2]!.exclusiveMs).toBe(0);
  });

  it('loops × time ÷ (workers + 1) under Gather, not under an InitPlan inside it', async () => {
    const text = planText(
      node('Gather', 30, {
        'Workers Planned': 2,
        'Workers Launched': 1,
        Plans: [
          node('Seq Scan', 20, {
            'Parent Relationship': 'Outer',
            'Actual Loops': 2,
            'Parallel Aware': true,
            Filter: '(a > (InitPlan 1).col1)',
            Plans: [
              node('Result', 2, {
                'Parent Relationship': 'InitPlan',
                'Subplan Name': 'InitPlan 1',
                'Actual Loops': 2,
              }),
            ],
          }),
        ],
      }),
    );
    const comparison = await compareWithPev2(text);
    expect(comparison.mismatches).toEqual([]);
    expect(comparison.exclusive.maxRelative).toBe(0);
    const [gather, scan, initPlan] = comparison.plan.nodes;
    expect(scan!.gatherWorkers).toBe(1);
    expect(scan!.inclusiveMs).toBe(20);
    expect(initPlan!.gatherWorkers).toBe(0);
    expect(initPlan!.inclusiveMs).toBe(4);
    expect(gather!.exclusiveMs).toBe(10);
  });
});
