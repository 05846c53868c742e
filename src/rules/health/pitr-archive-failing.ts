import { defineRule } from '../../core/rule.js';
import type { PitrModel } from '../../health/pitr.js';
import { archivingFailing } from '../archiver-condition.js';

export default defineRule<PitrModel>({
  id: 'health/pitr-archive-failing',
  category: 'health',
  model: 'pitr',
  defaultSeverity: 'error',
  summary:
    'WAL archiving is failing: the server keeps WAL it cannot archive and recovery points stop advancing',
  reportsOn: ['database'],
  docs: {
    why: 'Point-in-time recovery replays archived WAL on top of a backup. When archive_command fails, PostgreSQL retries the same segment forever: nothing newer reaches the repository, so the newest point a restore can reach stays where archiving stopped, and pg_wal grows with every segment the server must keep until the disk fills and the server stops. The rule reads pg_stat_archiver: it fires when the last failure is more recent than the last success (or nothing was ever archived), which means archiving is failing now, not that it failed once and recovered; with archive_mode off it is left to health/pitr-archiving-off. `pgwarden health` judges the same row with the same predicate (health/archiver-failing): one condition, one verdict in both commands.',
    howToFix:
      "Run `pgbackrest --config=<file> --stanza=<name> check` as the server's OS account: it names the cause (a missing or unwritable repository, a stanza that was never created, a wrong --stanza or config path in archive_command, a full disk). Fix it and archiving resumes on its own; watch `failed_count` stop growing and `last_archived_wal` advance in pg_stat_archiver. Never empty pg_wal by hand.",
  },
  check({ model, report }) {
    const server = model.server;
    if (!server) return;
    const { archiver } = server;
    const failedAt = archiver.lastFailedAt;
    // ages against the same instant: only their order matters
    const now = Math.max(Date.parse(failedAt ?? '0'), Date.parse(archiver.lastArchivedAt ?? '0'));
    const age = (at: string | null) => (at === null ? null : (now - Date.parse(at)) / 1000);
    const failing = archivingFailing({
      archiveMode: server.archiveMode,
      failedCount: archiver.failedCount,
      lastFailedSeconds: age(failedAt),
      lastArchivedSeconds: age(archiver.lastArchivedAt),
    });
    if (!failing || failedAt === null) return;
    report({
      message: `WAL archiving is failing: ${archiver.failedCount} failed attempt(s), the last for ${archiver.lastFailedWal ?? 'a segment'} at ${failedAt}${archiver.lastArchivedAt ? `; nothing archived since ${archiver.lastArchivedAt} (${archiver.lastArchivedWal})` : '; nothing was ever archived'}`,
      location: { object: model.stanza, kind: 'database' },
      evidence: { ...archiver, archiveCommand: server.archiveCommand },
    });
  },
});
