import { z } from 'zod';
import { formatCount, formatPercent } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { reportPlanFinding } from '../../explain/findings.js';
import { nodeLabel, ownMs, type PlanModel } from '../../explain/model.js';
import { formatMemoryKb, raisedMemoryKb } from '../../explain/settings.js';

/**
 * Memory of an exact bitmap, per heap page: a page table entry (48 bytes on 8 kB pages) and the hash table's two
 * pointers, as tbm_calculate_entries counts them; with a 50% margin.
 */
const DEFAULTS = { bytesPerPage: 64 * 1.5 };

const options = z.object({
  bytesPerPage: z
    .number()
    .min(1)
    .default(DEFAULTS.bytesPerPage)
    .describe(
      'Memory an exact bitmap needs per heap page, with a margin (the work_mem suggested is pages × this)',
    ),
});

export default defineRule<PlanModel, z.infer<typeof options>>({
  id: 'plan/lossy-bitmap',
  category: 'plan',
  model: 'plan',
  defaultSeverity: 'warning',
  summary: 'Bitmap Heap Scan with lossy blocks: the bitmap did not fit in work_mem',
  reportsOn: ['plan-node'],
  docs: {
    why: `A bitmap scan builds a bitmap of matching rows in work_mem. When it grows past work_mem, PostgreSQL makes it lossy: it keeps one bit per page instead of per row (Heap Blocks: lossy=N), then must read every row of those pages and recheck the condition on each (Rows Removed by Index Recheck). pgwarden computes the work_mem an exact bitmap needs from the pages scanned — about ${DEFAULTS.bytesPerPage} bytes a page with a margin (option bytesPerPage), as tbm_calculate_entries sizes it — and only ever suggests raising it.`,
    howToFix:
      "Raise work_mem for this query (`SET work_mem`, `SET LOCAL` in its transaction, or per role); or make the condition more selective so fewer pages match. Estimated saving: the node's own time × the share of the rows it read that the recheck removed (half the lossy share of pages when no recheck count is printed).",
    examples: {
      bad: '-- Heap Blocks: exact=1,200 lossy=5,400 (work_mem 64kB)',
      good: "SET work_mem = '1MB';",
    },
  },
  options,
  check(context) {
    const { model, options } = context;
    const current = model.settings.workMemKb;
    for (const node of model.plan.nodes) {
      const lossy = node.lossyHeapBlocks ?? 0;
      if (node.nodeType !== 'Bitmap Heap Scan' || lossy <= 0) continue;
      const exact = node.exactHeapBlocks ?? 0;
      const pages = exact + lossy;
      const needed = raisedMemoryKb((pages * options.bytesPerPage) / 1024, current);
      const rechecked = node.rowsRemovedByIndexRecheck ?? 0;
      const rows = node.actualRows ?? 0;
      const wasted = rechecked > 0 ? rechecked / (rechecked + rows) : (lossy / pages) * 0.5;
      reportPlanFinding(context, {
        node,
        message: `${nodeLabel(node)} scanned ${formatCount(lossy)} of its ${formatCount(pages)} pages lossily (the bitmap outgrew work_mem, ${formatMemoryKb(current)})${rechecked > 0 ? `, and the recheck removed ${formatCount(rechecked)} rows (${formatPercent(wasted)} of those read)` : ''}; work_mem = ${formatMemoryKb(needed)} keeps the bitmap exact`,
        fix: `SET work_mem = '${formatMemoryKb(needed)}';`,
        savedMs: ownMs(node) * wasted,
        estimate:
          rechecked > 0
            ? "the node's own time × the share of rows the recheck removed"
            : "the node's own time × half the share of lossy pages",
        evidence: {
          exactHeapBlocks: exact,
          lossyHeapBlocks: lossy,
          rowsRemovedByIndexRecheck: rechecked,
          workMemKb: current,
          suggestedWorkMemKb: needed,
        },
      });
    }
  },
});
