import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import type { PitrModel } from '../../health/pitr.js';

interface Options {
  maxPendingSegments: number;
}

export default defineRule<PitrModel, Options>({
  id: 'health/pitr-archive-lag',
  category: 'health',
  model: 'pitr',
  defaultSeverity: 'warning',
  summary: 'Completed WAL segments wait to be archived: a restore cannot reach the last minutes of changes',
  reportsOn: ['database'],
  docs: {
    why: 'Every WAL segment the server has completed but not archived is work a point-in-time restore cannot replay: if the server is lost now, the changes in those segments are lost with it. A growing backlog means archive_command is slower than the write rate (a remote repository, compression at a high level, a single archiver) or stuck, and the segments also pile up in pg_wal. The rule compares the segment being written (pg_current_wal_lsn) with pg_stat_archiver.last_archived_wal on the same timeline.',
    howToFix:
      "If archiving is failing, fix that first (health/pitr-archive-failing). If it is only slow, let pgBackRest archive asynchronously and in parallel: set `archive-async=y`, a `spool-path` and `process-max=2` or more in the stanza config; lower `compress-level`; check the repository's write speed. Set archive_timeout (e.g. 60s) so that a quiet server still archives its last changes.",
  },
  options: z.object({
    maxPendingSegments: z
      .number()
      .int()
      .min(0)
      .default(8)
      .describe('Completed segments not yet archived from which the rule fires'),
  }),
  check({ model, options, report }) {
    const pending = model.pendingSegments;
    if (pending === null || pending <= options.maxPendingSegments || !model.server) return;
    const { archiver, currentWal, walSegmentBytes } = model.server;
    report({
      message: `${pending} completed WAL segments (${Math.round((pending * walSegmentBytes) / 1048576)} MB) are not archived yet: the server writes ${currentWal}, the last archived is ${archiver.lastArchivedWal}${archiver.lastArchivedAt ? ` (at ${archiver.lastArchivedAt})` : ''}`,
      location: { object: model.stanza, kind: 'database' },
      evidence: {
        pendingSegments: pending,
        currentWal,
        lastArchivedWal: archiver.lastArchivedWal,
        lastArchivedAt: archiver.lastArchivedAt,
      },
    });
  },
});
