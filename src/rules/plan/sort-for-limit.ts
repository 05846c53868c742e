import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import {
  hypotheticalFor,
  LIMIT_SORTED_RATIO,
  LIMIT_SORTED_ROWS,
  limitSort,
  sortIndexSuggestion,
} from '../../explain/diagnose.js';
import { hypopgProof, reportPlanFinding } from '../../explain/findings.js';
import { nodeLabel, ownMs, type PlanModel } from '../../explain/model.js';

export default defineRule<PlanModel>({
  id: 'plan/sort-for-limit',
  category: 'plan',
  model: 'plan',
  defaultSeverity: 'warning',
  summary:
    'Limit that sorts many rows to return a few: an index in the sort order returns them without sorting',
  reportsOn: ['plan-node'],
  docs: {
    why: `ORDER BY … LIMIT n over a Sort reads and sorts every matching row to return the first n (a top-N heapsort still reads them all). With an index in the ORDER BY order — after the columns the query tests for equality — PostgreSQL reads the first n entries of the index and stops. pgwarden reports a Limit whose Sort read at least ${formatCount(LIMIT_SORTED_ROWS)} rows and ${LIMIT_SORTED_RATIO}× what the Limit returned, and suggests the index when the sort key is plain columns of one scanned table (with hypopg's cost when available).`,
    howToFix:
      "Create the index the finding gives (CONCURRENTLY): equality-filtered columns first, then the ORDER BY columns in the same directions. Estimated saving: 90% of the sort's own time (the scan below may shrink too; not counted).",
    examples: {
      bad: 'SELECT * FROM orders ORDER BY ordered_at DESC LIMIT 20;  -- Sort over 2,000,000 rows',
      good: 'CREATE INDEX CONCURRENTLY idx_orders_ordered_at ON public.orders (ordered_at DESC);',
    },
  },
  check(context) {
    const { model } = context;
    for (const node of model.plan.nodes) {
      const found = limitSort(model, node);
      if (!found) continue;
      const suggestion = sortIndexSuggestion(model, found.sort);
      const costed = suggestion ? hypotheticalFor(model, suggestion.statement) : undefined;
      if (costed && !costed.used) continue;
      const proof = suggestion ? hypopgProof(model, suggestion.statement) : null;
      reportPlanFinding(context, {
        node: found.sort,
        message: `${nodeLabel(node)} returns ${formatCount(found.returned)} rows, but first ${nodeLabel(found.sort)} sorts all ${formatCount(found.sorted)} rows (${found.sort.sort?.method ?? 'sort'}, key ${(found.sort.sortKey ?? []).join(', ')})${suggestion ? `; an index on (${suggestion.elements.join(', ')}) returns them in order without sorting` : ''}${proof?.text ?? ''}`,
        fix:
          suggestion?.statement ??
          '-- index the ORDER BY columns (after the columns tested for equality) of the table the rows come from, so the Limit can stop early',
        savedMs: ownMs(found.sort) * 0.9,
        estimate: "90% of the sort's own time",
        evidence: {
          rowsSorted: found.sorted,
          rowsReturned: found.returned,
          sortKey: found.sort.sortKey,
          sortMethod: found.sort.sort?.method ?? null,
          ...(proof?.evidence ? { hypothetical: proof.evidence } : {}),
        },
      });
    }
  },
});
