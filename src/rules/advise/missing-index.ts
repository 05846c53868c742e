import { z } from 'zod';
import { formatBytes } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import type { AdviceModel } from '../../workload/advice.js';

export default defineRule<AdviceModel, { minShare: number }>({
  id: 'advise/missing-index',
  category: 'advise',
  model: 'workload',
  defaultSeverity: 'warning',
  summary: 'An index the workload needs: the advised set loses a share of its benefit without it',
  reportsOn: ['table'],
  docs: {
    why: "The workload advisor (`pgwarden advise`) chose this index as part of the set that serves the whole workload best: with HypoPG it planned every query with and without the candidates, counted what each index costs the table's writes, and kept the set within the storage budget. Without it, the queries that use it go back to the plans they have today — sequential scans, sorts, or a worse index — at the cost the finding states. Advice from heuristics alone (no HypoPG) is reported as information only: nothing proved the planner would use the index.",
    howToFix:
      "Build it with the statement given (CREATE INDEX CONCURRENTLY, which does not block writes; run it outside a transaction, with a lock_timeout), then compare the queries' plans. `pgwarden advise --script FILE` writes every advised index as one script. If a concurrent build fails, drop the INVALID index it leaves before trying again.",
  },
  options: z.object({
    minShare: z
      .number()
      .min(0)
      .max(1)
      .default(0.01)
      .describe("Report an index whose loss would cost at least this share of the workload's planner cost"),
  }),
  check({ model, options, report }) {
    for (const index of model.recommended) {
      if (index.share !== null && index.share < options.minShare) continue;
      const proven = model.method === 'what-if' && index.share !== null;
      const size = index.sizeBytes === null ? '' : `, about ${formatBytes(index.sizeBytes)}`;
      const used = index.usedBy.length > 0 ? ` (used by ${index.usedBy.join(', ')})` : '';
      report({
        message: proven
          ? `index ${index.definition} would save ${(index.share! * 100).toFixed(1)}% of the planner cost of ${model.workload}${used}${size}`
          : `index ${index.definition} is advised for ${model.workload} by heuristics only (unproven: HypoPG is not installed)`,
        severity: proven ? 'warning' : 'info',
        location: { object: index.table, kind: 'table' },
        fix: index.statements.join('\n'),
        evidence: {
          definition: index.definition,
          sizeBytes: index.sizeBytes,
          saving: index.saving,
          share: index.share,
          usedBy: index.usedBy,
          method: model.method,
        },
      });
    }
  },
});
