import { z } from 'zod';
import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { reportPlanFinding } from '../../explain/findings.js';
import { nodeLabel, ownMs, type PlanModel } from '../../explain/model.js';
import type { PlanNode } from '../../explain/plan.js';
import { formatMemoryKb, raisedMemoryKb } from '../../explain/settings.js';

const DEFAULTS = { hashMargin: 1.5, aggregateMemoryPerDiskKb: 4 };

const options = z.object({
  hashMargin: z
    .number()
    .min(1)
    .default(DEFAULTS.hashMargin)
    .describe(
      "A hash join's memory in one batch is the peak of a batch × the batches × this margin (for the bucket array that grows with it)",
    ),
  aggregateMemoryPerDiskKb: z
    .number()
    .min(1)
    .default(DEFAULTS.aggregateMemoryPerDiskKb)
    .describe('A spilled hash aggregate needs about this many kB of memory per kB it wrote to disk'),
});
type Options = z.infer<typeof options>;

function spill(
  node: PlanNode,
  options: Options,
): { batches: number; neededHashMemKb: number; diskKb: number | null } | null {
  const hash = node.hash;
  if (node.nodeType === 'Hash' && hash && (hash.batches ?? 1) > 1) {
    const batches = hash.batches ?? 1;
    return {
      batches,
      neededHashMemKb: (hash.peakMemoryKb ?? 0) * batches * options.hashMargin,
      diskKb: null,
    };
  }
  const agg = node.hashAggregate;
  if (agg && ((agg.batches ?? 1) > 1 || (agg.diskUsageKb ?? 0) > 0)) {
    const disk = agg.diskUsageKb ?? 0;
    return {
      batches: agg.batches ?? 1,
      neededHashMemKb: (agg.peakMemoryKb ?? 0) + disk * options.aggregateMemoryPerDiskKb,
      diskKb: disk,
    };
  }
  return null;
}

export default defineRule<PlanModel, Options>({
  id: 'plan/hash-spill',
  category: 'plan',
  model: 'plan',
  defaultSeverity: 'warning',
  summary: 'Hash or hash aggregate split into batches on disk: the work_mem that keeps it in memory',
  reportsOn: ['plan-node'],
  docs: {
    why: `A hash join's hash table, or a hash aggregate's groups, must fit in hash memory: work_mem × hash_mem_multiplier (the multiplier is 2 from PostgreSQL 15, 1 before). When it does not, the Hash splits its input into batches (Hash Batches > 1) written to temporary files, and the join processes them one by one, writing and re-reading the outer side too; a HashAggregate spills groups to disk (Batches > 1, Disk Usage). pgwarden computes the work_mem that keeps it in one batch, from the memory a batch used × the number of batches × ${DEFAULTS.hashMargin} (option hashMargin; for a hash aggregate, the memory it used plus ${DEFAULTS.aggregateMemoryPerDiskKb}× what it wrote, option aggregateMemoryPerDiskKb) divided by hash_mem_multiplier. It only ever suggests raising memory: pev2's help text suggests decreasing hash_mem_multiplier, which makes more batches, not fewer.`,
    howToFix:
      'Raise work_mem for this query (`SET work_mem`, `SET LOCAL` in its transaction, or per role), or raise hash_mem_multiplier, which raises only hash memory. Server-wide, work_mem applies to every hash and sort of every connection: check the memory first. Estimated saving: half the own time of the Hash and of the join above it (of the aggregate for a hash aggregate).',
    examples: {
      bad: '-- Hash  Buckets: 4096  Batches: 16  Memory Usage: 1,100kB (work_mem 1MB)',
      good: "SET work_mem = '32MB';",
    },
  },
  options,
  check(context) {
    const { model, options } = context;
    const { workMemKb, hashMemMultiplier } = model.settings;
    for (const node of model.plan.nodes) {
      const spilled = spill(node, options);
      if (!spilled) continue;
      const needed = raisedMemoryKb(spilled.neededHashMemKb / hashMemMultiplier, workMemKb);
      const parent = node.parentId === null ? null : model.plan.nodes[node.parentId]!;
      const join = node.nodeType === 'Hash' && parent && /Hash/.test(parent.nodeType) ? parent : null;
      const what =
        node.nodeType === 'Hash'
          ? `built its hash table of ${formatCount(node.actualRows ?? 0)} rows in ${formatCount(spilled.batches)} batches`
          : `spilled its groups to disk (${formatCount(spilled.batches)} batches, ${formatCount(spilled.diskKb ?? 0)} kB)`;
      reportPlanFinding(context, {
        node,
        message: `${nodeLabel(node)} ${what}: hash memory is work_mem (${formatMemoryKb(workMemKb)}) × hash_mem_multiplier (${hashMemMultiplier}); work_mem = ${formatMemoryKb(needed)} keeps it in memory`,
        fix: `SET work_mem = '${formatMemoryKb(needed)}';`,
        savedMs: (ownMs(node) + (join ? ownMs(join) : 0)) * 0.5,
        estimate: join ? 'half the own time of the Hash and of its join' : "half the aggregate's own time",
        evidence: {
          batches: spilled.batches,
          originalBatches: node.hash?.originalBatches ?? null,
          peakMemoryKb: node.hash?.peakMemoryKb ?? node.hashAggregate?.peakMemoryKb ?? null,
          diskKb: spilled.diskKb,
          workMemKb,
          hashMemMultiplier,
          suggestedWorkMemKb: needed,
        },
      });
    }
  },
});
