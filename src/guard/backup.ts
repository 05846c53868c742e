import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PgwardenError } from '../core/errors.js';
import { redactUrl } from '../core/redact.js';
import type { Connection } from '../db/connection.js';

const run = promisify(execFile);

/** What the guard recorded of a backup: enough to find it, check it is intact, and know what it holds. */
export interface BackupManifest {
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly createdAt: string;
  readonly database: string;
  readonly serverVersion: string;
  readonly pgDumpVersion: string;
  readonly tables: readonly string[];
  readonly schemas: readonly string[];
  /** Row counts when the backup was taken. */
  readonly rowCounts: Readonly<Record<string, number>>;
  /** What `pg_restore --list` found in the file: proof it can be read back. */
  readonly verified: { readonly entries: number; readonly tablesWithData: readonly string[] };
  readonly reason: string;
}

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

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** `schema.table` as pg_dump's --table pattern expects (quoted where needed, so it matches exactly one table). */
function tablePattern(qualified: string): string {
  const dot = qualified.indexOf('.');
  return `${quoteIdent(qualified.slice(0, dot))}.${quoteIdent(qualified.slice(dot + 1))}`;
}

/**
 * The tables a destruction reaches: the named ones, their partitions and inheritance children (dropped, emptied
 * or deleted from with them), and the tables foreign keys carry it to. Only tables that exist are returned.
 */
async function reachedTables(
  connection: Connection,
  tables: readonly string[],
  referencedBy: ReadonlyMap<string, 'truncate' | 'delete'>,
): Promise<{ name: string; kind: string }[]> {
  if (tables.length === 0) return [];
  return connection.rows<{ name: string; kind: string }>(
    'finding the tables a destructive statement reaches',
    // An unqualified name in the migration arrives as public.name: it is also resolved on the search path, and
    // both tables are kept when they differ (backing up one too many is cheap; one too few is not).
    `WITH RECURSIVE named AS (
       SELECT DISTINCT r.oid, t.input AS name FROM unnest($1::text[]) AS t(input)
         CROSS JOIN LATERAL (VALUES
           (to_regclass(quote_ident(split_part(t.input, '.', 1)) || '.' || quote_ident(substr(t.input, strpos(t.input, '.') + 1)))),
           (CASE WHEN t.input LIKE 'public.%' THEN to_regclass(quote_ident(substr(t.input, 8))) END)
         ) AS r(oid)
        WHERE r.oid IS NOT NULL
     ), reached(oid, via) AS (
       SELECT oid::oid, CASE WHEN name = ANY($2::text[]) THEN 'truncate' WHEN name = ANY($3::text[]) THEN 'delete' END FROM named
       UNION
       SELECT next.oid, r.via FROM reached r CROSS JOIN LATERAL (
         SELECT i.inhrelid AS oid FROM pg_inherits i WHERE i.inhparent = r.oid
         UNION ALL
         SELECT f.conrelid FROM pg_constraint f WHERE f.confrelid = r.oid AND f.contype = 'f'
            AND (r.via = 'truncate' OR (r.via = 'delete' AND f.confdeltype IN ('c', 'n', 'd')))
       ) next
     )
     SELECT DISTINCT n.nspname || '.' || c.relname AS name, c.relkind::text AS kind FROM reached r JOIN pg_class c ON c.oid = r.oid
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm', 'f') ORDER BY 1`,
    [
      tables,
      [...referencedBy].filter(([, via]) => via === 'truncate').map(([t]) => t),
      [...referencedBy].filter(([, via]) => via === 'delete').map(([t]) => t),
    ],
  );
}

/**
 * Backs up exactly the tables (structure and rows) and schemas a migration destroys with pg_dump (custom
 * format) — or returns null when none of them exists, as nothing can be lost — then proves the file is usable: pg_restore --list must read it and name every table's data. Refuses
 * (exit 3) when pg_dump is missing or older than the server, which it cannot dump.
 *
 * With `inTransaction`, the connection is in the migration's own transaction: the tables are locked against
 * writes (SHARE) there and pg_dump reads that transaction's snapshot, so the backup holds exactly the rows the
 * migration is about to destroy — no write can land between the backup and the statement.
 */
export async function takeBackup(input: {
  readonly connection: Connection;
  readonly url: string;
  readonly dir: string;
  readonly label: string;
  readonly tables: readonly string[];
  readonly schemas: readonly string[];
  readonly referencedBy?: ReadonlyMap<string, 'truncate' | 'delete'>;
  readonly inTransaction?: boolean;
  readonly lockTimeout?: string;
  readonly reason: string;
}): Promise<BackupManifest | null> {
  const server = (
    await input.connection.rows<{ num: string; text: string }>(
      'reading the server version',
      `SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS text`,
    )
  )[0]!;
  const serverMajor = Math.floor(Number(server.num) / 10_000);
  const reached = await reachedTables(input.connection, input.tables, input.referencedBy ?? new Map());
  const tables = reached.map((r) => r.name);
  // A foreign table's rows live on the remote server: only its definition is dumped (and lost by a DROP).
  const counted = reached.filter((r) => r.kind !== 'f').map((r) => r.name);
  // A partitioned table holds no rows itself: its partitions (reached too) carry the data.
  const withData = reached.filter((r) => r.kind !== 'f' && r.kind !== 'p').map((r) => r.name);
  const lockable = reached.filter((r) => r.kind === 'r' || r.kind === 'p').map((r) => r.name);
  const schemas = (
    await input.connection.rows<{ name: string }>(
      'listing the schemas to back up',
      'SELECT nspname AS name FROM pg_namespace WHERE nspname = ANY($1::text[]) ORDER BY 1',
      [input.schemas],
    )
  ).map((r) => r.name);
  // Nothing there (DROP … IF EXISTS of something already gone): nothing can be lost, so nothing to back up.
  if (tables.length === 0 && schemas.length === 0) return null;
  const tools = await requireGuardTools(serverMajor);
  let snapshot: string | undefined;
  if (input.inTransaction) {
    const inSchemas = await input.connection.rows<{ name: string }>(
      'listing the tables of the schemas to back up',
      `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p')`,
      [schemas],
    );
    const locked = [...new Set([...lockable, ...inSchemas.map((r) => r.name)])];
    if (locked.length > 0)
      await input.connection.query(`LOCK TABLE ${locked.map(tablePattern).join(', ')} IN SHARE MODE`);
    snapshot = (
      await input.connection.rows<{ id: string }>(
        'exporting the snapshot',
        'SELECT pg_export_snapshot() AS id',
      )
    )[0]!.id;
  }
  const rowCounts: Record<string, number> = {};
  for (const table of counted) {
    const { rows } = await input.connection.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${tablePattern(table)}`,
    );
    rowCounts[table] = Number(rows[0]!.n);
  }

  await mkdir(input.dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const file = join(input.dir, `${input.label}-${stamp}.dump`);
  const url = new URL(input.url);
  const password = decodeURIComponent(url.password);
  url.password = '';
  const args = [
    '--format=custom',
    `--file=${file}`,
    '--no-password',
    ...(snapshot ? [`--snapshot=${snapshot}`] : []),
    ...(input.lockTimeout ? [`--lock-wait-timeout=${input.lockTimeout}`] : []),
    ...tables.map((t) => `--table=${tablePattern(t)}`),
    ...schemas.map((s) => `--schema=${quoteIdent(s)}`),
    `--dbname=${url.toString()}`,
  ];
  try {
    await run(tool('pg_dump'), args, {
      env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    throw new PgwardenError(
      'guard-refused',
      `pg_dump failed, so ${input.label} does not run: ${((error as { stderr?: string }).stderr ?? '').trim().split('\n')[0]}`,
      {
        hint: 'fix the backup (permissions, disk space) and run again',
        cause: error,
      },
    );
  }
  let listing: string;
  try {
    listing = (await run(tool('pg_restore'), ['--list', file], { maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    throw new PgwardenError('guard-refused', `the backup ${file} cannot be read back by pg_restore`, {
      cause: error,
    });
  }
  const entries = listing.split('\n').filter((line) => /^\d+;/.test(line));
  const tablesWithData = withData.filter((table) => {
    const [schema, name] = [table.slice(0, table.indexOf('.')), table.slice(table.indexOf('.') + 1)];
    return entries.some(
      (line) =>
        (line.includes(' TABLE DATA ') && line.includes(` ${schema} ${name} `)) ||
        (line.includes(' MATERIALIZED VIEW DATA ') && line.includes(` ${schema} ${name} `)),
    );
  });
  const missing = withData.filter((t) => !tablesWithData.includes(t));
  if (missing.length > 0) {
    throw new PgwardenError('guard-refused', `the backup ${file} lacks the data of ${missing.join(', ')}`, {
      hint: 'the role may lack SELECT on them; the destructive statement does not run',
    });
  }
  const manifest: BackupManifest = {
    file,
    sha256: await fileSha256(file),
    bytes: (await stat(file)).size,
    createdAt: new Date().toISOString(),
    database: redactUrl(input.url),
    serverVersion: server.text,
    pgDumpVersion: tools.pgDump,
    tables,
    schemas,
    rowCounts,
    verified: { entries: entries.length, tablesWithData },
    reason: input.reason,
  };
  await writeFile(`${file}.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
