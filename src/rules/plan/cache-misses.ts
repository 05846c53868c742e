import { z } from 'zod';
import { formatCount, formatMs, formatPercent } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { reportPlanFinding } from '../../explain/findings.js';
import { nodeLabel, type PlanModel, tableOf, tableSql } from '../../explain/model.js';
import { formatMemoryKb } from '../../explain/settings.js';
import { quoteLiteral } from '../../sql/quote.js';

const DEFAULTS = { minReadBlocks: 1000, maxHitShare: 0.5 };

const options = z.object({
  minReadBlocks: z
    .number()
    .int()
    .min(0)
    .default(DEFAULTS.minReadBlocks)
    .describe('Report a node that read at least this many blocks from outside shared buffers'),
  maxHitShare: z
    .number()
    .min(0)
    .max(1)
    .default(DEFAULTS.maxHitShare)
    .describe('… and found less than this share of its blocks in shared buffers'),
});

export default defineRule<PlanModel, z.infer<typeof options>>({
  id: 'plan/cache-misses',
  category: 'plan',
  model: 'plan',
  defaultSeverity: 'info',
  summary: "Node that read most of its data from outside PostgreSQL's cache",
  reportsOn: ['plan-node'],
  docs: {
    why: `With BUFFERS, each node shows the blocks it found in shared buffers (hit) and those it had to read from the operating system's cache or the disk (read). A node that read at least ${formatCount(DEFAULTS.minReadBlocks)} blocks and found less than ${formatPercent(DEFAULTS.maxHitShare)} of them in shared buffers (options minReadBlocks and maxHitShare) ran on a cold cache: the first run after a restart, data that other queries pushed out, or a working set larger than shared_buffers. With track_io_timing on, the plan shows how long those reads took, and pgwarden counts that time; without it the time is unknown (the finding says so). pgMustard calls this cache performance.`,
    howToFix:
      "Run the query again: if it is fast, the data was cold, and the production cost depends on how often that happens (pg_prewarm loads a table into the cache after a restart). If it stays slow, the node reads more than the cache holds: read less (an index, see the node's other findings), or give the cache more memory (shared_buffers, about 25% of RAM, needs a restart). Estimated saving: the node's I/O read time (track_io_timing); none without it.",
  },
  options,
  check(context) {
    const { model, options } = context;
    for (const node of model.plan.nodes) {
      const b = node.exclusiveBuffers;
      if (!b || b.sharedRead < options.minReadBlocks) continue;
      const hitShare = b.sharedHit / (b.sharedHit + b.sharedRead);
      if (hitShare >= options.maxHitShare) continue;
      const readMs = node.exclusiveIo?.sharedLocalReadMs ?? null;
      const table = node.relationName ? tableOf(model, node) : undefined;
      const cacheKb = model.settings.sharedBuffersKb;
      let fix =
        '-- run it again: fast means the data was cold; slow means the node reads more than the cache holds (read less, or raise shared_buffers)';
      if (table && cacheKb !== null) {
        fix =
          table.sizeBytes / 1024 <= cacheKb / 2
            ? `CREATE EXTENSION IF NOT EXISTS pg_prewarm;\nSELECT pg_prewarm(${quoteLiteral(tableSql(model, node))});`
            : `-- ${table.qualifiedName} (${formatMemoryKb(table.sizeBytes / 1024)}) is larger than shared_buffers (${formatMemoryKb(cacheKb)}): read less of it (an index), or raise shared_buffers (about 25% of RAM; restart)`;
      }
      const time =
        readMs !== null
          ? `, in ${formatMs(readMs)} of I/O`
          : ' (track_io_timing is off: the time it took is unknown)';
      reportPlanFinding(context, {
        node,
        message: `${nodeLabel(node)} read ${formatCount(b.sharedRead)} blocks (${formatMemoryKb((b.sharedRead * model.settings.blockSize) / 1024)}) from outside shared buffers and found ${formatPercent(hitShare)} of its blocks there${time}`,
        fix,
        savedMs: readMs ?? Number.NaN,
        estimate: readMs !== null ? "the node's I/O read time" : 'unknown without track_io_timing',
        ...(readMs === null ? { severity: 'info' as const } : {}),
        evidence: { sharedHit: b.sharedHit, sharedRead: b.sharedRead, hitShare, ioReadMs: readMs },
      });
    }
  },
});
