/**
 * The point-in-time recovery model: what pgBackRest's repository holds for one stanza (`info --output json`) and,
 * when a server was read, its archiving settings and `pg_stat_archiver`. The `pitr` rules read it.
 */

export type PitrBackupType = 'full' | 'diff' | 'incr';

export interface PitrBackup {
  readonly label: string;
  readonly type: PitrBackupType;
  /** ISO times: the backup is consistent (a recovery point) from `stoppedAt` on. */
  readonly startedAt: string;
  readonly stoppedAt: string;
  readonly startLsn: string | null;
  readonly stopLsn: string | null;
  /** The WAL segments the backup needs to be consistent. */
  readonly walStart: string | null;
  readonly walStop: string | null;
  /** The database's size, and what the backup holds in the repository (compressed, deduplicated). */
  readonly size: number | null;
  readonly repositorySize: number | null;
  /** The backup a diff or incr is based on. */
  readonly prior: string | null;
  /** pgBackRest found page checksum errors while copying. */
  readonly error: boolean;
}

/** The server's side, read in a READ ONLY transaction. */
export interface PitrServerReading {
  readonly major: number;
  readonly walLevel: string;
  readonly archiveMode: string;
  readonly archiveCommand: string;
  readonly archiveTimeoutSeconds: number;
  readonly inRecovery: boolean;
  /** The WAL segment being written (null on a standby). */
  readonly currentWal: string | null;
  readonly walSegmentBytes: number;
  readonly archiver: {
    readonly archivedCount: number;
    readonly lastArchivedWal: string | null;
    readonly lastArchivedAt: string | null;
    readonly failedCount: number;
    readonly lastFailedWal: string | null;
    readonly lastFailedAt: string | null;
    readonly statsResetAt: string | null;
  };
}

/** What a status check read: pgBackRest's info (parsed JSON), the server (when one was given), and when. */
export interface PitrReading {
  readonly stanza: string;
  /** The pgBackRest config file the stanza is described in. */
  readonly configPath: string;
  readonly info: unknown;
  readonly server: PitrServerReading | null;
  readonly now: string;
}

export interface PitrModel {
  readonly stanza: string;
  readonly configPath: string;
  readonly now: string;
  /** pgBackRest's status of the stanza: 0 ok, 2 no valid backup…; its message. */
  readonly status: { readonly code: number; readonly message: string };
  /** The PostgreSQL major the repository holds backups of. */
  readonly repositoryMajor: number | null;
  /** Oldest first. */
  readonly backups: readonly PitrBackup[];
  /** The oldest and newest WAL segment in the archive. */
  readonly archive: { readonly min: string; readonly max: string } | null;
  /** The earliest time a restore can reach: the end of the oldest backup. */
  readonly oldestRecoveryPoint: string | null;
  readonly newestBackup: PitrBackup | null;
  readonly server: PitrServerReading | null;
  /** Segments completed on the server and not yet archived (null without a server, on a standby, or unknown). */
  readonly pendingSegments: number | null;
}

type Json = Record<string, unknown>;

function object(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function epochIso(value: unknown): string {
  const seconds = count(value);
  return seconds === null ? new Date(0).toISOString() : new Date(seconds * 1000).toISOString();
}

function backupOf(value: unknown): PitrBackup {
  const b = object(value);
  const archive = object(b.archive);
  const lsn = object(b.lsn);
  const info = object(b.info);
  const time = object(b.timestamp);
  const type = b.type === 'diff' || b.type === 'incr' ? b.type : 'full';
  return {
    label: text(b.label) ?? '',
    type,
    startedAt: epochIso(time.start),
    stoppedAt: epochIso(time.stop),
    startLsn: text(lsn.start),
    stopLsn: text(lsn.stop),
    walStart: text(archive.start),
    walStop: text(archive.stop),
    size: count(info.size),
    repositorySize: count(object(info.repository).delta),
    prior: text(b.prior),
    error: b.error === true,
  };
}

/** A WAL file name's position: segments since the start of its timeline. */
export function walSegmentNumber(file: string, segmentBytes: number): number | null {
  const match = /^[0-9A-F]{8}([0-9A-F]{8})([0-9A-F]{8})$/i.exec(file);
  if (!match) return null;
  const segmentsPerId = 0x1_0000_0000 / segmentBytes;
  return Number.parseInt(match[1]!, 16) * segmentsPerId + Number.parseInt(match[2]!, 16);
}

function pendingSegments(server: PitrServerReading | null): number | null {
  if (!server || server.currentWal === null) return null;
  const current = walSegmentNumber(server.currentWal, server.walSegmentBytes);
  if (current === null) return null;
  const last = server.archiver.lastArchivedWal;
  if (last === null) return server.archiver.archivedCount === 0 ? null : 0;
  // a timeline change restarts the count: another timeline's file says nothing about this one
  if (last.slice(0, 8) !== server.currentWal.slice(0, 8)) return null;
  const archived = walSegmentNumber(last, server.walSegmentBytes);
  if (archived === null) return null;
  // the segment being written is not due yet
  return Math.max(0, current - archived - 1);
}

/** Builds the model from a reading (pure). `info` is pgBackRest's `info --output json` for one stanza. */
export function pitrModelOf(reading: PitrReading): PitrModel {
  const entries = list(reading.info).map(object);
  const stanza = entries.find((entry) => entry.name === reading.stanza) ?? entries[0] ?? {};
  const status = object(stanza.status);
  const backups = list(stanza.backup)
    .map(backupOf)
    .sort((a, b) => a.stoppedAt.localeCompare(b.stoppedAt));
  const dbs = list(stanza.db).map(object);
  const currentDb = dbs.at(-1);
  const archives = list(stanza.archive).map(object);
  const currentArchive =
    archives.find((a) => currentDb && object(a.database).id === currentDb.id) ?? archives.at(-1);
  const min = currentArchive ? text(currentArchive.min) : null;
  const max = currentArchive ? text(currentArchive.max) : null;
  const usable = backups.filter((b) => !b.error);
  const version = currentDb ? Number.parseInt(String(currentDb.version ?? ''), 10) : Number.NaN;
  return {
    stanza: reading.stanza,
    configPath: reading.configPath,
    now: reading.now,
    status: { code: count(status.code) ?? -1, message: text(status.message) ?? 'unknown' },
    repositoryMajor: Number.isFinite(version) ? version : null,
    backups,
    archive: min !== null && max !== null ? { min, max } : null,
    oldestRecoveryPoint: usable[0]?.stoppedAt ?? null,
    newestBackup: usable.at(-1) ?? null,
    server: reading.server,
    pendingSegments: pendingSegments(reading.server),
  };
}

/** A word for /bin/sh: quoted unless it is plainly safe. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The archive_command that pushes WAL into the stanza's repository. */
export function archivePushCommand(configPath: string, stanza: string): string {
  return `pgbackrest ${shellWord(`--config=${configPath}`)} ${shellWord(`--stanza=${stanza}`)} archive-push %p`;
}

/** Whether an archive_command pushes to this stanza with pgBackRest. */
export function archivesToStanza(command: string, stanza: string): boolean {
  return (
    /\bpgbackrest\b/.test(command) &&
    new RegExp(`--stanza[= ]'?${escapeRegExp(stanza)}'?(\\s|$)`).test(command)
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface ServerChange {
  readonly setting: 'wal_level' | 'archive_mode' | 'archive_command';
  readonly current: string;
  readonly wanted: string;
  /** The statement that makes the change. */
  readonly sql: string;
  /** Takes effect only after a restart (otherwise on a reload). */
  readonly restart: boolean;
}

function alterSystem(name: string, value: string): string {
  return `ALTER SYSTEM SET ${name} = '${value.replace(/'/g, "''")}';`;
}

/** What a server must change to archive into the stanza (pure): nothing when it is ready. */
export function serverChanges(
  settings: Pick<PitrServerReading, 'walLevel' | 'archiveMode' | 'archiveCommand'>,
  configPath: string,
  stanza: string,
): ServerChange[] {
  const changes: ServerChange[] = [];
  if (settings.walLevel === 'minimal') {
    changes.push({
      setting: 'wal_level',
      current: settings.walLevel,
      wanted: 'replica',
      sql: alterSystem('wal_level', 'replica'),
      restart: true,
    });
  }
  if (settings.archiveMode !== 'on' && settings.archiveMode !== 'always') {
    changes.push({
      setting: 'archive_mode',
      current: settings.archiveMode,
      wanted: 'on',
      sql: alterSystem('archive_mode', 'on'),
      restart: true,
    });
  }
  if (!archivesToStanza(settings.archiveCommand, stanza)) {
    const wanted = archivePushCommand(configPath, stanza);
    changes.push({
      setting: 'archive_command',
      current: settings.archiveCommand,
      wanted,
      sql: alterSystem('archive_command', wanted),
      restart: false,
    });
  }
  return changes;
}
