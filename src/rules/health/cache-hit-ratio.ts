import { z } from 'zod';
import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { databaseLocation, formatPercent } from '../../health/format.js';
import type { HealthFacts } from '../../health/model.js';

export default defineRule<HealthFacts, { minRatio: number; minBlocks: number }>({
  id: 'health/cache-hit-ratio',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: 'Table or index reads served from shared buffers below 99%',
  reportsOn: ['database'],
  docs: {
    why: 'An OLTP database whose working set fits in memory serves over 99% of its table and index block reads from shared_buffers. Below that, queries wait on the OS cache or the disk: latency rises and becomes unpredictable. The ratio is `hit / (hit + read)` over pg_statio_user_tables and pg_statio_user_indexes since the statistics were reset; a freshly started or reset server has too few reads to judge (`minBlocks`). A "read" may still come from the OS page cache, so a low ratio with fast queries is a hint, not a verdict.',
    howToFix:
      'Find the tables with the most reads (`pg_statio_user_tables ORDER BY heap_blks_read DESC`) and what scans them (sequential scans of large tables, missing indexes: `pgwarden explain` their queries). If the working set is simply larger than memory, raise `shared_buffers` (about 25% of RAM; restart needed — see `pgwarden tune`) or add RAM. Analytical scans of large tables are expected to miss: judge OLTP databases by this.',
  },
  options: z.object({
    minRatio: z.number().min(0).max(1).default(0.99).describe('Report below this hit ratio'),
    minBlocks: z.number().int().min(0).default(100_000).describe('Judge only after this many block accesses'),
  }),
  check({ model, options, report }) {
    const { activity } = model;
    for (const [kind, hit, read] of [
      ['table', activity.tableBlocksHit, activity.tableBlocksRead],
      ['index', activity.indexBlocksHit, activity.indexBlocksRead],
    ] as const) {
      const total = hit + read;
      if (total < options.minBlocks) continue;
      const ratio = hit / total;
      if (ratio >= options.minRatio) continue;
      report({
        message: `${formatPercent(ratio)} of ${kind} block reads in ${model.server.database} were served from shared buffers (${formatCount(read)} of ${formatCount(total)} went to the OS or disk since ${activity.statsSince.slice(0, 10)}), below ${formatPercent(options.minRatio)}`,
        location: databaseLocation(model),
        evidence: { kind, hit, read, ratio },
      });
    }
  },
});
