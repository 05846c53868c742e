import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { databaseLocation, formatSeconds } from '../../health/format.js';
import type { HealthFacts } from '../../health/model.js';
import { archivingFailing } from '../archiver-condition.js';

export default defineRule<HealthFacts>({
  id: 'health/archiver-failing',
  category: 'health',
  model: 'health',
  defaultSeverity: 'error',
  summary: 'WAL archiving failing: archive_command or archive_library errors',
  reportsOn: ['database'],
  docs: {
    why: 'With archiving on, a WAL segment may be recycled only once it is archived. When the archive command fails, the server retries the same segment forever: no new backups can be restored past that point (point-in-time recovery stops there), and pg_wal grows until the disk is full and the server stops. pg_stat_archiver says when the last failure and the last success were; failing now means archiving is on and the last failure is newer than the last success. `pgwarden pitr status` judges the same row with the same predicate (health/pitr-archive-failing, with the diagnosis of pgBackRest): one condition, one verdict in both commands.',
    howToFix:
      "Read the server log for the archive command's error (permissions, a full or unreachable archive, a changed credential), fix it, and watch `pg_stat_archiver.last_archived_time` move again. If the archive is gone for good, point archive_command at a working one and take a new base backup: the chain is broken.",
  },
  check({ model, report }) {
    const a = model.archiver;
    if (!a) return;
    const state = {
      archiveMode: a.mode,
      failedCount: a.failed,
      lastFailedSeconds: a.lastFailedSeconds,
      lastArchivedSeconds: a.lastArchivedSeconds,
    };
    if (!archivingFailing(state) || a.lastFailedSeconds === null) return;
    report({
      message: `WAL archiving is failing: the last attempt failed ${formatSeconds(a.lastFailedSeconds)} ago on ${a.lastFailedWal ?? '?'} (${formatCount(a.failed)} failures, ${formatCount(a.archived)} archived since the statistics reset; last success ${a.lastArchivedSeconds === null ? 'never' : `${formatSeconds(a.lastArchivedSeconds)} ago`}): WAL accumulates in pg_wal and point-in-time recovery stops at the last archived segment`,
      location: databaseLocation(model),
      evidence: { ...a },
    });
  },
});
