import { PgwardenError } from '../core/errors.js';
import type { DatabaseTarget } from '../db/target.js';
import { withDatabase } from '../db/url.js';
import { compareContents, readContents } from './contents.js';
import { type BackupEntry, dumpPathOf, pgDumpMajor } from './folder.js';
import { checkFiles, type VerifyProblem } from './manifest.js';
import { firstError, requireTool, runTool, toolConnection } from './tools.js';

export interface RestoreBackupOptions {
  readonly backup: BackupEntry;
  /** The server to restore on; the new database is created there. */
  readonly target: DatabaseTarget;
  /** The new database's name: it must not exist. */
  readonly into: string;
  readonly jobs?: number;
  /** Leave out owners and privileges (when the roles do not exist on that server). */
  readonly noOwner?: boolean;
  readonly log?: (message: string) => void;
}

export interface RestoreResult {
  readonly database: string;
  readonly server: string;
  readonly problems: readonly VerifyProblem[];
  readonly tables: number;
  readonly rows: number;
  /** The backup's globals file (roles, tablespaces), which a restore into another cluster may need first. */
  readonly globals: string | null;
}

/**
 * Restores a whole-database backup into a new database, never over an existing one (that is a destructive change,
 * for the guard): the files are checked against the manifest first, and the restored database must hold every
 * table's row count, constraint, index and large object of the manifest.
 */
export async function restoreBackup(options: RestoreBackupOptions): Promise<RestoreResult> {
  const { backup, target, into } = options;
  const { manifest } = backup;
  const log = options.log ?? (() => {});
  if (manifest.kind !== 'database') {
    throw new PgwardenError('usage', `${backup.id} is a guard backup, not a whole database`, {
      hint: `restore what it holds with pg_restore -d <database> ${dumpPathOf(backup)}`,
    });
  }
  const damaged = await checkFiles(backup.dir, manifest.files);
  if (damaged.length > 0) {
    throw new PgwardenError(
      'input',
      `the backup ${backup.id} is damaged: ${damaged.map((d) => d.message).join('; ')}`,
      {
        hint: 'restore another backup (pgwarden backup list shows the verified ones)',
      },
    );
  }
  await requireTool('pg_restore', pgDumpMajor(manifest));
  const admin = await target.connect();
  try {
    const exists = await admin.rows(
      'checking the database name',
      'SELECT 1 FROM pg_database WHERE datname = $1',
      [into],
    );
    if (exists.length > 0) {
      throw new PgwardenError(
        'guard-refused',
        `database ${into} exists on ${target.display}: a backup is never restored over a database`,
        {
          hint: `restore into a new database (--into ${into}_restored), then switch to it; replacing ${into} is a destructive change that goes through a guarded migration`,
        },
      );
    }
    log(`creating database ${into} on ${target.display}`);
    await admin.query(`CREATE DATABASE ${admin.client.escapeIdentifier(into)} TEMPLATE template0`);
  } finally {
    await admin.close();
  }
  const url = withDatabase(target.url, into);
  const connection = toolConnection(url);
  log(`restoring ${backup.id} into ${into}`);
  const restored = await runTool(
    'pg_restore',
    [
      ...(options.noOwner ? ['--no-owner', '--no-privileges'] : []),
      `--jobs=${options.jobs ?? 2}`,
      '--no-password',
      `--dbname=${connection.dbname}`,
      dumpPathOf(backup),
    ],
    { env: connection.env },
  );
  const problems: VerifyProblem[] = [];
  if (restored.code !== 0) {
    const errors = restored.stderr.split('\n').filter((line) => /error:/.test(line));
    for (const line of (errors.length > 0 ? errors : [firstError(restored.stderr)]).slice(0, 5))
      problems.push({
        stage: 'restore',
        subject: null,
        message: `pg_restore: ${line.replace(/^pg_restore: /, '')}`,
      });
  }
  const session = await target.connect(into);
  try {
    const contents = await session.readOnly(() => readContents(session), { statementTimeoutMs: 3_600_000 });
    for (const problem of compareContents(manifest, contents))
      problems.push({ stage: 'restore', ...problem });
    return {
      database: into,
      server: target.display,
      problems,
      tables: Object.keys(contents.rowCounts).length,
      rows: Object.values(contents.rowCounts).reduce((a, b) => a + b, 0),
      globals: manifest.globals.file,
    };
  } finally {
    await session.close();
  }
}
