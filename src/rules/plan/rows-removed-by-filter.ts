import { formatCount, formatPercent } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import {
  diagnoseFilter,
  MIN_ROWS_REMOVED,
  MIN_TIME_SHARE,
  SELECTIVE_REMOVED_SHARE,
} from '../../explain/diagnose.js';
import { reportPlanFinding } from '../../explain/findings.js';
import { nodeLabel, ownMs, type PlanModel, tableSql } from '../../explain/model.js';
import type { PlanNode } from '../../explain/plan.js';
import { quoteIdent } from '../../sql/quote.js';

function filterFix(model: PlanModel, node: PlanNode): string {
  if (node.nodeType === 'CTE Scan') {
    return `-- move the condition into the CTE ${node.cteName ?? ''} (or declare it AS NOT MATERIALIZED, PostgreSQL 12+) so its rows are not produced only to be thrown away`;
  }
  const conjuncts = model.conditions[node.id]?.filter?.conjuncts ?? [];
  const wildcard = conjuncts.find(
    (c) => c.kind === 'like' && c.operator === '~~' && c.column && !c.wrap && /^'%/.test(c.value ?? ''),
  );
  if (wildcard && node.relationName) {
    const table = tableSql(model, node);
    const column = quoteIdent(wildcard.column!);
    return `CREATE EXTENSION IF NOT EXISTS pg_trgm;\nCREATE INDEX CONCURRENTLY ${quoteIdent(`idx_${node.relationName}_${wildcard.column}_trgm`.slice(0, 63))} ON ${table} USING gin (${column} gin_trgm_ops);`;
  }
  if (conjuncts.some((c) => / OR /.test(c.text))) {
    return '-- an index on each column of the OR lets PostgreSQL combine them (BitmapOr); or split the query into a UNION ALL of indexable parts';
  }
  return '-- make the condition indexable: compare bare columns with constants (no expression over several columns), then index those columns';
}

export default defineRule<PlanModel>({
  id: 'plan/rows-removed-by-filter',
  category: 'plan',
  model: 'plan',
  defaultSeverity: 'warning',
  summary: 'Node whose filter removes more than 90% of the rows it reads',
  reportsOn: ['plan-node'],
  docs: {
    why: `A Filter (or a join's Join Filter) that removes more than 90% of the rows a node produced means the work to produce them was mostly wasted. pgwarden reports it when at least ${formatCount(MIN_ROWS_REMOVED)} rows were removed and the node takes at least ${MIN_TIME_SHARE * 100}% of the query's time, and only where a more precise rule does not already cover the node: a Seq Scan that an index would serve (plan/missing-index), an index scan whose filter the index could take (plan/filter-not-index-cond), a function or cast on an indexed column (plan/function-on-indexed-column). What remains are filters no plain index serves: an OR across columns, an expression over several columns, a leading-wildcard LIKE, a condition on a CTE's rows, a join condition that is not an equality.`,
    howToFix:
      "Depends on the filter: a leading-wildcard LIKE needs a trigram index (pg_trgm, GIN); an OR across columns, an index per column (PostgreSQL combines them with BitmapOr) or a UNION ALL; a CTE, the condition moved inside it or NOT MATERIALIZED; a Join Filter, an equality join condition a hash or merge join can use. Estimated saving: half the node's own time × the share of rows removed (the fix's gain depends on the rewrite).",
  },
  check(context) {
    const { model } = context;
    const base = model.plan.timeBaseMs;
    for (const node of model.plan.nodes) {
      const diagnosis = diagnoseFilter(model, node);
      if (diagnosis?.problem === 'rows-removed') {
        reportPlanFinding(context, {
          node,
          message: `${nodeLabel(node)}: its Filter ${diagnosis.filter} removes ${formatPercent(diagnosis.removedShare)} of the rows it reads (${formatCount(diagnosis.removed)} of ${formatCount(diagnosis.examined)})`,
          fix: filterFix(model, node),
          savedMs: ownMs(node) * diagnosis.removedShare * 0.5,
          estimate: "half the node's own time × the share of rows removed",
          evidence: {
            filter: diagnosis.filter,
            rowsRead: diagnosis.examined,
            rowsRemovedByFilter: diagnosis.removed,
            removedShare: diagnosis.removedShare,
          },
        });
      }
      const removed = node.rowsRemovedByJoinFilter;
      if (!node.joinFilter || removed === null || node.actualRows === null) continue;
      const share = removed / Math.max(1, removed + node.actualRows);
      const timeShare = base ? ownMs(node) / base : 1;
      if (removed < MIN_ROWS_REMOVED || share <= SELECTIVE_REMOVED_SHARE || timeShare < MIN_TIME_SHARE)
        continue;
      reportPlanFinding(context, {
        node,
        message: `${nodeLabel(node)}: its Join Filter ${node.joinFilter} rejects ${formatPercent(share)} of the row pairs the join builds (${formatCount(removed)} of ${formatCount(removed + node.actualRows)})`,
        fix: "-- write the join condition as an equality of the two sides' columns (a hash or merge join, or an index on the inner side, can use it) and keep only the rest as a filter",
        savedMs: ownMs(node) * share * 0.5,
        estimate: "half the join's own time × the share of pairs rejected",
        evidence: { joinFilter: node.joinFilter, rowsRemovedByJoinFilter: removed, removedShare: share },
      });
    }
  },
});
