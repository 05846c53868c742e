import { PgwardenError } from '../../core/errors.js';
import type { Connection } from '../../db/connection.js';
import type { PitrServerReading } from '../../health/pitr.js';

/** What setup needs beyond the status reading: where the server's files and socket are, and who we are. */
export interface PitrServerFacts {
  readonly reading: PitrServerReading;
  readonly dataDirectory: string;
  readonly socketDirectories: readonly string[];
  readonly superuser: boolean;
  readonly user: string;
  readonly database: string;
}

interface PrivilegeRow {
  superuser: boolean;
  read_settings: boolean;
  user: string;
}

interface SettingsRow {
  major: number;
  wal_level: string;
  archive_mode: string;
  archive_command: string;
  archive_timeout: number;
  in_recovery: boolean;
  current_wal: string | null;
  wal_segment_bytes: string;
  data_directory: string;
  socket_directories: string;
  database: string;
  archived_count: string;
  last_archived_wal: string | null;
  last_archived_time: Date | null;
  failed_count: string;
  last_failed_wal: string | null;
  last_failed_time: Date | null;
  stats_reset: Date | null;
}

const SETTINGS_SQL = `
SELECT current_setting('server_version_num')::int / 10000 AS major,
       current_setting('wal_level') AS wal_level,
       current_setting('archive_mode') AS archive_mode,
       current_setting('archive_command') AS archive_command,
       (SELECT setting::int FROM pg_settings WHERE name = 'archive_timeout') AS archive_timeout,
       pg_is_in_recovery() AS in_recovery,
       CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_walfile_name(pg_current_wal_lsn()) END AS current_wal,
       (SELECT setting FROM pg_settings WHERE name = 'wal_segment_size') AS wal_segment_bytes,
       current_setting('data_directory') AS data_directory,
       current_setting('unix_socket_directories') AS socket_directories,
       current_database() AS database,
       a.archived_count, a.last_archived_wal, a.last_archived_time,
       a.failed_count, a.last_failed_wal, a.last_failed_time, a.stats_reset
  FROM pg_stat_archiver a`;

function iso(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}

/**
 * Reads the archiving settings, pg_stat_archiver and where the server keeps its files, in a READ ONLY transaction.
 * data_directory and archive_command are visible only to a superuser or a member of pg_read_all_settings: without
 * that, a clear refusal.
 */
export async function readPitrServer(connection: Connection): Promise<PitrServerFacts> {
  return connection.readOnly(async (c) => {
    const [privileges] = await c.rows<PrivilegeRow>(
      'privileges',
      `SELECT r.rolsuper AS superuser,
              pg_has_role(current_user, 'pg_read_all_settings', 'USAGE') AS read_settings,
              current_user AS user
         FROM pg_roles r WHERE r.rolname = current_user`,
    );
    if (!privileges || (!privileges.superuser && !privileges.read_settings)) {
      throw new PgwardenError(
        'permission',
        `role ${privileges?.user ?? 'current_user'} cannot read data_directory and archive_command: pitr needs a superuser or a member of pg_read_all_settings`,
        {
          hint: `connect as a superuser, or GRANT pg_read_all_settings TO ${privileges?.user ?? 'the role'};`,
        },
      );
    }
    const [row] = await c.rows<SettingsRow>('archiving settings', SETTINGS_SQL);
    if (!row) throw new PgwardenError('server', 'pg_stat_archiver returned no row');
    return {
      reading: {
        major: row.major,
        walLevel: row.wal_level,
        archiveMode: row.archive_mode,
        archiveCommand: row.archive_command,
        archiveTimeoutSeconds: row.archive_timeout,
        inRecovery: row.in_recovery,
        currentWal: row.current_wal,
        walSegmentBytes: Number(row.wal_segment_bytes),
        archiver: {
          archivedCount: Number(row.archived_count),
          lastArchivedWal: row.last_archived_wal,
          lastArchivedAt: iso(row.last_archived_time),
          failedCount: Number(row.failed_count),
          lastFailedWal: row.last_failed_wal,
          lastFailedAt: iso(row.last_failed_time),
          statsResetAt: iso(row.stats_reset),
        },
      },
      dataDirectory: row.data_directory,
      socketDirectories: row.socket_directories
        .split(',')
        .map((dir) => dir.trim())
        .filter(Boolean),
      superuser: privileges.superuser,
      user: privileges.user,
      database: row.database,
    };
  });
}
