import type { BackupSummary } from '../backup/status.js';
import { formatBytes, formatCount, formatMs } from '../core/format.js';
import type { Report } from '../core/report.js';
import type { Colors } from '../report/text.js';
import type {
  BackupCreateData,
  BackupListData,
  BackupPruneData,
  BackupRestoreData,
  BackupVerifyData,
} from './backup.js';

/** An age for people: 45 s, 12 min, 5.2 h, 3.0 days. */
export function formatAge(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

function stateOf(backup: BackupSummary, c: Colors): string {
  if (backup.state === 'verified') return c.green('verified');
  if (backup.state === 'failed') return c.red('FAILED');
  if (backup.state === 'checked') return c.yellow('checked, not restored');
  return c.yellow('never verified');
}

function renderCreate(data: BackupCreateData, c: Colors): string {
  const m = data.manifest;
  const rows = Object.values(m.rowCounts).reduce((a, b) => a + b, 0);
  return [
    c.bold(`Backed up ${m.databaseName} (PostgreSQL ${m.serverVersion}) into ${data.path}`),
    `  ${formatCount(Object.keys(m.rowCounts).length)} tables, ${formatCount(rows)} rows, ${formatCount(m.constraints.length)} constraints, ${formatCount(m.indexes.length)} indexes, ${formatCount(m.largeObjects)} large objects`,
    `  ${formatCount(m.files.length)} files, ${formatBytes(m.bytes)}, in ${formatMs(m.durationMs)} (pg_dump -j ${m.jobs}; ${m.pgDumpVersion})`,
    `  globals: ${m.globals.file ? `${m.globals.file} (${m.globals.withPasswords ? 'with' : 'without'} role passwords)` : 'not dumped'}`,
    c.dim(`  next: pgwarden backup verify ${data.path}`),
  ].join('\n');
}

function renderVerify(data: BackupVerifyData, c: Colors): string {
  const v = data.verification;
  const lines = [
    v.ok
      ? c.green(c.bold(`${data.backup}: verified (${v.level}) in ${formatMs(v.durationMs)}`))
      : c.red(c.bold(`${data.backup}: verification (${v.level}) FAILED: ${v.problems.length} problem(s)`)),
  ];
  if (v.restore) {
    lines.push(
      `  restored on ${v.restore.server}: ${formatCount(v.restore.tables)} tables, ${formatCount(v.restore.rows)} rows, ${formatCount(v.restore.constraints)} constraints, ${formatCount(v.restore.indexes)} indexes, ${formatCount(v.restore.largeObjects)} large objects`,
    );
  }
  return lines.join('\n');
}

function renderList(data: BackupListData, c: Colors): string {
  const { status } = data;
  if (status.backups.length === 0) return `No backups in ${status.dir}`;
  const lines = [c.bold(`Backups in ${status.dir}`)];
  for (const b of status.backups) {
    lines.push(
      `  ${b.id}  ${b.kind === 'guard' ? 'guard   ' : 'database'}  ${formatAge(b.ageSeconds).padStart(9)} old  ${formatBytes(b.bytes).padStart(8)}  ${stateOf(b, c)}`,
    );
  }
  lines.push(
    status.newestVerified
      ? `Newest verified backup: ${status.newestVerified.id}, ${formatAge(status.newestVerified.ageSeconds)} old`
      : c.yellow('No verified backup: run pgwarden backup verify <backup>'),
  );
  for (const name of status.incomplete) lines.push(c.dim(`  not a backup (no readable manifest): ${name}`));
  return lines.join('\n');
}

function renderRestore(data: BackupRestoreData, c: Colors): string {
  const r = data.restore;
  const lines = [
    r.problems.length === 0
      ? c.green(c.bold(`Restored ${data.backup} into ${r.database} on ${r.server}`))
      : c.red(
          c.bold(
            `Restored ${data.backup} into ${r.database} on ${r.server}, with ${r.problems.length} problem(s)`,
          ),
        ),
    `  ${formatCount(r.tables)} tables, ${formatCount(r.rows)} rows; every row count, constraint and index checked against the manifest`,
  ];
  if (r.globals)
    lines.push(c.dim(`  roles and tablespaces, for another cluster: psql -f <backup>/${r.globals}`));
  return lines.join('\n');
}

function renderPrune(data: BackupPruneData, c: Colors): string {
  const { plan, retention } = data;
  const lines = [
    c.bold(
      `Retention: ${retention.daily} daily, ${retention.weekly} weekly, ${retention.monthly} monthly (${data.dir})`,
    ),
  ];
  for (const k of plan.keep) lines.push(`  keep    ${k.id}  (${k.keptFor.join(', ')})`);
  for (const r of plan.remove)
    lines.push(`  ${data.applied ? 'deleted' : 'delete '} ${r.id}  ${formatBytes(r.bytes)}`);
  const freed = formatBytes(plan.remove.reduce((sum, r) => sum + r.bytes, 0));
  lines.push(
    data.applied
      ? `${plan.remove.length} backup(s) deleted, ${freed} freed`
      : c.yellow(
          `Dry run: ${plan.remove.length} backup(s) (${freed}) would be deleted; run again with --apply`,
        ),
  );
  return lines.join('\n');
}

/** The backup commands' data for people (CLI text output, MCP text). */
export function renderBackupData(report: Report, c: Colors): string {
  const data = report.data as Record<string, unknown> | undefined;
  if (!data) return '';
  switch (report.command) {
    case 'backup create':
      return renderCreate(data as BackupCreateData, c);
    case 'backup verify':
      return renderVerify(data as BackupVerifyData, c);
    case 'backup list':
      return renderList(data as BackupListData, c);
    case 'backup restore':
      return renderRestore(data as BackupRestoreData, c);
    case 'backup prune':
      return renderPrune(data as BackupPruneData, c);
    default:
      return '';
  }
}
