import { z } from 'zod';
import { formatCount, formatMs, formatPercent } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { reportPlanFinding } from '../../explain/findings.js';
import type { PlanModel } from '../../explain/model.js';

interface Options {
  minShare: number;
  minMs: number;
}

const DEFAULTS: Options = { minShare: 0.1, minMs: 5 };

export default defineRule<PlanModel, Options>({
  id: 'plan/jit-overhead',
  category: 'plan',
  model: 'plan',
  defaultSeverity: 'warning',
  summary: 'JIT compilation takes a large share of the execution time',
  reportsOn: ['query'],
  docs: {
    why: `PostgreSQL compiles a query's expressions to machine code (JIT, PostgreSQL 11+, on by default from 12) when the plan's estimated cost exceeds jit_above_cost, and inlines and optimizes that code above jit_inline_above_cost and jit_optimize_above_cost. Compilation pays off on long analytical queries; on a query that runs for milliseconds, or whose cost is overestimated, it can take longer than the execution itself — in every parallel worker too. pgwarden reports JIT whose time per process is at least ${formatPercent(DEFAULTS.minShare)} of the execution time (and ${formatMs(DEFAULTS.minMs)}; options minShare and minMs).`,
    howToFix:
      "Turn JIT off for this query (`SET jit = off` in its session or `SET LOCAL` in its transaction), or raise jit_above_cost (and the inline/optimize thresholds) above this plan's cost for the role or database that runs such queries. When the plan's cost is far above what it really does, fix the estimate first (plan/row-misestimate). Estimated saving: half the JIT time per process (JIT may still speed up part of the execution).",
  },
  options: z.object({
    minShare: z
      .number()
      .min(0)
      .max(1)
      .default(DEFAULTS.minShare)
      .describe('Report from this share of the execution time'),
    minMs: z.number().min(0).default(DEFAULTS.minMs).describe('Ignore JIT below this many ms'),
  }),
  check(context) {
    const { model, options } = context;
    const { jit, executionMs } = model.plan;
    if (!jit?.timing || executionMs === null || executionMs <= 0) return;
    // JIT's times add up every process; the query waits for about one process's share
    const processes = 1 + Math.max(0, ...model.plan.nodes.map((n) => n.workersLaunched ?? 0));
    const perProcess = jit.timing.totalMs / processes;
    const share = Math.min(1, perProcess / executionMs);
    if (share < options.minShare || perProcess < options.minMs) return;
    const cost = model.plan.root.estimate?.totalCost;
    const threshold = model.settings.jitAboveCost;
    reportPlanFinding(context, {
      node: null,
      message: `JIT compiled ${formatCount(jit.functions)} functions in ${formatMs(jit.timing.totalMs)}${processes > 1 ? ` over ${processes} processes` : ''} (inlining ${formatMs(jit.timing.inliningMs)}, optimization ${formatMs(jit.timing.optimizationMs)}, emission ${formatMs(jit.timing.emissionMs)}): ${formatPercent(share)} of the ${formatMs(executionMs)} execution${cost !== undefined ? `; it ran because the plan's cost (${formatCount(cost)}) is above jit_above_cost (${formatCount(threshold)})` : ''}`,
      fix: 'SET jit = off;',
      savedMs: perProcess * 0.5,
      estimate: 'half the JIT time per process',
      evidence: {
        functions: jit.functions,
        jitMs: jit.timing.totalMs,
        processes,
        executionMs,
        inlining: jit.inlining,
        optimization: jit.optimization,
        jitAboveCost: threshold,
        planCost: cost ?? null,
      },
    });
  },
});
