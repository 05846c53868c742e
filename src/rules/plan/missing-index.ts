import { formatCount, formatPercent } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { diagnoseFilter, hypotheticalFor } from '../../explain/diagnose.js';
import { hypopgProof, reportPlanFinding } from '../../explain/findings.js';
import { nodeLabel, ownMs, type PlanModel } from '../../explain/model.js';

export default defineRule<PlanModel>({
  id: 'plan/missing-index',
  category: 'plan',
  model: 'plan',
  defaultSeverity: 'warning',
  summary: 'Seq Scan on a large table whose filter keeps few rows: an index would read only those',
  reportsOn: ['plan-node'],
  docs: {
    why: "A Seq Scan reads every row of the table and its Filter throws most of them away. On a table of 10,000 rows or more (read per loop, or pg_class.reltuples with --db) with a filter that removes more than 90% of what it reads, an index on the filtered columns lets PostgreSQL read only the rows the query keeps; the scan time grows with the table, the index lookup with the result. pgwarden builds the index from the filter: equality and IN columns first (the most distinct values first when statistics are known), then one range column; a function of a column (`lower(email)`) becomes an expression index. When the database has the hypopg extension, pgwarden creates the index hypothetically in its own session and re-plans the query: the finding shows the planner's estimated cost without and with it, and is dropped when the planner would not use the index. Not reported when an index already leads with those columns (the planner passed it over: see plan/row-misestimate).",
    howToFix:
      "Create the index the finding gives, with CONCURRENTLY so writes go on while it builds (outside a transaction block), then ANALYZE and explain the query again. Estimated saving: the scan's own time × the share of rows its filter removes, at most 90% (an index lookup is not free).",
    examples: {
      bad: '-- Seq Scan on orders: Filter (customer_id = 42), 199,960 of 200,000 rows removed',
      good: 'CREATE INDEX CONCURRENTLY idx_orders_customer_id ON public.orders (customer_id);',
    },
  },
  check(context) {
    const { model } = context;
    for (const node of model.plan.nodes) {
      const diagnosis = diagnoseFilter(model, node);
      if (diagnosis?.problem !== 'missing-index' || !diagnosis.suggestion) continue;
      const { statement, elements } = diagnosis.suggestion;
      const costed = hypotheticalFor(model, statement);
      if (costed && !costed.used) continue;
      const proof = hypopgProof(model, statement);
      const kept = diagnosis.examined - diagnosis.removed;
      reportPlanFinding(context, {
        node,
        message: `${nodeLabel(node)} reads ${formatCount(diagnosis.examined)} rows to keep ${formatCount(kept)}: its Filter ${diagnosis.filter} removes ${formatPercent(diagnosis.removedShare)}; an index on (${elements.join(', ')}) would read only the rows kept${proof.text}`,
        fix: statement,
        savedMs: ownMs(node) * Math.min(0.9, diagnosis.removedShare),
        estimate: "the scan's own time × the share of rows its filter removes, at most 90%",
        evidence: {
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
