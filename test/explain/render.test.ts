import { createColors } from 'picocolors';
import { describe, expect, it } from 'vitest';
import { formatCompactCount, formatMsPrecise } from '../../src/core/format.js';
import { describeNode, parsePlan } from '../../src/explain/plan.js';
import { renderPlan } from '../../src/explain/render.js';
import { loadPlanFixture, loadPlanFixtures } from './fixtures.js';

const plain = createColors(false);
const colored = createColors(true);
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what is looked for
const ANSI = /\u001b\[[0-9;]*m/g;

function render(name: string, width?: number): string {
  return renderPlan(parsePlan(loadPlanFixture(name)), plain, width === undefined ? {} : { width });
}

describe('renderPlan', () => {
  it.each(loadPlanFixtures().map((f) => [f.name, f.text]))(
    '%s: every line fits 100 columns, no colour',
    (_name, text) => {
      const plan = parsePlan(text);
      const out = renderPlan(plan, plain);
      expect(out).not.toMatch(ANSI);
      const lines = out.split('\n');
      for (const line of lines) expect([...line].length).toBeLessThanOrEqual(100);
      const nodeLines = lines.filter((line) => /^[» ] /.test(line) && !/^ {2}\S/.test(line)).slice(1);
      expect(nodeLines.length).toBeGreaterThanOrEqual(Math.min(plan.nodes.length, 1));
      // with colours the text is the same once the escapes are gone
      expect(renderPlan(plan, colored).replace(ANSI, '')).toBe(out);
    },
  );

  it('shows exclusive time, share, rows estimated → actual, loops, and marks the hot path', () => {
    const out = render('pg18-subplan-correlated');
    const plan = parsePlan(loadPlanFixture('pg18-subplan-correlated'));
    expect(out).toMatch(/^Execution [\d.]+ ms · planning [\d.]+ ms$/m);
    expect(out).toMatch(/^Buffers: shared hit /m);
    expect(out).toMatch(/exclusive +share +rows est → actual +loops +node/);
    const hotLines = out
      .split('\n')
      .filter((line) => line.startsWith('» ') && !line.startsWith('» hot path'));
    expect(hotLines.length).toBe(plan.hotPath.length);
    const slowest = plan.nodes[plan.hotPath.at(-1)!]!;
    expect(hotLines.at(-1)).toContain(describeNode(slowest));
    expect(hotLines.at(-1)).toContain(formatMsPrecise(slowest.exclusiveMs!));
    expect(out).toMatch(/SubPlan 1: Aggregate/);
    expect(out).toMatch(/ 1\.00k +└ SubPlan 1/);
    expect(out).toMatch(/^» hot path, root → slowest node: /m);
  });

  it('flags misestimates of 10× or more with their direction', () => {
    const plan = parsePlan([
      {
        Plan: {
          'Node Type': 'Nested Loop',
          'Join Type': 'Inner',
          'Total Cost': 10,
          'Plan Rows': 5,
          'Actual Total Time': 90,
          'Actual Rows': 12_000,
          'Actual Loops': 1,
          Plans: [
            {
              'Node Type': 'Seq Scan',
              'Relation Name': 'a',
              'Parent Relationship': 'Outer',
              'Total Cost': 5,
              'Plan Rows': 500,
              'Actual Total Time': 10,
              'Actual Rows': 3,
              'Actual Loops': 1,
            },
          ],
        },
        'Execution Time': 100,
      },
    ]);
    const out = renderPlan(plan, plain);
    expect(out).toMatch(/ {4}5 → 12.0k ▲2.40k×/);
    expect(out).toMatch(/ {2}500 → 3 {5}▼167×/);
    expect(out).toMatch(/▲ more rows than estimated, ▼ fewer/);
    const red = renderPlan(plan, colored);
    expect(red).toContain(colored.bold(colored.red('▲2.40k×')));
  });

  it('names CTEs, InitPlans, never-executed nodes, workers, spills', () => {
    expect(render('pg18-cte-materialized')).toMatch(/├ CTE totals: HashAggregate/);
    expect(render('pg18-cte-materialized')).toMatch(/InitPlan \d+: Aggregate/);
    expect(render('pg18-never-executed')).toMatch(/ → never +.*never executed/);
    expect(render('pg18-parallel-aggregate')).toMatch(/Gather( Merge)? {2}2 of 2 workers/);
    expect(render('pg18-sort-disk')).toMatch(/Sort {2}sort on disk [\d.]+ MB/);
    expect(render('pg18-hash-batches')).toMatch(/Hash {2}\d+ hash batches/);
    expect(render('pg18-hashagg-disk')).toMatch(/HashAggregate {2}\d+ batches, [\d.]+ MB on disk/);
    expect(render('pg18-bitmap-lossy')).toMatch(/lossy blocks/);
    expect(render('pg18-index-only-heap-fetches')).toMatch(/heap fetches/);
    expect(render('pg18-seq-scan-filter')).toMatch(/filter removed 99\.\d%/);
    const update = render('pg18-update-triggers');
    expect(update).toMatch(/^Triggers$/m);
    expect(update).toMatch(/^ {2}orders_touch on orders: [\d.]+ ms, 2,000 calls \([\d.]+%\)$/m);
    expect(update).toMatch(/RI_ConstraintTrigger_c_\d+ on orders for orders_customer_id_fkey/);
    expect(render('pg15-jit')).toMatch(/JIT [\d,.]+ ms, \d+ functions/);
    expect(render('pg18-sort-disk')).toMatch(/^Settings: work_mem=64kB/m);
    expect(render('pg18-io-timing')).toMatch(/^I\/O: read [\d.]+ ms, write [\d.]+ ms$/m);
  });

  it('without ANALYZE or TIMING: costs instead of times', () => {
    const estimated = render('pg18-no-analyze');
    expect(estimated).toMatch(/^Estimated plan \(EXPLAIN without ANALYZE\)/);
    expect(estimated).toMatch(/excl\. cost +share +est\. rows +node/);
    expect(estimated).toMatch(/hot path, root → costliest node/);
    const untimed = render('pg18-timing-off');
    expect(untimed).toMatch(/no per-node times \(TIMING OFF\)/);
    expect(untimed).toMatch(/excl\. cost +share +rows est → actual +loops +node/);
  });

  it('fits narrower terminals, and keeps deep trees readable', () => {
    for (const line of render('pg18-parallel-hash-join', 72).split('\n'))
      expect(line.length).toBeLessThanOrEqual(72);
    const deep = {
      'Node Type': 'Seq Scan',
      'Actual Total Time': 1,
      'Actual Rows': 1,
      'Actual Loops': 1,
    } as Record<string, unknown>;
    let root = deep;
    for (let i = 0; i < 60; i++) {
      root = {
        'Node Type': 'Limit',
        'Actual Total Time': 1,
        'Actual Rows': 1,
        'Actual Loops': 1,
        Plans: [root],
      };
    }
    const out = renderPlan(parsePlan({ Plan: root }), plain);
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    expect(out).toMatch(/⋯ +└ Seq Scan/);
  });

  it('formats counts and times compactly', () => {
    expect([0, 7, 0.33, 999, 1000, 12_345, 123_456, 1_234_567].map(formatCompactCount)).toEqual([
      '0',
      '7',
      '0.33',
      '999',
      '1.00k',
      '12.3k',
      '123k',
      '1.23M',
    ]);
    expect([0.0123, 3.456, 45.67, 1234.5, 123_456].map(formatMsPrecise)).toEqual([
      '0.012 ms',
      '3.46 ms',
      '45.7 ms',
      '1,235 ms',
      '123.5 s',
    ]);
    expect(formatMsPrecise(-3)).toBe('0.000 ms');
  });
});
