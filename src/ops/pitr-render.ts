import { formatBytes, formatMs } from '../core/format.js';
import type { Report } from '../core/report.js';
import type { PitrBackup } from '../health/pitr.js';
import type { Colors } from '../report/text.js';
import type { PitrBackupData, PitrRestoreData, PitrSetupData, PitrStatusData } from './pitr.js';

function backupLine(backup: PitrBackup): string {
  const seconds = (Date.parse(backup.stoppedAt) - Date.parse(backup.startedAt)) / 1000;
  return `${backup.label} ${backup.type.padEnd(4)} ended ${backup.stoppedAt} (${seconds.toFixed(0)} s), ${formatBytes(backup.size)} of data, ${formatBytes(backup.repositorySize)} in the repository${backup.error ? ' — with page checksum errors' : ''}`;
}

/** `pgwarden pitr setup`: the config written, the server's changes, and what comes next. */
export function renderPitrSetupData(report: Report<PitrSetupData>, c: Colors): string {
  const data = report.data;
  if (!data) return '';
  const lines = [
    `Stanza ${c.bold(data.stanza)}: data directory ${data.pgData}, repository ${data.repo}`,
    `  config ${data.configPath} (${data.config})`,
  ];
  if (data.changes.length === 0) lines.push(`  ${c.green('✔')} the server archives WAL into the stanza`);
  else {
    lines.push('  the server needs:');
    for (const change of data.changes) {
      const when = change.applied
        ? c.green('applied and reloaded')
        : change.restart
          ? c.yellow('needs a restart')
          : 'needs a reload';
      lines.push(`    ${change.sql}  ${c.dim('--')} ${when}`);
    }
  }
  if (data.stanzaCreated) lines.push(`  ${c.green('✔')} pgbackrest stanza-create`);
  if (data.checked) lines.push(`  ${c.green('✔')} pgbackrest check: WAL reaches the repository`);
  lines.push('Next:');
  for (const step of data.nextSteps) lines.push(`  ${step}`);
  return lines.join('\n');
}

/** `pgwarden pitr backup`: the backup pgBackRest took. */
export function renderPitrBackupData(report: Report<PitrBackupData>, c: Colors): string {
  const data = report.data;
  if (!data) return '';
  return [
    `${c.green('✔')} backup of stanza ${c.bold(data.stanza)} in ${formatMs(data.ms)}`,
    `  ${backupLine(data.backup)}`,
    `  WAL ${data.backup.walStart} … ${data.backup.walStop}, LSN ${data.backup.startLsn} … ${data.backup.stopLsn}`,
  ].join('\n');
}

/** `pgwarden pitr status`: backups, recovery window and the archiver. */
export function renderPitrStatusData(report: Report<PitrStatusData>, c: Colors): string {
  const data = report.data;
  if (!data) return '';
  const lines = [`Stanza ${c.bold(data.stanza)} (${data.configPath}): ${data.status.message}`];
  if (data.backups.length === 0) lines.push('  no backup');
  for (const backup of data.backups) lines.push(`  ${backupLine(backup)}`);
  lines.push(`  oldest recovery point: ${data.oldestRecoveryPoint ?? 'none'}`);
  if (data.archive) lines.push(`  WAL archive: ${data.archive.min} … ${data.archive.max}`);
  if (data.server) {
    const a = data.server.archiver;
    lines.push(
      `  archiver: last archived ${a.lastArchivedWal ?? 'nothing'}${a.lastArchivedAt ? ` at ${a.lastArchivedAt}` : ''}; ${a.failedCount} failed${a.lastFailedAt ? ` (last ${a.lastFailedWal} at ${a.lastFailedAt})` : ''}; ${data.pendingSegments ?? '?'} segment(s) waiting`,
    );
  }
  return lines.join('\n');
}

/** `pgwarden pitr restore`: where the data directory is, and how to start it. */
export function renderPitrRestoreData(report: Report<PitrRestoreData>, c: Colors): string {
  const data = report.data;
  if (!data) return '';
  return [
    `${c.green('✔')} restored ${data.backup.label} of stanza ${c.bold(data.stanza)} into ${data.into} in ${formatMs(data.ms)}`,
    `  on start it replays WAL up to ${data.target.type} ${data.target.value}, stops there and promotes (a new timeline)`,
    data.archiving === 'off'
      ? '  archive_mode is off in the copy: it does not push WAL into the original stanza (--keep-archiving keeps it)'
      : '  the copy archives into the stanza like the original: start it only in place of the original server',
    'Start it:',
    `  ${data.startCommand}`,
    `  then wait until SELECT pg_is_in_recovery() returns false on port ${data.port}: recovery is done`,
  ].join('\n');
}
