import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import {
  diagnoseNestedLoop,
  hypotheticalFor,
  NESTED_LOOP_MIN_LOOPS,
  NESTED_LOOP_MIN_SHARE,
} from '../../explain/diagnose.js';
import { hypopgProof, reportPlanFinding } from '../../explain/findings.js';
import { nodeLabel, type PlanModel } from '../../explain/model.js';
import { statisticsFix } from '../../explain/statistics.js';

export default defineRule<PlanModel>({
  id: 'plan/nested-loop-many-loops',
  category: 'plan',
  model: 'plan',
  defaultSeverity: 'warning',
  summary:
    'Nested Loop that runs its inner scan for many outer rows: a misestimate, or no index on the join key',
  reportsOn: ['plan-node'],
  docs: {
    why: `A Nested Loop runs its inner side once per outer row. That is the best join for a handful of outer rows with an index lookup inside; for thousands of rows it repeats the inner work thousands of times. pgwarden reports a nested loop whose inner side ran ${formatCount(NESTED_LOOP_MIN_LOOPS)} times or more and took at least ${NESTED_LOOP_MIN_SHARE * 100}% of the query's time, in two cases: the planner expected far fewer outer rows (10× or more — with the right count it would have hashed or merged), or the inner side scans a table without an index on the join key. A nested loop the planner chose knowingly, over an index lookup with good estimates, is not reported.`,
    howToFix:
      "For a misestimate, fix the statistics of the table where the outer estimate goes wrong (the finding gives ANALYZE or CREATE STATISTICS; plan/row-misestimate reports the same node). For a scan without an index, create the index on the inner table's join column (the finding gives it, with hypopg's cost when available). Estimated saving: half the inner side's time for a misestimate, 90% of it for a missing index.",
  },
  check(context) {
    const { model } = context;
    for (const node of model.plan.nodes) {
      const d = diagnoseNestedLoop(model, node);
      if (!d) continue;
      const innerMs = Math.max(0, d.inner.inclusiveMs ?? 0);
      if (d.cause === 'misestimate') {
        const e = d.outer.rowEstimate!;
        const origin = d.origin ?? d.outer;
        const action = statisticsFix(model, origin);
        reportPlanFinding(context, {
          node,
          message: `${nodeLabel(node)} ran ${nodeLabel(d.inner)} ${formatCount(d.loops)} times: the planner expected ${formatCount(e.estimatedRows)} outer rows and got ${formatCount(e.actualRows)}; with the right estimate it would pick a hash or merge join. The estimate goes wrong at ${nodeLabel(origin)}: ${action.why}`,
          fix: action.fix,
          savedMs: innerMs * 0.5,
          estimate: "half the inner side's time",
          evidence: {
            loops: d.loops,
            innerMs,
            outerEstimatedRows: e.estimatedRows,
            outerActualRows: e.actualRows,
            origin: origin.id + 1,
          },
        });
        continue;
      }
      const statement = d.suggestion?.statement;
      const costed = statement ? hypotheticalFor(model, statement) : undefined;
      if (costed && !costed.used) continue;
      const proof = statement ? hypopgProof(model, statement) : null;
      reportPlanFinding(context, {
        node,
        message: `${nodeLabel(node)} ran ${nodeLabel(d.inner)} ${formatCount(d.loops)} times, each time scanning the table without an index on the join key${d.suggestion ? `; an index on (${d.suggestion.elements.join(', ')}) lets each loop look up its rows` : ''}${proof?.text ?? ''}`,
        fix: statement ?? '-- index the inner table on the column the join compares (its Join Filter)',
        savedMs: innerMs * 0.9,
        estimate: "90% of the inner side's time",
        evidence: {
          loops: d.loops,
          innerMs,
          joinFilter: node.joinFilter,
          ...(proof?.evidence ? { hypothetical: proof.evidence } : {}),
        },
      });
    }
  },
});
