import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { parseSync } from 'libpg-query';
import { sha256File as fileSha256, MANIFEST_FORMAT, type ManifestBase } from '../backup/manifest.js';
import { toolConnection } from '../backup/tools.js';
import { PgwardenError } from '../core/errors.js';
import { formatCount } from '../core/format.js';
import { redactUrl } from '../core/redact.js';
import type { Connection } from '../db/connection.js';
import { asNode } from '../sql/ast.js';
import { loadParser } from '../sql/parser.js';
import type { ReachedRelation } from './catalog.js';

const run = promisify(execFile);

function tool(name: 'pg_dump' | 'pg_restore'): string {
  return process.env[`PGWARDEN_${name.toUpperCase()}`] ?? name;
}

async function toolMajor(name: 'pg_dump' | 'pg_restore'): Promise<{ major: number; text: string }> {
  try {
    const { stdout } = await run(tool(name), ['--version']);
    const version = /(\d+)(?:\.(\d+))?/.exec(stdout)!;
    return { major: Number(version[1]), text: stdout.trim() };
  } catch (error) {
    throw new PgwardenError('guard-refused', `the guard needs ${name}, which is not installed`, {
      hint: `install the PostgreSQL client tools (e.g. apt-get install postgresql-client) or set PGWARDEN_${name.toUpperCase()} to its path; to run without a backup: --no-guard --reason "<why>"`,
      cause: error,
    });
  }
}

/**
 * Refuses (exit 3) unless pg_dump and pg_restore are installed and at least `serverMajor`: older ones cannot dump
 * that server, or read what a newer pg_dump wrote.
 */
async function requireGuardTools(serverMajor: number): Promise<{ pgDump: string }> {
  let pgDump = '';
  for (const name of ['pg_dump', 'pg_restore'] as const) {
    const found = await toolMajor(name);
    if (name === 'pg_dump') pgDump = found.text;
    if (found.major < serverMajor) {
      throw new PgwardenError(
        'guard-refused',
        `${name} ${found.major} cannot back up a PostgreSQL ${serverMajor} server`,
        {
          hint: `install ${name} ${serverMajor} or later (postgresql-client-${serverMajor}) or set PGWARDEN_${name.toUpperCase()} to it; to run without a backup: --no-guard --reason "<why>"`,
        },
      );
    }
  }
  return { pgDump };
}

/** Whether the guard could back up a PostgreSQL `serverMajor` server here, and if not, why (for `pgwarden check`). */
export async function guardReadiness(
  serverMajor: number,
): Promise<{ ready: boolean; problem: string | null }> {
  try {
    await requireGuardTools(serverMajor);
    return { ready: true, problem: null };
  } catch (error) {
    if (!(error instanceof PgwardenError)) throw error;
    return { ready: false, problem: `${error.message}: ${error.hint ?? ''}`.replace(/: $/, '') };
  }
}

function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function qualified(relation: { schema: string; relname: string }): string {
  return `${quoteIdent(relation.schema)}.${quoteIdent(relation.relname)}`;
}

/** How pg_dump reaches the database without its password on the command line (see backup/tools.ts). */
export const dumpConnection = toolConnection;

/** The row counts a restore of the dump yields, read from pg_restore's script of the whole file (every row). */
async function restoredCounts(
  file: string,
): Promise<{ rows: Record<string, number>; matviewData: Set<string> }> {
  await loadParser();
  const child = spawn(tool('pg_restore'), ['--file=-', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4000) stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  const rows: Record<string, number> = {};
  const matviewData = new Set<string>();
  let copying: string | undefined;
  let count = 0;
  const lines = createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (copying !== undefined) {
      if (line === '\\.') {
        rows[copying] = (rows[copying] ?? 0) + count;
        copying = undefined;
      } else count++;
      continue;
    }
    if (line.startsWith('COPY ') && line.endsWith(' FROM stdin;')) {
      const copy = asNode<{ relation?: { schemaname?: string; relname?: string } }>(
        parseSync(line).stmts?.[0]?.stmt,
        'CopyStmt',
      );
      if (copy?.relation?.relname) {
        copying = `${copy.relation.schemaname ?? 'public'}.${copy.relation.relname}`;
        count = 0;
      }
      continue;
    }
    if (line.startsWith('-- ') && line.includes('; Type: MATERIALIZED VIEW DATA; Schema: ')) {
      const name = line.slice(line.indexOf('Name: ') + 6, line.indexOf('; Type: '));
      const schema = line.slice(line.indexOf('; Schema: ') + 10, line.indexOf('; Owner: '));
      matviewData.add(`${schema}.${name}`);
    }
  }
  const code = await exited;
  if (code !== 0 || copying !== undefined) {
    throw new PgwardenError(
      'guard-refused',
      `the backup ${file} does not restore: ${copying !== undefined ? `the data of ${copying} is cut short` : (stderr.trim().split('\n')[0] ?? `pg_restore exited with ${code}`)}`,
      { hint: 'the destructive statement does not run; check the disk and run again' },
    );
  }
  return { rows, matviewData };
}

/**
 * pg_dump's selection: the relations (`--table`); with dropped schemas, which `--table` would make pg_dump ignore,
 * those schemas whole, and the schemas of the other relations less every relation of theirs not reached.
 */
async function selection(
  connection: Connection,
  relations: readonly ReachedRelation[],
  schemas: readonly string[],
): Promise<string[]> {
  if (schemas.length === 0) return relations.map((r) => `--table=${qualified(r)}`);
  const others = [...new Set(relations.map((r) => r.schema).filter((s) => !schemas.includes(s)))];
  const reached = new Set(relations.map((r) => r.oid));
  const rest = await connection.rows<{ oid: string; schema: string; relname: string }>(
    'listing what not to back up',
    `SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p', 'm', 'v', 'f', 'S')`,
    [others],
  );
  return [
    ...[...schemas, ...others].map((s) => `--schema=${quoteIdent(s)}`),
    ...rest.filter((r) => !reached.has(Number(r.oid))).map((r) => `--exclude-table=${qualified(r)}`),
  ];
}

/**
 * What the guard recorded of a backup: what it holds, the proof it restores, and where it is. The manifest format
 * is the one of every pgwarden backup (backup/manifest.ts), with the guard's own fields.
 */
export interface BackupManifest extends ManifestBase {
  readonly kind: 'guard';
  /** The dump (custom format); null when there was nothing to dump (every table reached was proven empty). */
  readonly file: string | null;
  /** This manifest, written beside the dump. */
  readonly manifest: string | null;
  readonly sha256: string | null;
  /** Every relation the destructive statements reach, as named before the migration. */
  readonly tables: readonly string[];
  readonly schemas: readonly string[];
  /** Tables proven empty under the lock (not dumped when nothing else needed a dump). */
  readonly empty: readonly string[];
  /** With no dump: the definitions of the views reached, and the sequences' last values. */
  readonly definitions: Readonly<Record<string, string>>;
  /** The proof: every row of the dump read back by pg_restore, and the counts equal to those under the lock. */
  readonly verified: {
    readonly method: string;
    readonly tablesWithData: readonly string[];
    readonly rows: Readonly<Record<string, number>>;
  } | null;
  /** Set when the backup is conservative (the whole database), with why. */
  readonly conservative: readonly string[] | null;
  readonly reason: string;
}

/**
 * Backs up the relations (structure and rows) and schemas a migration destroys with pg_dump (custom format), then
 * proves the dump: pg_restore reads every row of it back, and the rows of each table must equal the count taken
 * under the guard's lock in the snapshot pg_dump read. A dump that does not restore, or restores other counts,
 * refuses the migration (exit 3). Tables proven empty under the lock need no dump: when every table reached is
 * empty, none is taken, and the manifest records them as empty (views: their definitions).
 *
 * With `inTransaction`, the connection is in the migration's own transaction: the tables are locked against
 * writes (SHARE) there and pg_dump reads that transaction's snapshot, so the backup holds exactly the rows the
 * migration is about to destroy. Without, the guard opens a REPEATABLE READ transaction of its own for the counts
 * and the dump, and ends it before the migration runs.
 */
export async function takeBackup(input: {
  readonly connection: Connection;
  readonly url: string;
  readonly dir: string;
  readonly label: string;
  readonly relations: readonly ReachedRelation[];
  readonly schemas: readonly string[];
  /** The whole database: a dump of everything instead of a list of tables. */
  readonly wholeDatabase?: readonly string[];
  readonly inTransaction: boolean;
  readonly lockTimeout?: string;
  readonly reason: string;
}): Promise<BackupManifest> {
  const { connection } = input;
  if (!input.inTransaction) await connection.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  try {
    const manifest = await backupInTransaction(input);
    if (!input.inTransaction) await connection.query('COMMIT');
    return manifest;
  } catch (error) {
    if (!input.inTransaction) await connection.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

async function backupInTransaction(input: Parameters<typeof takeBackup>[0]): Promise<BackupManifest> {
  const started = Date.now();
  const { connection, relations } = input;
  const server = (
    await connection.rows<{ num: string; text: string }>(
      'reading the server version',
      `SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS text`,
    )
  )[0]!;
  const serverMajor = Math.floor(Number(server.num) / 10_000);
  if (input.lockTimeout)
    await connection.query(`SELECT set_config('lock_timeout', $1, true)`, [input.lockTimeout]);
  const inSchemas = await connection.rows<{ schema: string; relname: string }>(
    'listing the tables of the schemas to back up',
    `SELECT n.nspname AS schema, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p')`,
    [input.schemas],
  );
  const lockable = [
    ...new Set([
      ...relations.filter((r) => r.kind === 'r' || r.kind === 'p').map(qualified),
      ...inSchemas.map(qualified),
    ]),
  ];
  if (lockable.length > 0) await connection.query(`LOCK TABLE ${lockable.join(', ')} IN SHARE MODE`);
  // Locked by name: each name must still be the relation the plan found (no rename or drop slipped in between).
  const now = await connection.rows<{ oid: string; name: string }>(
    'checking the relations to back up',
    `SELECT c.oid::int8 AS oid, n.nspname || '.' || c.relname AS name FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ANY($1::oid[])`,
    [relations.map((r) => r.oid)],
  );
  const names = new Map(now.map((r) => [Number(r.oid), r.name]));
  const moved = relations.filter((r) => names.get(r.oid) !== r.name);
  if (moved.length > 0) {
    throw new PgwardenError(
      'guard-refused',
      `${moved.map((r) => r.name).join(', ')} changed (renamed or dropped by another session) while the guard planned ${input.label}`,
      { hint: 'nothing was applied; run again' },
    );
  }

  // Counted under the lock: the rows each table holds itself (its children are counted as themselves).
  const counted = relations.filter((r) => r.kind === 'r' || (r.kind === 'm' && r.populated));
  const rowCounts: Record<string, number> = {};
  for (let i = 0; i < counted.length; i += 200) {
    const chunk = counted.slice(i, i + 200);
    const { rows } = await connection.query<{ name: string; n: string }>(
      chunk
        .map(
          (r, j) =>
            `SELECT $${j + 1}::text AS name, count(*) AS n FROM ${r.kind === 'r' ? 'ONLY ' : ''}${qualified(r)}`,
        )
        .join(' UNION ALL '),
      chunk.map((r) => r.name),
    );
    for (const row of rows) rowCounts[row.name] = Number(row.n);
  }
  const empty = counted.filter((r) => rowCounts[r.name] === 0).map((r) => r.name);
  const needsDump =
    input.schemas.length > 0 ||
    relations.some(
      (r) =>
        (r.kind !== 'v' && r.kind !== 'p' && !empty.includes(r.name)) || (r.kind === 'm' && !r.populated),
    );
  const base = {
    format: MANIFEST_FORMAT,
    kind: 'guard' as const,
    createdAt: new Date().toISOString(),
    database: redactUrl(input.url),
    serverVersion: server.text,
    tables: relations.map((r) => r.name),
    schemas: input.schemas,
    rowCounts,
    empty,
    conservative: input.wholeDatabase ?? null,
    reason: input.reason,
  };
  if (!needsDump) {
    const views = relations.filter((r) => r.kind === 'v');
    const definitions: Record<string, string> = {};
    for (const view of views) {
      const [row] = await connection.rows<{ definition: string }>(
        'reading a view definition',
        'SELECT pg_get_viewdef($1::oid) AS definition',
        [view.oid],
      );
      definitions[view.name] = row!.definition;
    }
    return {
      ...base,
      durationMs: Date.now() - started,
      file: null,
      manifest: null,
      sha256: null,
      files: [],
      bytes: 0,
      pgDumpVersion: null,
      definitions,
      verified: { method: 'every table reached counted empty under the lock', tablesWithData: [], rows: {} },
    };
  }

  const tools = await requireGuardTools(serverMajor);
  const snapshot = (
    await connection.rows<{ id: string }>('exporting the snapshot', 'SELECT pg_export_snapshot() AS id')
  )[0]!.id;
  await mkdir(input.dir, { recursive: true });
  const file = backupFileName(input.dir, input.label);
  const target = dumpConnection(input.url);
  const args = [
    '--format=custom',
    `--file=${file}`,
    '--no-password',
    `--snapshot=${snapshot}`,
    ...(input.lockTimeout ? [`--lock-wait-timeout=${input.lockTimeout}`] : []),
    ...(input.wholeDatabase ? [] : await selection(connection, relations, input.schemas)),
    `--dbname=${target.dbname}`,
  ];
  try {
    await run(tool('pg_dump'), args, { env: target.env, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    throw new PgwardenError(
      'guard-refused',
      `pg_dump failed, so ${input.label} does not run: ${((error as { stderr?: string }).stderr ?? '').trim().split('\n')[0]}`,
      { hint: 'fix the backup (permissions, disk space) and run again', cause: error },
    );
  }
  const sha256 = await fileSha256(file);
  const restored = await restoredCounts(file);
  const problems: string[] = [];
  for (const r of counted) {
    const expected = rowCounts[r.name]!;
    if (r.kind === 'm') {
      if (!restored.matviewData.has(r.name)) problems.push(`${r.name}: its data is not in the dump`);
      continue;
    }
    const got = restored.rows[r.name];
    if (got === undefined && expected > 0)
      problems.push(`${r.name}: no rows in the dump, ${formatCount(expected)} in the table`);
    else if (got !== undefined && got !== expected)
      problems.push(`${r.name}: ${formatCount(got)} rows in the dump, ${formatCount(expected)} in the table`);
  }
  if (problems.length > 0) {
    throw new PgwardenError(
      'guard-refused',
      `the backup ${file} does not hold what it must: ${problems.join('; ')}`,
      {
        hint: 'the role may lack SELECT on them, or the dump was damaged; the destructive statement does not run',
      },
    );
  }
  if ((await fileSha256(file)) !== sha256)
    throw new PgwardenError('guard-refused', `the backup ${file} changed while it was verified`);
  const bytes = (await stat(file)).size;
  const manifest: BackupManifest = {
    ...base,
    durationMs: Date.now() - started,
    file,
    manifest: `${file}.json`,
    sha256,
    files: [{ path: basename(file), sha256, bytes }],
    bytes,
    pgDumpVersion: tools.pgDump,
    definitions: {},
    verified: {
      method: 'pg_restore read every row back; each table’s rows equal its count under the lock',
      tablesWithData: counted
        .filter((r) => (restored.rows[r.name] ?? 0) > 0 || restored.matviewData.has(r.name))
        .map((r) => r.name),
      rows: Object.fromEntries(
        counted.filter((r) => r.kind !== 'm').map((r) => [r.name, restored.rows[r.name] ?? 0]),
      ),
    },
  };
  await writeFile(`${file}.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * A new backup file's name: the label, the time to the second (for people), and a random part, because two runs
 * of the same migration in the same second must not write, then verify, the same file.
 */
export function backupFileName(dir: string, label: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  return join(dir, `${label}-${stamp}-${randomBytes(4).toString('hex')}.dump`);
}
