import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { reportPlanFinding } from '../../explain/findings.js';
import { nodeLabel, ownMs, type PlanModel } from '../../explain/model.js';
import type { PlanNode } from '../../explain/plan.js';
import { formatMemoryKb, raisedMemoryKb } from '../../explain/settings.js';

/**
 * A sort needs more memory than the temporary file it wrote: each row in memory carries a sort slot and allocation
 * overhead; about 3× the disk size lets the sort run in memory (narrow rows need the most).
 */
const SORT_MEMORY_PER_DISK_KB = 3;

/** The largest on-disk size among the processes of a sort node (the leader's, and each worker's). */
function spilledKb(node: PlanNode): number | null {
  const sizes: number[] = [];
  const add = (sort: PlanNode['sort']) => {
    if (sort && (sort.spaceType === 'Disk' || /external/.test(sort.method ?? '')))
      sizes.push(sort.spaceUsedKb ?? 0);
  };
  add(node.sort);
  for (const worker of node.workers) add(worker.sort);
  return sizes.length === 0 ? null : Math.max(...sizes);
}

export default defineRule<PlanModel>({
  id: 'plan/sort-spill',
  category: 'plan',
  model: 'plan',
  defaultSeverity: 'warning',
  summary: 'Sort that spilled to disk (external merge): the work_mem that lets it sort in memory',
  reportsOn: ['plan-node'],
  docs: {
    why: 'A sort that does not fit in work_mem writes its rows to temporary files and merges them (Sort Method: external merge, Disk: N kB): the rows are written and read back, often several times. The same sort in memory (quicksort) is several times faster. pgwarden computes the work_mem the sort needs from what it wrote — about 3× the disk size, as rows in memory carry per-row overhead — and never suggests lowering work_mem. A parallel sort needs it in each process.',
    howToFix:
      "Raise work_mem for this query only: `SET work_mem = '…'` in its session, `SET LOCAL` inside its transaction, or `ALTER ROLE … SET work_mem` for the role that runs it. Raising it server-wide multiplies it by every sort and hash of every connection: check the memory first. Or sort fewer rows (an index in the sort order, see plan/sort-for-limit). Estimated saving: half the sort's own time.",
    examples: {
      bad: '-- Sort Method: external merge  Disk: 13,720kB (work_mem 4MB)',
      good: "SET work_mem = '64MB';",
    },
  },
  check(context) {
    const { model } = context;
    const current = model.settings.workMemKb;
    for (const node of model.plan.nodes) {
      if (node.nodeType !== 'Sort' && node.nodeType !== 'Incremental Sort') continue;
      const disk = spilledKb(node);
      if (disk === null) continue;
      const needed = raisedMemoryKb(disk * SORT_MEMORY_PER_DISK_KB, current);
      reportPlanFinding(context, {
        node,
        message: `${nodeLabel(node)} sorted ${formatCount(node.actualRows ?? 0)} rows on disk (${node.sort?.method ?? 'external'}, ${formatCount(disk)} kB written) because they did not fit in work_mem (${formatMemoryKb(current)}); about ${formatMemoryKb(needed)} lets it sort in memory`,
        fix: `SET work_mem = '${formatMemoryKb(needed)}';`,
        savedMs: ownMs(node) * 0.5,
        estimate: "half the sort's own time",
        evidence: {
          sortMethod: node.sort?.method ?? null,
          diskKb: disk,
          workMemKb: current,
          suggestedWorkMemKb: needed,
          tempBlocksWritten: node.exclusiveBuffers?.tempWritten ?? null,
          ...(node.exclusiveIo?.tempReadMs != null || node.exclusiveIo?.tempWriteMs != null
            ? { tempIoMs: (node.exclusiveIo?.tempReadMs ?? 0) + (node.exclusiveIo?.tempWriteMs ?? 0) }
            : {}),
        },
      });
    }
  },
});
