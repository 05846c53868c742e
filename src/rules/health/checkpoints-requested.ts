import { z } from 'zod';
import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { databaseLocation, formatPercent } from '../../health/format.js';
import type { HealthFacts } from '../../health/model.js';

export default defineRule<HealthFacts, { maxRequestedShare: number; minCheckpoints: number }>({
  id: 'health/checkpoints-requested',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: 'Most checkpoints requested rather than timed',
  reportsOn: ['database'],
  docs: {
    why: "A checkpoint is timed when `checkpoint_timeout` elapses, requested when the WAL written since the last one reaches `max_wal_size` (or someone ran CHECKPOINT, or a backup or CREATE DATABASE asked for one). When most are requested, checkpoints come too often: each writes out every dirty buffer, and the first change to each page after it writes the whole page to WAL (full_page_writes) — more WAL, more I/O, more replication traffic, and I/O spikes. The counters are pg_stat_bgwriter's (pg_stat_checkpointer's from PostgreSQL 17).",
    howToFix:
      'Raise `max_wal_size` so that checkpoints are timed under the normal write load (a reload is enough; `pgwarden tune` suggests a size), and keep `checkpoint_timeout` at 5–15 min with `checkpoint_completion_target = 0.9`. Check that nothing runs CHECKPOINT on a schedule.',
  },
  options: z.object({
    maxRequestedShare: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('Report when requested checkpoints exceed this share'),
    minCheckpoints: z.number().int().min(0).default(10).describe('Judge only after this many checkpoints'),
  }),
  check({ model, options, report }) {
    const c = model.checkpoints;
    if (!c) return;
    const total = c.timed + c.requested;
    if (total < options.minCheckpoints || total === 0) return;
    const share = c.requested / total;
    if (share <= options.maxRequestedShare) return;
    report({
      message: `${formatCount(c.requested)} of ${formatCount(total)} checkpoints (${formatPercent(share)}) were requested rather than timed${c.since ? ` since ${c.since.slice(0, 10)}` : ''}: by WAL filling max_wal_size (${model.server.settings.max_wal_size ?? '?'} MB) before checkpoint_timeout (${model.server.settings.checkpoint_timeout ?? '?'} s), or by CHECKPOINT, CREATE DATABASE and base backups`,
      location: databaseLocation(model),
      evidence: { ...c, share },
    });
  },
});
