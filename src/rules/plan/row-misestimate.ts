import { z } from 'zod';
import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { reportPlanFinding } from '../../explain/findings.js';
import { nodeLabel, ownMs, type PlanModel, underLimit } from '../../explain/model.js';
import type { PlanNode } from '../../explain/plan.js';
import { statisticsFix } from '../../explain/statistics.js';

interface Options {
  minFactor: number;
  minRows: number;
}

/** Nodes whose strategy the planner chose from the row counts below them. */
const DECISIONS = /Join|Nested Loop|Aggregate|Sort|Hash|Memoize|Materialize|Gather|SetOp|Unique/;

function sameSideChildren(model: PlanModel, node: PlanNode): PlanNode[] {
  return node.childIds
    .map((id) => model.plan.nodes[id]!)
    .filter((c) => c.parentRelationship !== 'InitPlan' && c.parentRelationship !== 'SubPlan');
}

/** Fewer rows than estimated is expected where a node may stop early. */
function stopsEarly(model: PlanModel, node: PlanNode): boolean {
  if (underLimit(model, node)) return true;
  const parent = node.parentId === null ? null : model.plan.nodes[node.parentId]!;
  return (
    !!parent &&
    node.parentRelationship === 'Inner' &&
    /Semi|Anti/.test(parent.joinType ?? '') &&
    parent.nodeType !== 'Hash Join'
  );
}

/** The nearest node above whose strategy depended on this estimate. */
function decisionAbove(model: PlanModel, node: PlanNode): PlanNode | null {
  for (let id = node.parentId; id !== null; id = model.plan.nodes[id]!.parentId) {
    const above = model.plan.nodes[id]!;
    if (DECISIONS.test(above.nodeType)) return above;
  }
  return null;
}

export default defineRule<PlanModel, Options>({
  id: 'plan/row-misestimate',
  category: 'plan',
  model: 'plan',
  defaultSeverity: 'warning',
  summary: 'Row estimate off by 10× or more where the error starts: refresh or extend the statistics',
  reportsOn: ['plan-node'],
  docs: {
    why: "The planner picks join methods, join order, sorts and memory from its row estimates. An estimate 10× off or more (pgMustard's threshold, pev2's and depesz's first level) makes those choices blind: a nested loop over 'one' row that turns out to be 100,000, a hash sized for 100 rows. pgwarden reports only the node where the error starts — a node whose own inputs were estimated well — so one stale table gives one finding, not one per node above it; and not a node that returns fewer rows than estimated where it may stop early (below a Limit, inside a semi or anti join). The usual causes: statistics older than the data (many rows changed since the last ANALYZE, or never analyzed), columns tested together whose values are correlated (the planner multiplies their selectivities as if independent: city and zip code), a skewed column whose most common values the default statistics target misses.",
    howToFix:
      "With --db pgwarden reads the table's statistics state and gives the fix that fits: `ANALYZE t` when more than 10% of the rows changed since the last one (or it never ran); `CREATE STATISTICS … (dependencies, mcv) ON a, b FROM t` then ANALYZE when several columns of the table are tested together; a larger statistics target for one column otherwise. Estimated saving: half the own time of the nearest node above whose strategy depended on the estimate (a join, sort, aggregate, hash) — a better estimate may change that choice, or not; zero when nothing above depended on it.",
  },
  options: z.object({
    minFactor: z.number().min(2).default(10).describe('Report estimates off by this factor or more'),
    minRows: z
      .number()
      .int()
      .min(1)
      .default(1000)
      .describe('Ignore nodes where both the estimate and the actual count stay below this many rows'),
  }),
  check(context) {
    const { model, options } = context;
    for (const node of model.plan.nodes) {
      const e = node.rowEstimate;
      if (!e || e.factor < options.minFactor) continue;
      if (Math.max(e.estimatedRows, e.actualRows) < options.minRows) continue;
      if (e.direction === 'over' && stopsEarly(model, node)) continue;
      // the error started below: its inputs were already off
      if (sameSideChildren(model, node).some((c) => (c.rowEstimate?.factor ?? 1) >= options.minFactor))
        continue;
      const decision = decisionAbove(model, node);
      const action = statisticsFix(model, node);
      const direction = e.direction === 'under' ? 'more' : 'fewer';
      reportPlanFinding(context, {
        node,
        message: `${nodeLabel(node)}: estimated ${formatCount(e.estimatedRows)} rows, got ${formatCount(e.actualRows)} (${formatCount(e.factor)}× ${direction}); ${action.why}${decision ? `, and ${nodeLabel(decision)} was chosen from that estimate` : ''}`,
        fix: action.fix,
        savedMs: decision ? ownMs(decision) * 0.5 : 0,
        estimate: decision
          ? 'half the own time of the node above whose strategy depended on the estimate'
          : 'none: no strategy above depended on the estimate',
        evidence: {
          estimatedRows: e.estimatedRows,
          actualRows: e.actualRows,
          factor: e.factor,
          direction: e.direction,
          cause: action.cause,
          ...(decision ? { decidedNode: decision.id + 1 } : {}),
        },
      });
    }
  },
});
