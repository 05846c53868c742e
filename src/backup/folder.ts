import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { PgwardenError } from '../core/errors.js';
import {
  type AnyManifest,
  MANIFEST_FILE,
  readManifest,
  readVerification,
  type VerificationState,
} from './manifest.js';

/** One backup of a folder: its manifest and what its last verification found. */
export interface BackupEntry {
  /** Its name in the folder: the backup's folder, or the guard's manifest file. */
  readonly id: string;
  readonly manifestFile: string;
  /** Where the manifest's paths start. */
  readonly dir: string;
  readonly manifest: AnyManifest;
  readonly verification: VerificationState | null;
}

export interface BackupFolder {
  readonly dir: string;
  /** Newest first. */
  readonly backups: BackupEntry[];
  /** Folders without a manifest (a backup that did not finish, or is being taken), and unreadable manifests. */
  readonly incomplete: string[];
}

async function entryOf(manifestFile: string, id: string): Promise<BackupEntry> {
  return {
    id,
    manifestFile,
    dir: dirname(manifestFile),
    manifest: await readManifest(manifestFile),
    verification: await readVerification(manifestFile),
  };
}

/** The backups in `dir`: whole-database backups (folders) and the guard's (manifest files); none when it is missing. */
export async function listBackups(dir: string): Promise<BackupFolder> {
  const root = resolve(dir);
  const entries = await readdir(root, { withFileTypes: true }).catch((error: { code?: string }) => {
    if (error.code === 'ENOENT') return [];
    throw new PgwardenError('input', `cannot read the backup folder ${root}: ${String(error)}`);
  });
  const backups: BackupEntry[] = [];
  const incomplete: string[] = [];
  for (const entry of entries) {
    const full = join(root, entry.name);
    const manifest = entry.isDirectory() ? join(full, MANIFEST_FILE) : full;
    if (entry.isDirectory() && !existsSync(manifest)) incomplete.push(entry.name);
    else if (entry.isDirectory() || (entry.isFile() && entry.name.endsWith('.dump.json'))) {
      // one damaged manifest must not hide the other backups (nor stop pgwarden check)
      await entryOf(manifest, entry.name).then(
        (backup) => backups.push(backup),
        (error: Error) => incomplete.push(`${entry.name} (${error.message})`),
      );
    }
  }
  backups.sort(
    (a, b) => b.manifest.createdAt.localeCompare(a.manifest.createdAt) || a.id.localeCompare(b.id),
  );
  return { dir: root, backups, incomplete: incomplete.sort() };
}

/**
 * The backup a user names: a backup folder, a guard manifest (or its dump), or the name of one in `dir`.
 */
export async function findBackup(name: string, dir: string): Promise<BackupEntry> {
  const candidates = [resolve(name), join(resolve(dir), name)];
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    if (statSync(path).isDirectory()) {
      const manifest = join(path, MANIFEST_FILE);
      if (existsSync(manifest)) return entryOf(manifest, basename(path));
      throw new PgwardenError('input', `${path} has no ${MANIFEST_FILE}: it is not a finished backup`, {
        hint: 'a backup folder gets its manifest when pgwarden backup create ends; pgwarden backup list shows the backups',
      });
    }
    if (path.endsWith('.json')) return entryOf(path, basename(path));
    if (existsSync(`${path}.json`)) return entryOf(`${path}.json`, basename(`${path}.json`));
  }
  throw new PgwardenError('input', `no backup ${name} (looked in ${resolve(dir)} too)`, {
    hint: 'name a backup folder, or a backup listed by pgwarden backup list',
  });
}

/** The dump pg_restore reads: the directory-format folder, or the guard's custom-format file. */
export function dumpPathOf(entry: BackupEntry): string {
  return entry.manifest.kind === 'database'
    ? join(entry.dir, entry.manifest.dump)
    : join(entry.dir, entry.manifest.files[0]?.path ?? '');
}

/** The major of the pg_dump that wrote a manifest's dump: pg_restore must be at least that. */
export function pgDumpMajor(manifest: AnyManifest): number {
  const found = /(\d+)(?:\.\d+)/.exec(manifest.pgDumpVersion ?? '') ?? /^(\d+)/.exec(manifest.serverVersion);
  return found ? Number(found[1]) : 0;
}

/** Verified: a test restore found everything, and no later verification found a fault. */
export function isVerified(entry: BackupEntry): boolean {
  return entry.verification?.latest.ok === true && entry.verification.lastRestore !== null;
}

/** When it was last proven by a test restore (null: never, or a later verification found a fault). */
export function verifiedAt(entry: BackupEntry): string | null {
  return isVerified(entry) ? entry.verification!.lastRestore!.verifiedAt : null;
}
