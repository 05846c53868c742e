import { z } from 'zod';
import { formatCount, formatPercent } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { reportPlanFinding } from '../../explain/findings.js';
import { nodeLabel, ownMs, type PlanModel, tableOf, tableSql } from '../../explain/model.js';

const DEFAULTS = { minShare: 0.1, minFetches: 100 };

const options = z.object({
  minShare: z
    .number()
    .min(0)
    .max(1)
    .default(DEFAULTS.minShare)
    .describe(
      'Report from this share of the rows read fetched from the table (pev2 colours from 0%, 40%, 90%)',
    ),
  minFetches: z.number().int().min(0).default(DEFAULTS.minFetches).describe('… and this many heap fetches'),
});

export default defineRule<PlanModel, z.infer<typeof options>>({
  id: 'plan/heap-fetches',
  category: 'plan',
  model: 'plan',
  defaultSeverity: 'warning',
  summary: 'Index Only Scan that still fetches rows from the table: VACUUM to update the visibility map',
  reportsOn: ['plan-node'],
  docs: {
    why: `An Index Only Scan answers from the index alone only for pages the visibility map marks all-visible; for every other page it fetches the row from the table to check it is visible (Heap Fetches). A table that changed since its last VACUUM — or was never vacuumed: a bulk load, autovacuum off or behind — makes the index-only scan an index scan plus random table reads. pgwarden reports it when at least ${formatPercent(DEFAULTS.minShare)} of the rows read (and ${formatCount(DEFAULTS.minFetches)} rows) needed a heap fetch (options minShare and minFetches).`,
    howToFix:
      "`VACUUM (ANALYZE) t` now; then make autovacuum keep up with the table (a lower autovacuum_vacuum_scale_factor, or autovacuum_vacuum_insert_scale_factor for insert-only tables, PostgreSQL 13+). Estimated saving: half the node's own time × the share of rows fetched from the table.",
    examples: {
      bad: '-- Index Only Scan using orders_pkey: Heap Fetches: 180,000',
      good: 'VACUUM (ANALYZE) public.orders;',
    },
  },
  options,
  check(context) {
    const { model, options } = context;
    for (const node of model.plan.nodes) {
      const fetches = node.heapFetches ?? 0;
      if (node.nodeType !== 'Index Only Scan' || fetches < options.minFetches) continue;
      const rows = (node.actualRows ?? 0) + (node.rowsRemovedByFilter ?? 0);
      const share = Math.min(1, fetches / Math.max(1, rows));
      if (share < options.minShare) continue;
      const table = tableOf(model, node);
      const visibility =
        table && table.pages > 0
          ? ` (${formatPercent(table.allVisiblePages / table.pages)} of its pages are all-visible${table.lastVacuum ? `; last vacuum ${table.lastVacuum.slice(0, 16)}` : '; never vacuumed'})`
          : '';
      reportPlanFinding(context, {
        node,
        message: `${nodeLabel(node)} fetched ${formatCount(fetches)} rows from the table (${formatPercent(share)} of the rows it read): the visibility map does not mark their pages all-visible${visibility}, so the index-only scan still reads the table`,
        fix: `VACUUM (ANALYZE) ${tableSql(model, node)};`,
        savedMs: ownMs(node) * share * 0.5,
        estimate: "half the node's own time × the share of rows fetched from the table",
        evidence: {
          heapFetches: fetches,
          fetchedShare: share,
          ...(table ? { pages: table.pages, allVisiblePages: table.allVisiblePages } : {}),
        },
      });
    }
  },
});
