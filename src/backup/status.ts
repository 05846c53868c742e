import { type BackupEntry, isVerified, listBackups, verifiedAt } from './folder.js';

export interface BackupSummary {
  readonly id: string;
  readonly kind: 'database' | 'guard';
  readonly database: string;
  readonly createdAt: string;
  readonly ageSeconds: number;
  readonly bytes: number;
  /** verified: a test restore found everything; failed: the newest verification found a fault. */
  readonly state: 'verified' | 'failed' | 'checked' | 'unverified';
  readonly verifiedAt: string | null;
  /** What the newest verification found wrong. */
  readonly problems: readonly string[];
}

export interface BackupStatus {
  readonly dir: string;
  readonly backups: readonly BackupSummary[];
  /** The newest whole-database backup, and the newest one proven by a test restore. */
  readonly newest: BackupSummary | null;
  readonly newestVerified: BackupSummary | null;
  readonly incomplete: readonly string[];
}

export function summarize(entry: BackupEntry, now: Date): BackupSummary {
  const latest = entry.verification?.latest;
  return {
    id: entry.id,
    kind: entry.manifest.kind,
    database: entry.manifest.database,
    createdAt: entry.manifest.createdAt,
    ageSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(entry.manifest.createdAt)) / 1000)),
    bytes: entry.manifest.bytes,
    state: isVerified(entry) ? 'verified' : !latest ? 'unverified' : latest.ok ? 'checked' : 'failed',
    verifiedAt: verifiedAt(entry),
    problems: latest?.problems.map((p) => p.message) ?? [],
  };
}

/**
 * The backups of a folder and the age of the newest verified whole-database backup: what `pgwarden check`, the
 * health report and the MCP `backup_status` tool show. Reads files only; a missing folder has no backups.
 */
export async function backupStatus(dir: string, now: Date = new Date()): Promise<BackupStatus> {
  const folder = await listBackups(dir);
  const backups = folder.backups.map((entry) => summarize(entry, now));
  const whole = backups.filter((b) => b.kind === 'database');
  return {
    dir: folder.dir,
    backups,
    newest: whole[0] ?? null,
    newestVerified: whole.find((b) => b.state === 'verified') ?? null,
    incomplete: folder.incomplete,
  };
}

/** What `check` and `health` report of a backup folder: how many whole-database backups, the newest verified one. */
export interface BackupAge {
  readonly dir: string;
  readonly backups: number;
  readonly newestVerified: {
    readonly id: string;
    readonly createdAt: string;
    readonly verifiedAt: string | null;
    readonly ageSeconds: number;
  } | null;
}

/** The age of the newest verified whole-database backup in `dir`; null when it holds no whole-database backup. */
export async function newestVerifiedBackup(dir: string, now: Date = new Date()): Promise<BackupAge | null> {
  const status = await backupStatus(dir, now);
  const backups = status.backups.filter((b) => b.kind === 'database').length;
  if (backups === 0) return null;
  const verified = status.newestVerified;
  return {
    dir: status.dir,
    backups,
    newestVerified: verified
      ? {
          id: verified.id,
          createdAt: verified.createdAt,
          verifiedAt: verified.verifiedAt,
          ageSeconds: verified.ageSeconds,
        }
      : null,
  };
}
