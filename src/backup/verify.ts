import { PgwardenError } from '../core/errors.js';
import { formatCount } from '../core/format.js';
import { createScratchDatabase } from '../db/scratch.js';
import type { DatabaseTarget } from '../db/target.js';
import { compareContents, readContents } from './contents.js';
import { type BackupEntry, dumpPathOf, pgDumpMajor } from './folder.js';
import {
  checkFiles,
  recordVerification,
  type VerificationRecord,
  type VerifyLevel,
  type VerifyProblem,
} from './manifest.js';
import { firstError, requireTool, runTool, toolConnection } from './tools.js';

export interface VerifyBackupOptions {
  readonly backup: BackupEntry;
  /** checksum ⊂ list ⊂ restore: each level does the ones before it. Default restore. */
  readonly level?: VerifyLevel;
  /** The server the test restore goes to (a scratch database is created there and dropped). */
  readonly restoreTarget?: () => Promise<DatabaseTarget>;
  /** pg_restore's parallel jobs. Default 2. */
  readonly jobs?: number;
  readonly log?: (message: string) => void;
}

/**
 * Whether `pg_restore --list` holds the data of each table: its entries read `TABLE DATA <schema> <name> <owner>`,
 * names unquoted (spaces and all), so an entry is matched by its `<schema> <name> ` prefix.
 */
function dataEntries(list: string): (table: string) => boolean {
  const entries = list
    .split('\n')
    .map((line) => /^\d+; \d+ \d+ TABLE DATA (.*)$/.exec(line.trim())?.[1])
    .filter((entry): entry is string => entry !== undefined);
  return (table) => {
    const dot = table.indexOf('.');
    const prefix = `${table.slice(0, dot)} ${table.slice(dot + 1)} `;
    return entries.some((entry) => entry.startsWith(prefix));
  };
}

/**
 * Proves a backup, level by level, and records the outcome beside its manifest: every file of its SHA-256
 * (`checksum`); then pg_restore reads its table of contents, which must hold the data of every table with rows
 * (`list`); then a test restore into a scratch database, where every table must hold the manifest's row count
 * and every constraint, index and large object must be back (`restore`). A level that fails stops there.
 */
export async function verifyBackup(options: VerifyBackupOptions): Promise<VerificationRecord> {
  const started = Date.now();
  const level = options.level ?? 'restore';
  const { manifest, dir } = options.backup;
  const log = options.log ?? (() => {});
  if (level === 'restore' && manifest.kind !== 'database') {
    throw new PgwardenError(
      'usage',
      `${options.backup.id} is a guard backup: it cannot be test-restored alone`,
      {
        hint: 'it holds only what a migration destroyed (the guard read every row of it back when it was taken); verify it with --level list',
      },
    );
  }
  const problems: VerifyProblem[] = [];
  let restore: VerificationRecord['restore'] = null;

  log(`checking the SHA-256 of ${manifest.files.length} files`);
  for (const problem of await checkFiles(dir, manifest.files))
    problems.push({ stage: 'checksum', subject: problem.file, message: problem.message });

  const dumpPath = dumpPathOf(options.backup);
  if (problems.length === 0 && level !== 'checksum') {
    await requireTool('pg_restore', pgDumpMajor(manifest));
    log('reading the table of contents (pg_restore --list)');
    const listed = await runTool('pg_restore', ['--list', dumpPath]);
    if (listed.code !== 0) {
      problems.push({
        stage: 'list',
        subject: manifest.kind === 'database' ? manifest.dump : (manifest.files[0]?.path ?? null),
        message: `pg_restore cannot read the table of contents: ${firstError(listed.stderr)}`,
      });
    } else {
      const hasData = dataEntries(listed.stdout);
      for (const [table, rows] of Object.entries(manifest.rowCounts)) {
        if (rows > 0 && !hasData(table))
          problems.push({
            stage: 'list',
            subject: table,
            message: `the data of ${table} (${formatCount(rows)} rows) is not in the dump`,
          });
      }
    }
  }

  if (problems.length === 0 && level === 'restore' && manifest.kind === 'database') {
    if (!options.restoreTarget) throw new Error('verifyBackup: a test restore needs a restoreTarget');
    const target = await options.restoreTarget();
    try {
      // template0: what a site added to template1 would be in the scratch database twice
      const scratch = await createScratchDatabase(target, { template: 'template0' });
      try {
        log(`restoring into a scratch database on ${target.display}`);
        const into = toolConnection(scratch.url);
        const restored = await runTool(
          'pg_restore',
          [
            '--no-owner',
            '--no-privileges',
            `--jobs=${options.jobs ?? 2}`,
            '--no-password',
            `--dbname=${into.dbname}`,
            dumpPath,
          ],
          { env: into.env },
        );
        if (restored.code !== 0) {
          const errors = restored.stderr
            .split('\n')
            .filter((line) => /error:/.test(line))
            .slice(0, 5);
          for (const line of errors.length > 0 ? errors : [firstError(restored.stderr)])
            problems.push({
              stage: 'restore',
              subject: null,
              message: `pg_restore: ${line.replace(/^pg_restore: /, '')}`,
            });
        }
        const connection = await scratch.connect();
        const [contents, version] = await connection.readOnly(
          async () =>
            [
              await readContents(connection),
              (
                await connection.rows<{ v: string }>(
                  'reading the server version',
                  "SELECT current_setting('server_version') AS v",
                )
              )[0]!.v,
            ] as const,
          { statementTimeoutMs: 3_600_000 },
        );
        for (const problem of compareContents(manifest, contents))
          problems.push({ stage: 'restore', ...problem });
        restore = {
          server: target.display,
          serverVersion: version,
          tables: Object.keys(contents.rowCounts).length,
          rows: Object.values(contents.rowCounts).reduce((a, b) => a + b, 0),
          constraints: contents.constraints.length,
          indexes: contents.indexes.length,
          largeObjects: contents.largeObjects,
        };
      } finally {
        await scratch.drop();
      }
    } finally {
      await target.close();
    }
  }

  const record: VerificationRecord = {
    verifiedAt: new Date().toISOString(),
    level,
    ok: problems.length === 0,
    durationMs: Date.now() - started,
    problems,
    restore,
  };
  await recordVerification(options.backup.manifestFile, record);
  return record;
}
