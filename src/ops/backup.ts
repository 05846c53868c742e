import { resolve } from 'node:path';
import { type BackupProgress, createBackup } from '../backup/create.js';
import { findBackup, listBackups } from '../backup/folder.js';
import type { DatabaseManifest, VerificationRecord, VerifyLevel, VerifyProblem } from '../backup/manifest.js';
import { applyPrune, type PrunePlan, planPrune, type Retention } from '../backup/prune.js';
import { type RestoreResult, restoreBackup } from '../backup/restore.js';
import { type BackupStatus, backupStatus } from '../backup/status.js';
import { verifyBackup } from '../backup/verify.js';
import type { LoadedConfig } from '../core/config.js';
import type { Finding } from '../core/finding.js';
import { DEFAULT_PG_MAJOR } from '../core/pg-major.js';
import { createReport, type Report } from '../core/report.js';
import { VERSION } from '../core/version.js';
import type { EmbeddedServerOptions } from '../db/embedded/server.js';
import { openTarget, projectDatabaseName } from '../db/target.js';

const DOCS = 'README.md#backups-verified-by-restoring-them';

interface Common {
  readonly config: LoadedConfig;
  /** The backup folder (default: the config's backups.dir, relative to the project). */
  readonly dir?: string;
  readonly log?: (message: string) => void;
}

interface WithServer extends Common {
  readonly db?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly embedded?: EmbeddedServerOptions;
}

/** The backup folder: `--dir`, else the config's `backups.dir` under the project folder. */
export function backupDir(config: LoadedConfig, dir?: string): string {
  return dir ? resolve(dir) : resolve(config.dir, config.config.backups.dir);
}

export interface BackupCreateData extends Record<string, unknown> {
  readonly path: string;
  readonly manifest: DatabaseManifest;
}

/** `pgwarden backup create`: a whole database (`--db`, DATABASE_URL, else the project's embedded database). */
export async function backupCreate(
  options: WithServer & {
    readonly jobs?: number;
    readonly withPasswords?: boolean;
    readonly onProgress?: (progress: BackupProgress) => void;
  },
): Promise<Report<BackupCreateData>> {
  const target = await openTarget({
    db: options.db,
    env: options.env,
    config: options.config.config,
    embedded: options.embedded,
    embeddedDatabase: projectDatabaseName(options.config.dir),
  });
  try {
    const created = await createBackup({
      url: target.url,
      dir: backupDir(options.config, options.dir),
      jobs: options.jobs,
      withPasswords: options.withPasswords,
      onProgress: options.onProgress,
      log: options.log,
    });
    const findings: Finding[] = [];
    const { globals } = created.manifest;
    if (globals.problem) {
      findings.push({
        rule: 'backup/globals',
        severity: 'warning',
        message: `${globals.problem}; the database itself is backed up`,
        location: { object: created.manifest.databaseName, kind: 'database' },
        fix: null,
        docs: DOCS,
        evidence: { globals },
      });
    }
    return createReport({ version: VERSION, command: 'backup create', findings, data: { ...created } });
  } finally {
    await target.close();
  }
}

export interface BackupVerifyData extends Record<string, unknown> {
  readonly backup: string;
  readonly path: string;
  readonly verification: VerificationRecord;
}

function problemFinding(backupId: string, problem: VerifyProblem): Finding {
  const isFile = problem.stage === 'checksum' || (problem.stage === 'list' && problem.subject?.includes('/'));
  return {
    rule: `backup/verify-${problem.stage}`,
    severity: 'error',
    message: `${backupId}: ${problem.message}`,
    location: {
      object: problem.subject ? (isFile ? `${backupId}/${problem.subject}` : problem.subject) : backupId,
      kind: problem.subject && !isFile && /^[^.]+\.[^.]+$/.test(problem.subject) ? 'table' : 'database',
    },
    fix: null,
    docs: DOCS,
    evidence: { stage: problem.stage, subject: problem.subject },
  };
}

/**
 * `pgwarden backup verify`: checksums, table of contents, then a test restore into a scratch database on
 * `--restore-db`, else on the embedded server of the backup's major or newer (never on DATABASE_URL's server).
 */
export async function backupVerify(
  options: Common & {
    readonly backup: string;
    readonly level?: VerifyLevel;
    readonly restoreDb?: string;
    readonly jobs?: number;
    readonly embedded?: EmbeddedServerOptions;
  },
): Promise<Report<BackupVerifyData>> {
  const entry = await findBackup(options.backup, backupDir(options.config, options.dir));
  const major =
    entry.manifest.kind === 'database'
      ? Math.max(entry.manifest.serverMajor, options.config.config.embedded.version ?? DEFAULT_PG_MAJOR)
      : DEFAULT_PG_MAJOR;
  const verification = await verifyBackup({
    backup: entry,
    level: options.level,
    jobs: options.jobs,
    log: options.log,
    restoreTarget: () =>
      options.restoreDb
        ? openTarget({ db: options.restoreDb })
        : openTarget({ env: {}, embedded: { ...options.embedded, major } }),
  });
  return createReport({
    version: VERSION,
    command: 'backup verify',
    findings: verification.problems.map((problem) => problemFinding(entry.id, problem)),
    data: { backup: entry.id, path: entry.dir, verification },
  });
}

export interface BackupListData extends Record<string, unknown> {
  readonly status: BackupStatus;
}

/** `pgwarden backup list`: the folder's backups, newest first, with their age and verification state. */
export async function backupList(options: Common & { readonly now?: Date }): Promise<Report<BackupListData>> {
  const status = await backupStatus(backupDir(options.config, options.dir), options.now);
  return createReport({ version: VERSION, command: 'backup list', findings: [], data: { status } });
}

export interface BackupRestoreData extends Record<string, unknown> {
  readonly backup: string;
  readonly restore: RestoreResult;
}

/** `pgwarden backup restore BACKUP --into NEW_DB`, on `--db`'s server (else DATABASE_URL's, else embedded). */
export async function backupRestore(
  options: WithServer & {
    readonly backup: string;
    readonly into: string;
    readonly jobs?: number;
    readonly noOwner?: boolean;
  },
): Promise<Report<BackupRestoreData>> {
  const entry = await findBackup(options.backup, backupDir(options.config, options.dir));
  const target = await openTarget({
    db: options.db,
    env: options.env,
    config: options.config.config,
    embedded: options.embedded,
  });
  try {
    const restore = await restoreBackup({
      backup: entry,
      target,
      into: options.into,
      jobs: options.jobs,
      noOwner: options.noOwner,
      log: options.log,
    });
    return createReport({
      version: VERSION,
      command: 'backup restore',
      findings: restore.problems.map((problem) => problemFinding(entry.id, problem)),
      data: { backup: entry.id, restore },
    });
  } finally {
    await target.close();
  }
}

export interface BackupPruneData extends Record<string, unknown> {
  readonly dir: string;
  readonly retention: Retention;
  readonly applied: boolean;
  readonly plan: PrunePlan;
}

/** `pgwarden backup prune`: grandfather-father-son retention; only a plan unless `apply`. */
export async function backupPrune(
  options: Common & { readonly retention?: Partial<Retention>; readonly apply?: boolean },
): Promise<Report<BackupPruneData>> {
  const dir = backupDir(options.config, options.dir);
  const { keepDaily, keepWeekly, keepMonthly } = options.config.config.backups;
  const retention: Retention = {
    daily: options.retention?.daily ?? keepDaily,
    weekly: options.retention?.weekly ?? keepWeekly,
    monthly: options.retention?.monthly ?? keepMonthly,
  };
  const plan = planPrune((await listBackups(dir)).backups, retention);
  if (options.apply) await applyPrune(dir, plan);
  return createReport({
    version: VERSION,
    command: 'backup prune',
    findings: [],
    data: { dir, retention, applied: options.apply === true, plan },
  });
}
