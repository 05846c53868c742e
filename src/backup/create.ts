import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PgwardenError } from '../core/errors.js';
import { redactUrl } from '../core/redact.js';
import { Connection } from '../db/connection.js';
import { countRows, readStructure, userTables } from './contents.js';
import {
  type DatabaseManifest,
  describeFiles,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  writeJsonAtomic,
} from './manifest.js';
import { firstError, requireTool, runTool, toolConnection } from './tools.js';

export interface BackupProgress {
  readonly tablesDone: number;
  readonly tablesTotal: number;
  /** Bytes written so far. */
  readonly bytes: number;
}

export interface CreateBackupOptions {
  /** The database to back up (URL with credentials; never printed). */
  readonly url: string;
  /** The folder that holds the backups; each backup is a folder of its own in it. */
  readonly dir: string;
  /** pg_dump's parallel jobs (-j). Default 2. */
  readonly jobs?: number;
  /** Dump the roles' passwords too (needs a superuser). Default false. */
  readonly withPasswords?: boolean;
  /** How long pg_dump and the row counts wait for a table lock (ms). Default 10 s. */
  readonly lockTimeoutMs?: number;
  /** The longest any one row count may run (ms). Default 1 hour. */
  readonly statementTimeoutMs?: number;
  readonly onProgress?: (progress: BackupProgress) => void;
  readonly log?: (message: string) => void;
  readonly now?: () => Date;
}

export interface CreatedBackup {
  /** The backup's folder. */
  readonly path: string;
  readonly manifest: DatabaseManifest;
}

/** A new backup folder's name: the database, the time to the second, and a random part (two in one second). */
export function backupFolderName(database: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const safe = database.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 60) || 'db';
  return `${safe}-${stamp}Z-${randomBytes(3).toString('hex')}`;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (entry.isFile())
      total += await stat(join(entry.parentPath, entry.name)).then(
        (s) => s.size,
        () => 0,
      );
  }
  return total;
}

/**
 * Backs up a whole database: pg_dump in directory format with parallel jobs, reading a snapshot this function
 * exports from a REPEATABLE READ READ ONLY transaction, in which it counts every table's rows and lists the
 * constraints and indexes while pg_dump runs, so the counts and the dump agree; then the globals (pg_dumpall
 * --globals-only), and a manifest with the SHA-256 of every file, written last: a folder without a manifest is
 * not a backup.
 */
export async function createBackup(options: CreateBackupOptions): Promise<CreatedBackup> {
  const started = Date.now();
  const now = options.now?.() ?? new Date();
  const log = options.log ?? (() => {});
  const connection = await Connection.open(options.url, { applicationName: 'pgwarden backup' });
  let path: string | undefined;
  try {
    return await connection.readOnly(
      async () => {
        // the snapshot stays exported, and this transaction idle, for as long as pg_dump runs
        await connection.query(`SELECT set_config('idle_in_transaction_session_timeout', '0', true)`);
        const [server] = await connection.rows<{ num: string; text: string; db: string; snapshot: string }>(
          'reading the server',
          `SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS text,
                  current_database() AS db, pg_export_snapshot() AS snapshot`,
        );
        const serverMajor = Math.floor(Number(server!.num) / 10_000);
        const pgDump = await requireTool('pg_dump', serverMajor);
        await requireTool('pg_dumpall', serverMajor);
        const tables = await userTables(connection);
        path = join(options.dir, backupFolderName(server!.db, now));
        // a whole database (and the roles, with their password hashes when asked): for its owner only
        await mkdir(path, { recursive: true, mode: 0o700 });
        const jobs = options.jobs ?? 2;
        const target = toolConnection(options.url);
        const lockWait = `${options.lockTimeoutMs ?? 10_000}ms`;
        log(`backing up ${server!.db} (${tables.length} tables) into ${path}`);

        let tablesDone = 0;
        const report = async () =>
          options.onProgress?.({ tablesDone, tablesTotal: tables.length, bytes: await folderBytes(path!) });
        const ticker = options.onProgress ? setInterval(() => void report(), 500) : undefined;
        const dump = runTool(
          'pg_dump',
          [
            '--format=directory',
            `--jobs=${jobs}`,
            `--file=${join(path, 'dump')}`,
            `--snapshot=${server!.snapshot}`,
            `--lock-wait-timeout=${lockWait}`,
            '--no-password',
            '--verbose',
            `--dbname=${target.dbname}`,
          ],
          {
            env: target.env,
            onLine: (line) => {
              // with workers a table is done when the leader says so; alone, pg_dump only says it starts one
              if ((jobs > 1 ? /finished item \d+ TABLE DATA / : /dumping contents of table /).test(line))
                tablesDone++;
            },
          },
        );
        // counted in this transaction's snapshot, the one pg_dump reads, while it reads it
        const counting = (async () => ({
          rowCounts: await countRows(connection, tables),
          ...(await readStructure(connection)),
        }))();
        counting.catch(() => {}); // awaited below, once pg_dump has ended
        const dumped = await dump.finally(() => clearInterval(ticker));
        if (dumped.code !== 0) {
          throw new PgwardenError('server', `pg_dump failed: ${firstError(dumped.stderr)}`, {
            hint: 'the role needs SELECT on every table (and lock_timeout may have passed); nothing was kept',
          });
        }
        const { rowCounts, constraints, indexes, largeObjects } = await counting;
        await report();

        const globals = await dumpGlobals(path, target, options.withPasswords === true, log);
        const dumpFiles = (await readdir(join(path, 'dump'))).map((name) => `dump/${name}`);
        const files = await describeFiles(path, [...dumpFiles, ...(globals.file ? [globals.file] : [])]);
        const manifest: DatabaseManifest = {
          format: MANIFEST_FORMAT,
          kind: 'database',
          createdAt: now.toISOString(),
          durationMs: Date.now() - started,
          database: redactUrl(options.url),
          databaseName: server!.db,
          serverVersion: server!.text,
          serverMajor,
          pgDumpVersion: pgDump.text,
          files,
          bytes: files.reduce((sum, f) => sum + f.bytes, 0),
          dump: 'dump',
          jobs,
          globals,
          rowCounts,
          constraints,
          indexes,
          largeObjects,
        };
        await writeJsonAtomic(join(path, MANIFEST_FILE), manifest);
        return { path, manifest };
      },
      {
        statementTimeoutMs: options.statementTimeoutMs ?? 3_600_000,
        lockTimeoutMs: options.lockTimeoutMs ?? 10_000,
      },
    );
  } catch (error) {
    if (path) await rm(path, { recursive: true, force: true });
    throw error;
  } finally {
    await connection.close();
  }
}

/**
 * Roles and tablespaces, which pg_dump leaves out: without passwords unless asked (a superuser's privilege). A role
 * that may not read them still gets its database backed up, and the manifest says what is missing.
 */
async function dumpGlobals(
  path: string,
  target: { dbname: string; env: NodeJS.ProcessEnv },
  withPasswords: boolean,
  log: (message: string) => void,
): Promise<DatabaseManifest['globals']> {
  const attempt = (passwords: boolean) =>
    runTool(
      'pg_dumpall',
      [
        '--globals-only',
        ...(passwords ? [] : ['--no-role-passwords']),
        '--no-password',
        `--file=${join(path, 'globals.sql')}`,
        `--dbname=${target.dbname}`,
      ],
      { env: target.env },
    );
  const first = await attempt(withPasswords);
  if (first.code === 0) return { file: 'globals.sql', withPasswords, problem: null };
  if (withPasswords) {
    const without = await attempt(false);
    if (without.code === 0) {
      const problem = `the roles' passwords were not dumped: ${firstError(first.stderr)}`;
      log(problem);
      return { file: 'globals.sql', withPasswords: false, problem };
    }
  }
  await rm(join(path, 'globals.sql'), { force: true });
  const problem = `the roles and tablespaces were not dumped: ${firstError(first.stderr)}`;
  log(problem);
  return { file: null, withPasswords: false, problem };
}
