import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PgwardenError } from '../core/errors.js';
import { formatCount } from '../core/format.js';

/**
 * One manifest format for every backup pgwarden takes: a whole database (`pgwarden backup create`) or the objects
 * a migration destroys (the guard). It is written beside the files it lists, whose paths are relative to it.
 */
export const MANIFEST_FORMAT = 'pgwarden-backup/1' as const;

export type BackupKind = 'database' | 'guard';

export interface ManifestFile {
  /** Relative to the manifest's folder, with `/` separators. */
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** What every manifest holds, whoever wrote it. */
export interface ManifestBase {
  readonly format: typeof MANIFEST_FORMAT;
  readonly kind: BackupKind;
  readonly createdAt: string;
  /** How long taking the backup took, its proof included. */
  readonly durationMs: number;
  /** The database backed up, as a URL without its password. */
  readonly database: string;
  readonly serverVersion: string;
  readonly pgDumpVersion: string | null;
  readonly files: readonly ManifestFile[];
  /** The files' total size. */
  readonly bytes: number;
  /** Rows per table (`schema.table`), counted in the snapshot the dump read. */
  readonly rowCounts: Readonly<Record<string, number>>;
}

/** A whole database: pg_dump's directory format, the globals, and what a restore must rebuild. */
export interface DatabaseManifest extends ManifestBase {
  readonly kind: 'database';
  /** The database's name on its server. */
  readonly databaseName: string;
  readonly serverMajor: number;
  /** pg_dump's output folder (directory format), relative to the manifest. */
  readonly dump: string;
  readonly jobs: number;
  /** pg_dumpall --globals-only (roles, tablespaces): null with `problem` when the role may not read them. */
  readonly globals: {
    readonly file: string | null;
    readonly withPasswords: boolean;
    readonly problem: string | null;
  };
  /** Every constraint (`schema.table.name`) and index (`schema.name`) a restore must rebuild. */
  readonly constraints: readonly string[];
  readonly indexes: readonly string[];
  readonly largeObjects: number;
}

export const MANIFEST_FILE = 'manifest.json';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Hashes and sizes `paths` (relative to `base`), in a stable order. */
export async function describeFiles(base: string, paths: readonly string[]): Promise<ManifestFile[]> {
  const files: ManifestFile[] = [];
  for (const path of [...paths].sort()) {
    const full = join(base, path);
    files.push({ path, sha256: await sha256File(full), bytes: (await stat(full)).size });
  }
  return files;
}

export interface FileProblem {
  readonly file: string;
  readonly problem: 'missing' | 'size' | 'checksum';
  readonly message: string;
}

/** Every listed file present, of its size and SHA-256; what differs, named. */
export async function checkFiles(base: string, files: readonly ManifestFile[]): Promise<FileProblem[]> {
  const problems: FileProblem[] = [];
  for (const file of files) {
    const full = join(base, file.path);
    const size = await stat(full).then(
      (s) => s.size,
      () => null,
    );
    if (size === null) {
      problems.push({ file: file.path, problem: 'missing', message: `${file.path} is missing` });
    } else if (size !== file.bytes) {
      problems.push({
        file: file.path,
        problem: 'size',
        message: `${file.path} is ${formatCount(size)} bytes, the manifest says ${formatCount(file.bytes)} (truncated or appended to)`,
      });
    } else if ((await sha256File(full)) !== file.sha256) {
      problems.push({
        file: file.path,
        problem: 'checksum',
        message: `${file.path} does not match its SHA-256 in the manifest (its content changed)`,
      });
    }
  }
  return problems;
}

/** Writes JSON through a temporary file, so a reader never sees half a manifest. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`);
  await rename(temporary, file);
}

export type AnyManifest = DatabaseManifest | (ManifestBase & { readonly kind: 'guard' });

/**
 * A manifest read from disk. The guard's manifests from before this format (a `file` and its `sha256`) are read
 * as guard manifests of it.
 */
export async function readManifest(file: string): Promise<AnyManifest> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const missing = (error as { code?: string }).code === 'ENOENT';
    throw new PgwardenError(
      'input',
      missing ? `no backup manifest at ${file}` : `${file} is not a readable manifest`,
      {
        hint: missing
          ? 'name a backup folder (with manifest.json) or a guard manifest (.dump.json); pgwarden backup list shows them'
          : 'the manifest is damaged; the backup cannot be verified without it',
        cause: error,
      },
    );
  }
  const manifest = asManifest(parsed);
  if (!manifest) {
    throw new PgwardenError('input', `${file} is not a pgwarden backup manifest`, {
      hint: `a manifest has "format": "${MANIFEST_FORMAT}"; pgwarden backup list shows the backups of a folder`,
    });
  }
  return manifest;
}

function asManifest(value: unknown): AnyManifest | null {
  if (value === null || typeof value !== 'object') return null;
  const record = value as Record<string, unknown>;
  if (record.format === MANIFEST_FORMAT && Array.isArray(record.files))
    return record as unknown as AnyManifest;
  if (typeof record.file === 'string' && typeof record.sha256 === 'string' && 'rowCounts' in record) {
    return {
      ...(record as unknown as ManifestBase),
      format: MANIFEST_FORMAT,
      kind: 'guard',
      durationMs: 0,
      files: [{ path: basename(record.file), sha256: record.sha256, bytes: Number(record.bytes) }],
    };
  }
  return null;
}

/** Where a backup's verification result is kept: beside its manifest. */
export function verificationPath(manifestFile: string): string {
  return basename(manifestFile) === MANIFEST_FILE
    ? join(dirname(manifestFile), 'verification.json')
    : manifestFile.replace(/\.json$/, '.verification.json');
}

export const VERIFY_LEVELS = ['checksum', 'list', 'restore'] as const;
export type VerifyLevel = (typeof VERIFY_LEVELS)[number];

export interface VerifyProblem {
  readonly stage: VerifyLevel;
  /** The file, table, constraint or index at fault, when there is one. */
  readonly subject: string | null;
  readonly message: string;
}

/** The outcome of one `pgwarden backup verify`, kept in the backup folder. */
export interface VerificationRecord {
  readonly verifiedAt: string;
  readonly level: VerifyLevel;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly problems: readonly VerifyProblem[];
  /** With a test restore: where, and what it held. */
  readonly restore: {
    readonly server: string;
    readonly serverVersion: string;
    readonly tables: number;
    readonly rows: number;
    readonly constraints: number;
    readonly indexes: number;
    readonly largeObjects: number;
  } | null;
}

/** What is kept of a backup's verifications: the newest, and the newest test restore that found everything. */
export interface VerificationState {
  readonly latest: VerificationRecord;
  readonly lastRestore: VerificationRecord | null;
}

export async function readVerification(manifestFile: string): Promise<VerificationState | null> {
  try {
    return JSON.parse(await readFile(verificationPath(manifestFile), 'utf8')) as VerificationState;
  } catch {
    return null;
  }
}

export async function recordVerification(
  manifestFile: string,
  record: VerificationRecord,
): Promise<VerificationState> {
  const before = await readVerification(manifestFile);
  const state: VerificationState = {
    latest: record,
    lastRestore: record.ok && record.level === 'restore' ? record : (before?.lastRestore ?? null),
  };
  await writeJsonAtomic(verificationPath(manifestFile), state);
  return state;
}
