import { z } from 'zod';
import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { reportPlanFinding } from '../../explain/findings.js';
import { nodeLabel, ownMs, type PlanModel, tableOf, tableSql } from '../../explain/model.js';

const DEFAULTS = { bloatFactor: 2, minBlocks: 1000 };

const options = z.object({
  bloatFactor: z
    .number()
    .min(1)
    .default(DEFAULTS.bloatFactor)
    .describe('Report a scan that read at least this many times the blocks its rows need'),
  minBlocks: z.number().int().min(0).default(DEFAULTS.minBlocks).describe('… and at least this many blocks'),
});
/** Tuple header (23 bytes, aligned) and line pointer. */
const ROW_OVERHEAD = 24 + 4;
const PAGE_HEADER = 24;

export default defineRule<PlanModel, z.infer<typeof options>>({
  id: 'plan/read-efficiency',
  category: 'plan',
  model: 'plan',
  defaultSeverity: 'warning',
  summary: 'Seq Scan that reads far more blocks than its rows need: the table is bloated',
  reportsOn: ['plan-node'],
  docs: {
    why: `An UPDATE writes a new row version and a DELETE leaves the old one behind; VACUUM frees the space for new rows but does not give it back, so a table that was updated or deleted in bulk (or whose autovacuum fell behind) keeps pages that hold few live rows. Every sequential scan still reads them. pgwarden compares the blocks a Seq Scan read (its buffers) with the blocks the rows it read need at their average width (pg_stats, with --db) and reports a scan that read at least ${DEFAULTS.bloatFactor}× as many (and ${formatCount(DEFAULTS.minBlocks)} blocks; options bloatFactor and minBlocks) — pgMustard's read efficiency. Needs --db: the average width comes from the column statistics.`,
    howToFix:
      "Rewrite the table compactly: `VACUUM (FULL, ANALYZE) t` holds an ACCESS EXCLUSIVE lock while it copies the table (no reads or writes meanwhile: off-hours), pg_repack or pg_squeeze do the same online. Then keep autovacuum up with the table's updates (a lower autovacuum_vacuum_scale_factor). Estimated saving: half the scan's own time × the share of blocks that held no live rows.",
    examples: {
      bad: '-- Seq Scan on events: 52,000 blocks read for 1,000,000 rows that need 12,500',
      good: 'VACUUM (FULL, ANALYZE) public.events;',
    },
  },
  options,
  check(context) {
    const { model, options } = context;
    for (const node of model.plan.nodes) {
      if (node.nodeType !== 'Seq Scan' || node.actualRows === null) continue;
      const table = tableOf(model, node);
      const buffers = node.exclusiveBuffers;
      if (!table || !buffers || table.columns.length === 0) continue;
      if (table.columns.some((c) => c.stats === null)) continue;
      const blocks = buffers.sharedHit + buffers.sharedRead;
      const rows = node.actualRows + (node.rowsRemovedByFilter ?? 0);
      const width = table.columns.reduce((sum, c) => sum + (c.stats?.avgWidth ?? 0), 0);
      const rowBytes = Math.ceil((width + ROW_OVERHEAD) / 8) * 8;
      const needed = Math.max(1, Math.ceil((rows * rowBytes) / (model.settings.blockSize - PAGE_HEADER)));
      if (blocks < options.minBlocks || blocks < options.bloatFactor * needed) continue;
      const wasted = 1 - needed / blocks;
      const dead = table.deadRows ?? 0;
      reportPlanFinding(context, {
        node,
        message: `${nodeLabel(node)} read ${formatCount(blocks)} blocks for ${formatCount(rows)} rows, which need about ${formatCount(needed)} at their average width (${rowBytes} bytes): ${(blocks / needed).toFixed(1)}× too many${dead > 0 ? `; the table holds ${formatCount(dead)} dead row versions` : ''}`,
        fix: `VACUUM (FULL, ANALYZE) ${tableSql(model, node)};`,
        savedMs: ownMs(node) * wasted * 0.5,
        estimate: "half the scan's own time × the share of blocks without live rows",
        evidence: {
          blocksRead: blocks,
          blocksNeeded: needed,
          rowBytes,
          deadRows: table.deadRows,
          liveRows: table.liveRows,
          tablePages: table.pages,
        },
      });
    }
  },
});
