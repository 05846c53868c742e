import type { Capabilities } from '../core/engine.js';
import type { Privilege } from '../core/rule.js';
import type { Connection } from './connection.js';

export interface ServerVersion {
  /** e.g. 180004 */
  readonly num: number;
  readonly major: number;
  /** e.g. "18.4" */
  readonly text: string;
}

export async function serverVersion(connection: Connection): Promise<ServerVersion> {
  const [row] = await connection.rows<{ num: string; text: string }>(
    'reading the server version',
    `SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS text`,
  );
  const num = Number(row!.num);
  return { num, major: Math.floor(num / 10_000), text: row!.text.split(' ')[0]! };
}

export interface ExtensionInfo {
  readonly name: string;
  readonly version: string;
  readonly schema: string;
}

export interface AvailableExtension {
  readonly name: string;
  readonly defaultVersion: string | null;
  readonly installedVersion: string | null;
}

/** Settings that change what pgwarden can see or advise. */
export const KEY_SETTINGS = [
  'server_encoding',
  'shared_preload_libraries',
  'max_connections',
  'shared_buffers',
  'work_mem',
  'hash_mem_multiplier',
  'maintenance_work_mem',
  'effective_cache_size',
  'random_page_cost',
  'statement_timeout',
  'lock_timeout',
  'idle_in_transaction_session_timeout',
  'track_counts',
  'track_activities',
  'track_io_timing',
  'autovacuum',
  'wal_level',
  'max_wal_size',
  'jit',
  'default_transaction_read_only',
  'password_encryption',
  'ssl',
  'data_checksums',
  'block_size',
] as const;

export interface SettingValue {
  readonly setting: string;
  readonly unit: string | null;
  readonly source: string;
}

export interface ServerCapabilities extends Capabilities {
  readonly version: ServerVersion;
  readonly database: string;
  readonly currentUser: string;
  readonly superuser: boolean;
  readonly inRecovery: boolean;
  readonly installedExtensions: readonly ExtensionInfo[];
  readonly availableExtensions: readonly AvailableExtension[];
  readonly settings: Readonly<Record<string, SettingValue>>;
  /** pg_stat_statements is both installed in this database and preloaded. */
  readonly pgStatStatements: boolean;
}

/** What this server and this role let pgwarden do. Read-only; works for any role that can connect. */
export async function serverCapabilities(connection: Connection): Promise<ServerCapabilities> {
  const version = await serverVersion(connection);
  const [who] = await connection.rows<{
    database: string;
    current_user: string;
    superuser: boolean;
    pg_monitor: boolean;
    pg_read_all_stats: boolean;
    pg_read_all_settings: boolean;
    in_recovery: boolean;
  }>(
    'reading the role and its privileges',
    `SELECT current_database() AS database,
            current_user,
            coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) AS superuser,
            pg_has_role(current_user, 'pg_monitor', 'USAGE') AS pg_monitor,
            pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS pg_read_all_stats,
            pg_has_role(current_user, 'pg_read_all_settings', 'USAGE') AS pg_read_all_settings,
            pg_is_in_recovery() AS in_recovery`,
  );
  const installed = await connection.rows<{ name: string; version: string; schema: string }>(
    'listing installed extensions',
    `SELECT e.extname AS name, e.extversion AS version, n.nspname AS schema
       FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
      ORDER BY e.extname`,
  );
  const available = await connection.rows<{
    name: string;
    default_version: string | null;
    installed_version: string | null;
  }>(
    'listing available extensions',
    `SELECT name, default_version, installed_version FROM pg_available_extensions ORDER BY name`,
  );
  const settingRows = await connection.rows<{
    name: string;
    setting: string;
    unit: string | null;
    source: string;
  }>(
    'reading server settings',
    `SELECT name, setting, unit, source FROM pg_settings WHERE name = ANY($1::text[])`,
    [KEY_SETTINGS],
  );
  const settings: Record<string, SettingValue> = {};
  for (const row of settingRows)
    settings[row.name] = { setting: row.setting, unit: row.unit, source: row.source };

  const privileges = new Set<Privilege>();
  if (who!.superuser) privileges.add('superuser');
  if (who!.superuser || who!.pg_monitor) privileges.add('pg_monitor');
  if (who!.superuser || who!.pg_monitor || who!.pg_read_all_stats) privileges.add('pg_read_all_stats');
  if (who!.superuser || who!.pg_monitor || who!.pg_read_all_settings) privileges.add('pg_read_all_settings');
  const extensions = new Set(installed.map((e) => e.name));
  const preload = (settings.shared_preload_libraries?.setting ?? '').split(',').map((s) => s.trim());

  return {
    version,
    database: who!.database,
    currentUser: who!.current_user,
    superuser: who!.superuser,
    inRecovery: who!.in_recovery,
    installedExtensions: installed,
    availableExtensions: available.map((a) => ({
      name: a.name,
      defaultVersion: a.default_version,
      installedVersion: a.installed_version,
    })),
    settings,
    privileges,
    extensions,
    pgStatStatements: extensions.has('pg_stat_statements') && preload.includes('pg_stat_statements'),
  };
}

/**
 * Which database this is, beyond its URL: the cluster's system identifier (from pg_control, unique to each
 * initdb, kept by a physical replica), the database's name and oid (a database dropped and created again has
 * another), and the address the server answered on. Two reads of the same database give the same identity.
 */
export interface DatabaseIdentity {
  /** pg_control's system identifier, or null when the role may not read pg_control_system(). */
  readonly systemIdentifier: string | null;
  readonly database: string;
  readonly databaseOid: number;
  /** inet_server_addr():inet_server_port(), or "local socket". */
  readonly server: string;
}

export async function databaseIdentity(connection: Connection): Promise<DatabaseIdentity> {
  const [row] = await connection.rows<{
    system_identifier: string | null;
    database: string;
    oid: number;
    server: string;
  }>(
    "reading the database's identity",
    `SELECT CASE WHEN has_function_privilege('pg_catalog.pg_control_system()', 'EXECUTE')
                 THEN (SELECT system_identifier::text FROM pg_catalog.pg_control_system()) END AS system_identifier,
            current_database() AS database,
            (SELECT oid::int FROM pg_catalog.pg_database WHERE datname = current_database()) AS oid,
            coalesce(host(inet_server_addr()) || ':' || inet_server_port(), 'local socket') AS server`,
  );
  return {
    systemIdentifier: row!.system_identifier,
    database: row!.database,
    databaseOid: row!.oid,
    server: row!.server,
  };
}

/** How two identities differ, for people ("system identifier 7716… → 7722…"); empty when they are the same. */
export function identityDifferences(planned: DatabaseIdentity, now: DatabaseIdentity): string[] {
  const keys = ['systemIdentifier', 'database', 'databaseOid', 'server'] as const;
  return keys
    .filter((key) => planned[key] !== now[key])
    .map((key) => `${key} ${String(planned[key])} → ${String(now[key])}`);
}
