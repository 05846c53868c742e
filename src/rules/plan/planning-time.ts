import { z } from 'zod';
import { formatMs, formatPercent } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { reportPlanFinding } from '../../explain/findings.js';
import type { PlanModel } from '../../explain/model.js';

const DEFAULTS = { minMs: 10, minShare: 0.3 };

const options = z.object({
  minMs: z
    .number()
    .min(0)
    .default(DEFAULTS.minMs)
    .describe('Report planning that takes at least this many ms'),
  minShare: z
    .number()
    .min(0)
    .max(1)
    .default(DEFAULTS.minShare)
    .describe("… and at least this share of the statement's time (planning and execution)"),
});

export default defineRule<PlanModel, z.infer<typeof options>>({
  id: 'plan/planning-time',
  category: 'plan',
  model: 'plan',
  defaultSeverity: 'warning',
  summary: 'Planning takes a large share of the statement time',
  reportsOn: ['query'],
  docs: {
    why: `Every statement sent as plain text is planned again. For a query that runs in milliseconds, planning can cost as much as running it: many joins (the planner searches join orders), many partitions not pruned at planning, many indexes, or large IN lists. pgwarden reports planning that takes at least ${formatMs(DEFAULTS.minMs)} and ${formatPercent(DEFAULTS.minShare)} of the statement's time (options minMs and minShare) — pgMustard's planning-time tip.`,
    howToFix:
      "Use a prepared statement (PREPARE / EXECUTE, or the driver's prepared statements) so that the plan is built once and reused; on a partitioned table, make the partition key appear in the WHERE clause as a constant so partitions are pruned at planning; with many joins, join_collapse_limit bounds the search. Estimated saving: half the planning time.",
  },
  options,
  check(context) {
    const { model, options } = context;
    const { planningMs, totalMs } = model.plan;
    if (planningMs === null || totalMs === null || totalMs <= 0) return;
    const share = planningMs / totalMs;
    if (planningMs < options.minMs || share < options.minShare) return;
    reportPlanFinding(context, {
      node: null,
      message: `planning took ${formatMs(planningMs)}, ${formatPercent(share)} of the statement's ${formatMs(totalMs)}`,
      fix: "-- prepare the statement (PREPARE / EXECUTE, or your driver's prepared statements) so its plan is reused",
      savedMs: planningMs * 0.5,
      estimate: 'half the planning time',
      evidence: { planningMs, totalMs, planningBuffers: model.plan.planningBuffers },
    });
  },
});
