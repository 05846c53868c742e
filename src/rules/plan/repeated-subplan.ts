import { z } from 'zod';
import { formatCount, formatMs, formatPercent } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { reportPlanFinding } from '../../explain/findings.js';
import { nodeLabel, type PlanModel } from '../../explain/model.js';

interface Options {
  minLoops: number;
  minShare: number;
}

export default defineRule<PlanModel, Options>({
  id: 'plan/repeated-subplan',
  category: 'plan',
  model: 'plan',
  defaultSeverity: 'warning',
  summary: 'SubPlan or CTE scan executed once per row, many times over',
  reportsOn: ['plan-node'],
  docs: {
    why: "A correlated subquery in the SELECT list or the WHERE clause becomes a SubPlan that PostgreSQL runs again for every row of the outer query; a CTE scanned on the inner side of a nested loop is re-read for every outer row. Run a thousand times, a 0.1 ms subquery costs 100 ms, and its plan is chosen for one execution, not for the whole set. pgwarden reports a SubPlan or CTE Scan that ran at least 100 times and takes at least 5% of the query's time (a hashed SubPlan runs once and is not reported).",
    howToFix:
      'Rewrite the subquery as a join the planner can run once for all rows: a JOIN (with GROUP BY for an aggregate), a LEFT JOIN LATERAL, or EXISTS / NOT EXISTS for a test; for a CTE, join it with a hash or merge join, or let the planner inline it (NOT MATERIALIZED). Estimated saving: half the time of the repeated part.',
    examples: {
      bad: 'SELECT c.id, (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) FROM customers c;',
      good: 'SELECT c.id, count(o.id) FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id;',
    },
  },
  options: z.object({
    minLoops: z.number().int().min(2).default(100).describe('Report from this many executions'),
    minShare: z.number().min(0).max(1).default(0.05).describe("Report from this share of the query's time"),
  }),
  check(context) {
    const { model, options } = context;
    const base = model.plan.timeBaseMs;
    for (const node of model.plan.nodes) {
      const loops = node.actual?.loops ?? 0;
      const subplan = node.subplanKind === 'subplan';
      const cteScan = node.nodeType === 'CTE Scan';
      if ((!subplan && !cteScan) || loops < options.minLoops || node.inclusiveMs === null) continue;
      const ms = Math.max(0, node.inclusiveMs);
      if (base && ms / base < options.minShare) continue;
      const name = subplan ? (node.subplanName ?? 'SubPlan') : `CTE ${node.cteName ?? ''}`.trim();
      reportPlanFinding(context, {
        node,
        message: `${name} (${nodeLabel(node)}) ran ${formatCount(loops)} times, once per outer row, for ${formatMs(ms)}${base ? ` (${formatPercent(ms / base)} of the query)` : ''}`,
        fix: subplan
          ? `-- rewrite the correlated subquery of ${name} as a join (JOIN … GROUP BY, LEFT JOIN LATERAL, or EXISTS) so that it runs once for all rows`
          : `-- join ${name} with a hash or merge join instead of rescanning it per row, or let the planner inline it (AS NOT MATERIALIZED)`,
        savedMs: ms * 0.5,
        estimate: 'half the time of the repeated part',
        evidence: { loops, inclusiveMs: ms, subplan: node.subplanName },
      });
    }
  },
});
