import { formatCount, formatPercent } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { diagnoseFilter, hypotheticalFor } from '../../explain/diagnose.js';
import { hypopgProof, reportPlanFinding } from '../../explain/findings.js';
import { nodeLabel, ownMs, type PlanModel } from '../../explain/model.js';

export default defineRule<PlanModel>({
  id: 'plan/filter-not-index-cond',
  category: 'plan',
  model: 'plan',
  defaultSeverity: 'warning',
  summary:
    'Index scan whose Filter throws away most of what the index found: the index could take the condition',
  reportsOn: ['plan-node'],
  docs: {
    why: "An Index Scan, Index Only Scan or Bitmap Heap Scan finds rows with its Index Cond, then checks the rest of the WHERE clause row by row as a Filter. When the Filter removes half or more of what the index found (and at least 1,000 rows), the index does not match the query: each of those rows was fetched from the table for nothing. An index whose keys also hold the filtered columns (equality columns first, then one range column) turns the filter into an index condition, so only matching rows are read — pganalyze calls this an inefficient index, pgMustard index efficiency. With hypopg in the database the finding shows the planner's cost with the suggested index.",
    howToFix:
      "Create the composite index the finding gives (CONCURRENTLY), explain the query again, and drop the old index if nothing else needs it (schema/redundant-index tells). Estimated saving: the node's own time × the share of rows its filter removes, at most 90%.",
    examples: {
      bad: "-- Index Scan using orders_customer_id_idx: Index Cond (customer_id = 42), Filter (status = 'paid'), 95% removed",
      good: 'CREATE INDEX CONCURRENTLY idx_orders_customer_id_status ON public.orders (customer_id, status);',
    },
  },
  check(context) {
    const { model } = context;
    for (const node of model.plan.nodes) {
      const diagnosis = diagnoseFilter(model, node);
      if (diagnosis?.problem !== 'filter-not-index-cond' || !diagnosis.suggestion) continue;
      const { statement, elements } = diagnosis.suggestion;
      const costed = hypotheticalFor(model, statement);
      if (costed && !costed.used) continue;
      const proof = hypopgProof(model, statement);
      const condition = node.indexCond ?? node.recheckCond;
      reportPlanFinding(context, {
        node,
        message: `${nodeLabel(node)} finds ${formatCount(diagnosis.examined)} rows${condition ? ` with ${condition}` : ''}, then its Filter ${diagnosis.filter} throws away ${formatPercent(diagnosis.removedShare)} of them; an index on (${elements.join(', ')}) would find only the rows kept${proof.text}`,
        fix: statement,
        savedMs: ownMs(node) * Math.min(0.9, diagnosis.removedShare),
        estimate: "the node's own time × the share of rows its filter removes, at most 90%",
        evidence: {
          indexCond: condition,
          filter: diagnosis.filter,
          rowsRead: diagnosis.examined,
          rowsRemovedByFilter: diagnosis.removed,
          removedShare: diagnosis.removedShare,
          ...(proof.evidence ? { hypothetical: proof.evidence } : {}),
        },
      });
    }
  },
});
