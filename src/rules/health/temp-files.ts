import { z } from 'zod';
import { formatBytes, formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { databaseLocation } from '../../health/format.js';
import type { HealthFacts } from '../../health/model.js';

export default defineRule<HealthFacts, { minBytesPerDay: number }>({
  id: 'health/temp-files',
  category: 'health',
  model: 'health',
  defaultSeverity: 'info',
  summary: 'Queries spilling sorts and hashes to temporary files',
  reportsOn: ['database'],
  docs: {
    why: 'A sort, hash or materialization that does not fit in `work_mem` spills to temporary files on disk: the query becomes many times slower, and the disk I/O competes with everything else. pg_stat_database counts the files and bytes written since the statistics were reset; a steady stream of gigabytes a day means queries that need more memory, or a better plan.',
    howToFix:
      "Find the queries: set `log_temp_files = 0` (or a size in kB) and read the log, or look for `Sort Method: external` and `Batches: > 1` in `pgwarden explain`. Fix the query first (an index that returns rows in order, fewer rows sorted); then raise `work_mem` for the role or the query that needs it (`SET work_mem = '64MB'` in that transaction) rather than for every connection — each sort and hash of each connection may use it.",
  },
  options: z.object({
    minBytesPerDay: z
      .number()
      .min(0)
      .default(1024 ** 3)
      .describe('Report when temp files average this many bytes a day'),
  }),
  check({ model, options, report }) {
    const { activity } = model;
    if (activity.tempFiles === 0) return;
    const days = Math.max(activity.statsDays, 1 / 24);
    const perDay = activity.tempBytes / Math.max(days, 1);
    if (perDay < options.minBytesPerDay) return;
    report({
      message: `queries in ${model.server.database} wrote ${formatCount(activity.tempFiles)} temporary files, ${formatBytes(activity.tempBytes)} (${formatBytes(perDay)} a day) since ${activity.statsSince.slice(0, 10)}: sorts and hashes that did not fit in work_mem ${model.server.settings.work_mem ? `(${Math.round(Number(model.server.settings.work_mem) / 1024)} MB)` : ''} spilled to disk${model.server.settings.log_temp_files === '-1' ? '; set log_temp_files = 0 to log which queries' : ''}`,
      location: databaseLocation(model),
      evidence: {
        tempFiles: activity.tempFiles,
        tempBytes: activity.tempBytes,
        bytesPerDay: perDay,
        workMemKb: Number(model.server.settings.work_mem),
      },
    });
  },
});
