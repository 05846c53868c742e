/**
 * `migrate`: the migration runner.
 *
 * 1. `migrate up` of 1,000 small migrations (a table, a column, an index, a column with a comment, in turn) on a
 *    fresh database of the PostgreSQL service, pgwarden side by side with dbmate and node-pg-migrate (same SQL,
 *    same server, one run), against a baseline: the same SQL sent directly over one `pg` session, each migration
 *    in its own transaction. Every run is checked: all objects present, one history row per migration.
 *    One more run of pgwarden, through the library in a fresh process with every query timed, shows where its
 *    time goes.
 * 2. `migrate verify` (up, down, up again per migration) of the first 300 of them, on the service and on the
 *    embedded PostgreSQL 18; pgwarden only (no other tool does this). The verdict must be all reversible.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import type { DatabaseTarget } from '../src/index.js';
import {
  type BenchOptions,
  distPath,
  ensurePeers,
  fmtInt,
  fmtMiB,
  fmtMs,
  fmtRatio,
  type GoalLine,
  type Lib,
  loadLib,
  log,
  mdTable,
  median,
  mkdirShared,
  now,
  onCleanup,
  PEER_VERSIONS,
  RESULTS_DIR,
  ROOT,
  sharedTempDir,
  sleep,
  stats,
  strayServers,
  yesNo,
} from './lib.js';

// ---------------------------------------------------------------------------------------------------------------
// Settings

export interface MigrateSettings {
  /** `migrate up`: migrations applied by each tool. */
  readonly migrations: number;
  /** `migrate up`: measured rounds (after one warm-up round). */
  readonly migrateRuns: number;
  /** `migrate verify`: migrations verified (the first ones of the same set). */
  readonly verifyMigrations: number;
  /** `migrate verify`: measured runs per server. */
  readonly verifyRuns: number;
}

export const DEFAULT_MIGRATE_SETTINGS: MigrateSettings = {
  migrations: 1000,
  migrateRuns: 5,
  verifyMigrations: 300,
  verifyRuns: 3,
};

/** Per process run: a stuck tool must not stall the whole benchmark. */
const PROCESS_TIMEOUT_MS = 10 * 60_000;

// ---------------------------------------------------------------------------------------------------------------
// Result

export type ToolId = 'baseline' | 'pgwarden' | 'dbmate' | 'node-pg-migrate' | 'node-pg-migrate-single';

export interface ApplySample {
  /** From spawn to exit (the baseline: from connect to the last COMMIT, in the harness). */
  readonly ms: number;
  /** Rows of the tool's history table naming one of the migrations (null for the baseline). */
  readonly historyRows: number | null;
  /** Migrations whose objects are in the database afterwards. */
  readonly objectsFound: number;
  readonly ok: boolean;
  /** CPU time (user + system) of the tool's process and its children, from GNU time; the baseline: the harness's. */
  readonly cpuMs: number | null;
  /** Peak resident set size of the tool's process (GNU time); null for the baseline. */
  readonly maxRssBytes: number | null;
}

export interface ToolResult {
  readonly id: ToolId;
  readonly label: string;
  readonly version: string;
  /** How it was run (URL and folders replaced by placeholders). */
  readonly command: string;
  /** Its history table, or null. */
  readonly history: string | null;
  /** How it wraps the migrations in transactions. */
  readonly transactions: string;
  readonly warmup: ApplySample;
  readonly samples: ApplySample[];
}

/** One line of the breakdown of pgwarden's own run: a kind of query, and the JavaScript work just before it. */
export interface BreakdownStep {
  readonly label: string;
  readonly calls: number;
  /** Time inside the queries (round trip, server work, parsing the rows). */
  readonly queryMs: number;
  /** Time between the end of the previous query (on any connection) and the start of these: JavaScript work. */
  readonly jsBeforeMs: number;
}

export interface Breakdown {
  /** Node start to exit of the fresh process, minus the harness's own work in it. */
  readonly processMs: number;
  readonly importMs: number;
  /** migrateUp() itself. */
  readonly migrateUpMs: number;
  readonly steps: BreakdownStep[];
  /** After the last query until migrateUp() returned. */
  readonly tailMs: number;
  readonly applied: number;
  /** CPU time (user + system) of the whole process, all threads, until migrateUp() returned. */
  readonly cpuMs: number;
  readonly ok: boolean;
}

export interface VerifySample {
  /** From spawn to exit of `pgwarden migrate verify`. */
  readonly processMs: number;
  /** pgwarden's own timer of the verification (scratch database created and dropped included). */
  readonly verifyMs: number;
  readonly exitCode: number | null;
  readonly verified: number;
  readonly verdicts: Record<string, number>;
  /** Mean time per migration (pgwarden's per-migration timer) over the first and the last tenth of them. */
  readonly firstTenthMs: number;
  readonly lastTenthMs: number;
  readonly ok: boolean;
}

export interface VerifyTarget {
  readonly name: string;
  readonly where: string;
  readonly serverVersion: string;
  readonly command: string;
  /** Embedded server only: the first run, on an empty cache folder (initdb), not among the samples. */
  readonly firstRun: VerifySample | null;
  readonly samples: VerifySample[];
}

export interface MigrateResult {
  readonly migrations: number;
  readonly runs: number;
  readonly verifyMigrations: number;
  readonly verifyRuns: number;
  /** The PostgreSQL service of part 1 (host:port, version), or null when it could not be reached. */
  readonly server: { readonly where: string; readonly version: string } | null;
  readonly tools: ToolResult[];
  readonly breakdown: Breakdown | null;
  readonly verify: VerifyTarget[];
  /** Failed checks (missing objects, history rows, verdicts, servers left running): the run failed. */
  readonly problems: string[];
  readonly skipped: { readonly name: string; readonly reason: string }[];
  readonly notes: string[];
  /** The machine's 1-minute load average at a few points of the run (other work on the machine shows here). */
  readonly load: { readonly at: string; readonly oneMinute: number }[];
  readonly cores: number;
}

// ---------------------------------------------------------------------------------------------------------------
// The migrations

export type MigrationKind = 'table' | 'column' | 'index' | 'comment';

export interface MigrationSpec {
  readonly version: string;
  readonly name: string;
  readonly table: string;
  readonly kind: MigrationKind;
  readonly up: string;
  readonly down: string;
}

const KINDS: readonly MigrationKind[] = ['table', 'column', 'index', 'comment'];
const VERSION_ORIGIN = Date.UTC(2024, 0, 1);

/** YYYYMMDDHHMMSS, one second apart: dbmate's and pgwarden's layout, and a number for node-pg-migrate. */
function versionOf(index: number): string {
  return new Date(VERSION_ORIGIN + index * 1000).toISOString().replace(/\D/g, '').slice(0, 14);
}

/** Migration i (1-based) works on table ceil(i / 4): creates it, adds a column, an index, a commented column. */
export function migrationSpecs(count: number): MigrationSpec[] {
  const width = Math.max(4, String(Math.ceil(count / 4)).length);
  const specs: MigrationSpec[] = [];
  for (let i = 1; i <= count; i++) {
    const table = `bench_t${String(Math.ceil(i / 4)).padStart(width, '0')}`;
    const kind = KINDS[(i - 1) % 4]!;
    const version = versionOf(i);
    const by: Record<MigrationKind, { name: string; up: string; down: string }> = {
      table: {
        name: `create_${table}`,
        up: `CREATE TABLE ${table} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  name text NOT NULL,\n  created_at timestamptz NOT NULL DEFAULT now()\n);`,
        down: `DROP TABLE ${table};`,
      },
      column: {
        name: `add_${table}_status`,
        up: `ALTER TABLE ${table} ADD COLUMN status text NOT NULL DEFAULT 'new';`,
        down: `ALTER TABLE ${table} DROP COLUMN status;`,
      },
      index: {
        name: `index_${table}_name`,
        up: `CREATE INDEX ${table}_name_idx ON ${table} (name);`,
        down: `DROP INDEX ${table}_name_idx;`,
      },
      comment: {
        name: `add_${table}_amount`,
        up: `ALTER TABLE ${table} ADD COLUMN amount numeric(12, 2);\nCOMMENT ON COLUMN ${table}.amount IS 'amount in EUR';`,
        down: `ALTER TABLE ${table} DROP COLUMN amount;`,
      },
    };
    specs.push({ version, table, kind, ...by[kind] });
  }
  return specs;
}

const fileName = (spec: MigrationSpec) => `${spec.version}_${spec.name}.sql`;

/** dbmate's layout, which pgwarden reads natively. */
export function nativeFile(spec: MigrationSpec): string {
  return `-- migrate:up\n${spec.up}\n\n-- migrate:down\n${spec.down}\n`;
}

/** node-pg-migrate's SQL layout (a `.sql` file with `-- Up Migration` / `-- Down Migration`). */
function nodePgMigrateFile(spec: MigrationSpec): string {
  return `-- Up Migration\n${spec.up}\n\n-- Down Migration\n${spec.down}\n`;
}

export function writeMigrations(
  dir: string,
  specs: readonly MigrationSpec[],
  render: (s: MigrationSpec) => string,
) {
  mkdirShared(dir);
  for (const spec of specs) writeFileSync(join(dir, fileName(spec)), render(spec), { mode: 0o644 });
  return dir;
}

// ---------------------------------------------------------------------------------------------------------------
// Databases

export async function connect(url: string): Promise<pg.Client> {
  const { default: pgModule } = await import('pg');
  const client = new pgModule.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  return client;
}

async function adminQuery(serverUrl: string, sql: (client: pg.Client) => string): Promise<void> {
  const client = await connect(serverUrl);
  try {
    await client.query(sql(client));
  } finally {
    await client.end().catch(() => {});
  }
}

/** A new database on the server, dropped by the returned function (or by the clean-up, on failure or Ctrl-C). */
async function freshDatabase(
  lib: Lib,
  serverUrl: string,
  label: string,
): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `pgwarden_bench_mig_${label.replace(/\W/g, '_')}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await adminQuery(serverUrl, (c) => `CREATE DATABASE ${c.escapeIdentifier(name)}`);
  const drop = onCleanup(() =>
    adminQuery(serverUrl, (c) => `DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`),
  );
  return { name, url: lib.withDatabase(serverUrl, name), drop };
}

interface TableState {
  readonly columns: Set<string>;
  readonly indexes: Set<string>;
  readonly amountComment: string | null;
}

async function readTables(client: pg.Client): Promise<Map<string, TableState>> {
  const { rows } = await client.query<{
    table: string;
    columns: string[];
    indexes: string[];
    amount_comment: string | null;
  }>(
    `SELECT c.relname::text AS table,
            array(SELECT a.attname::text FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
            array(SELECT i.relname::text FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                   WHERE x.indrelid = c.oid) AS indexes,
            col_description(c.oid, (SELECT a.attnum FROM pg_attribute a
                                     WHERE a.attrelid = c.oid AND a.attname = 'amount' AND NOT a.attisdropped))
              AS amount_comment
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname LIKE 'bench\\_t%'`,
  );
  return new Map(
    rows.map((r) => [
      r.table,
      { columns: new Set(r.columns), indexes: new Set(r.indexes), amountComment: r.amount_comment },
    ]),
  );
}

function objectPresent(spec: MigrationSpec, tables: Map<string, TableState>): boolean {
  const t = tables.get(spec.table);
  if (!t) return false;
  switch (spec.kind) {
    case 'table':
      return (
        ['id', 'name', 'created_at'].every((c) => t.columns.has(c)) && t.indexes.has(`${spec.table}_pkey`)
      );
    case 'column':
      return t.columns.has('status');
    case 'index':
      return t.indexes.has(`${spec.table}_name_idx`);
    case 'comment':
      return t.columns.has('amount') && t.amountComment === 'amount in EUR';
  }
}

interface HistorySpec {
  /** Rows naming one of the migrations. */
  readonly sql: string;
  readonly keys: (specs: readonly MigrationSpec[]) => string[];
  readonly table: string;
}

const HISTORY: Record<Exclude<ToolId, 'baseline'>, HistorySpec> = {
  pgwarden: {
    table: 'pgwarden.migrations',
    sql: `SELECT count(*)::int AS n FROM pgwarden.migrations WHERE status = 'applied' AND version = ANY($1)`,
    keys: (specs) => specs.map((s) => s.version),
  },
  dbmate: {
    table: 'public.schema_migrations',
    sql: 'SELECT count(*)::int AS n FROM public.schema_migrations WHERE version = ANY($1)',
    keys: (specs) => specs.map((s) => s.version),
  },
  'node-pg-migrate': {
    table: 'public.pgmigrations',
    sql: 'SELECT count(*)::int AS n FROM public.pgmigrations WHERE name = ANY($1)',
    keys: (specs) => specs.map((s) => `${s.version}_${s.name}`),
  },
  'node-pg-migrate-single': {
    table: 'public.pgmigrations',
    sql: 'SELECT count(*)::int AS n FROM public.pgmigrations WHERE name = ANY($1)',
    keys: (specs) => specs.map((s) => `${s.version}_${s.name}`),
  },
};

/** What a run left in its database: the migrations whose objects exist, and the tool's history rows. */
async function checkDatabase(
  url: string,
  tool: ToolId,
  specs: readonly MigrationSpec[],
): Promise<{ objectsFound: number; historyRows: number | null; missing: string[] }> {
  const client = await connect(url);
  try {
    const tables = await readTables(client);
    const missing = specs.filter((s) => !objectPresent(s, tables)).map((s) => `${s.version}_${s.name}`);
    let historyRows: number | null = null;
    if (tool !== 'baseline') {
      const history = HISTORY[tool];
      try {
        historyRows = (await client.query<{ n: number }>(history.sql, [history.keys(specs)])).rows[0]!.n;
      } catch (error) {
        log(`migrate: ${tool}: cannot read ${history.table}: ${(error as Error).message}`);
        historyRows = 0;
      }
    }
    return { objectsFound: specs.length - missing.length, historyRows, missing };
  } finally {
    await client.end().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Processes

interface ProcessRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly ms: number;
  readonly stdout: string;
  readonly stderr: string;
  /** With `usage` and GNU time installed: user + system CPU time, and peak RSS. */
  readonly cpuMs: number | null;
  readonly maxRssBytes: number | null;
}

const GNU_TIME = '/usr/bin/time';
/** Relative to the process's folder: no command line may hold the harness's temporary prefix (see runMigrate). */
const TIME_FILE = 'time.txt';

/** Runs a command to its end, timed from spawn to exit; stopped by the clean-up on failure or Ctrl-C. */
export function runProcess(
  file: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number; usage?: boolean },
): Promise<ProcessRun> {
  const usage = options.usage === true && existsSync(GNU_TIME);
  const timeFile = join(options.cwd, TIME_FILE);
  if (usage) rmSync(timeFile, { force: true });
  const [command, commandArgs] = usage
    ? [GNU_TIME, ['-f', '%U %S %M', '-o', TIME_FILE, file, ...args]]
    : [file, [...args]];
  return new Promise((resolve, reject) => {
    const start = now();
    const child = spawn(command, commandArgs, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timeoutMs = options.timeoutMs ?? PROCESS_TIMEOUT_MS;
    const timer = setTimeout(() => {
      log(`migrate: ${file} timed out after ${timeoutMs} ms: SIGINT`);
      child.kill('SIGINT');
    }, timeoutMs);
    const stop = onCleanup(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      void stop();
      reject(error);
    });
    child.on('close', (code, signal) => {
      const ms = now() - start;
      clearTimeout(timer);
      void stop();
      let cpuMs: number | null = null;
      let maxRssBytes: number | null = null;
      if (usage && existsSync(timeFile)) {
        // The last line (a line before it says so when the command failed): user s, system s, peak RSS KiB.
        const [user, sys, rss] = readFileSync(timeFile, 'utf8')
          .trim()
          .split('\n')
          .at(-1)!
          .split(' ')
          .map(Number);
        if (Number.isFinite(user) && Number.isFinite(sys)) cpuMs = (user! + sys!) * 1000;
        if (Number.isFinite(rss)) maxRssBytes = rss! * 1024;
      }
      resolve({
        code,
        signal,
        ms,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        cpuMs,
        maxRssBytes,
      });
    });
  });
}

function tail(run: ProcessRun): string {
  const text = `${run.stderr.trim()}\n${run.stdout.trim()}`.trim();
  return text.split('\n').slice(-12).join('\n');
}

/** The environment of a tool: no DATABASE_URL of the caller's (each tool is told where to go). */
function toolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  if (!('DATABASE_URL' in extra)) delete env.DATABASE_URL;
  return env;
}

function binScript(name: string): string {
  const link = join(ROOT, 'node_modules', '.bin', name);
  if (!existsSync(link)) throw new Error(`bench: ${link} is missing: run "npm ci"`);
  return realpathSync(link);
}

export function peerScript(name: string): string {
  return realpathSync(join(ensurePeers(), 'node_modules', '.bin', name));
}

function packageVersion(name: string): string {
  try {
    return (
      JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return 'unknown';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Part 1: migrate up

interface Tool {
  readonly id: ToolId;
  readonly label: string;
  readonly version: string;
  readonly command: string;
  readonly transactions: string;
  /** Applies every migration to the database at `url`. */
  run(url: string): Promise<Measured>;
}

interface Measured {
  readonly ms: number;
  readonly cpuMs: number | null;
  readonly maxRssBytes: number | null;
}

/** The same SQL sent directly: one `pg` session, per migration one simple query `BEGIN; <up>; COMMIT;`. */
async function runBaseline(url: string, specs: readonly MigrationSpec[]): Promise<Measured> {
  const cpu = process.cpuUsage();
  const start = now();
  const client = await connect(url);
  try {
    for (const spec of specs) await client.query(`BEGIN;\n${spec.up}\nCOMMIT;`);
  } finally {
    await client.end().catch(() => {});
  }
  const ms = now() - start;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, maxRssBytes: null };
}

function processTool(
  id: ToolId,
  describe: { label: string; version: string; command: string; transactions: string },
  invocation: (url: string) => { file: string; args: string[]; env: NodeJS.ProcessEnv },
  cwd: string,
): Tool {
  return {
    id,
    ...describe,
    run: async (url) => {
      const { file, args, env } = invocation(url);
      const run = await runProcess(file, args, { cwd, env, usage: true });
      if (run.code !== 0)
        throw new Error(`${describe.label} exited with ${run.code ?? run.signal}:\n${tail(run)}`);
      return { ms: run.ms, cpuMs: run.cpuMs, maxRssBytes: run.maxRssBytes };
    },
  };
}

/** dbmate (lib/pq) does not fall back to plain text: on a server without SSL it needs sslmode=disable. */
function dbmateUrl(url: string, serverHasSsl: boolean): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('sslmode') && !serverHasSsl) parsed.searchParams.set('sslmode', 'disable');
  return parsed.toString();
}

export async function dbmateVersion(script: string): Promise<string> {
  const run = await runProcess(process.execPath, [script, '--version'], { cwd: ROOT, env: toolEnv() });
  return /(\d+\.\d+\.\d+)/.exec(run.stdout)?.[1] ?? PEER_VERSIONS.dbmate;
}

export function makeTools(
  lib: Lib,
  work: string,
  dirs: { native: string; nodePgMigrate: string },
  specs: readonly MigrationSpec[],
  versions: { dbmate: string },
  serverHasSsl: boolean,
): Tool[] {
  const cli = distPath('bin/pgwarden.js');
  const dbmate = peerScript('dbmate');
  const npm = binScript('node-pg-migrate');
  const npmVersion = packageVersion('node-pg-migrate');
  const npmArgs = (single: boolean) => [
    npm,
    'up',
    '--migrations-dir',
    dirs.nodePgMigrate,
    ...(single ? [] : ['--no-single-transaction']),
  ];
  return [
    {
      id: 'baseline',
      label: 'baseline: the same SQL over one `pg` session',
      version: `pg ${packageVersion('pg')}`,
      command: 'per migration: `BEGIN; <up section>; COMMIT;` as one simple query, in the harness process',
      transactions: 'one per migration',
      run: (url) => runBaseline(url, specs),
    },
    processTool(
      'pgwarden',
      {
        label: 'pgwarden',
        version: lib.VERSION,
        command: 'node dist/bin/pgwarden.js migrate up --db $URL --dir $DIR',
        transactions: 'one per migration',
      },
      (url) => ({
        file: process.execPath,
        args: [cli, 'migrate', 'up', '--db', url, '--dir', dirs.native],
        env: toolEnv(),
      }),
      work,
    ),
    processTool(
      'dbmate',
      {
        label: 'dbmate',
        version: versions.dbmate,
        command: `bench/.peers/node_modules/.bin/dbmate --url $URL${serverHasSsl ? '' : '?sslmode=disable'} --migrations-dir $DIR --no-dump-schema up`,
        transactions: 'one per migration',
      },
      (url) => ({
        file: process.execPath,
        args: [
          dbmate,
          '--url',
          dbmateUrl(url, serverHasSsl),
          '--migrations-dir',
          dirs.native,
          '--no-dump-schema',
          'up',
        ],
        env: toolEnv(),
      }),
      work,
    ),
    processTool(
      'node-pg-migrate',
      {
        label: 'node-pg-migrate',
        version: npmVersion,
        command:
          'DATABASE_URL=$URL node_modules/.bin/node-pg-migrate up --migrations-dir $DIR --no-single-transaction',
        transactions: 'one per migration (`--no-single-transaction`)',
      },
      (url) => ({ file: process.execPath, args: npmArgs(false), env: toolEnv({ DATABASE_URL: url }) }),
      work,
    ),
    processTool(
      'node-pg-migrate-single',
      {
        label: 'node-pg-migrate, default options',
        version: npmVersion,
        command: 'DATABASE_URL=$URL node_modules/.bin/node-pg-migrate up --migrations-dir $DIR',
        transactions: 'one for all migrations (its default, `--single-transaction`)',
      },
      (url) => ({ file: process.execPath, args: npmArgs(true), env: toolEnv({ DATABASE_URL: url }) }),
      work,
    ),
  ];
}

export async function applyOnce(
  lib: Lib,
  serverUrl: string,
  tool: Tool,
  specs: readonly MigrationSpec[],
  problems: string[],
  label: string,
): Promise<ApplySample> {
  const db = await freshDatabase(lib, serverUrl, tool.id);
  try {
    const { ms, cpuMs, maxRssBytes } = await tool.run(db.url);
    const check = await checkDatabase(db.url, tool.id, specs);
    const historyOk = check.historyRows === null || check.historyRows === specs.length;
    const ok = check.missing.length === 0 && historyOk;
    if (!ok) {
      problems.push(
        `${label}: ${tool.label}: ${fmtInt(check.objectsFound)} of ${fmtInt(specs.length)} migrations' objects present` +
          (check.missing.length ? ` (missing: ${check.missing.slice(0, 5).join(', ')}…)` : '') +
          (check.historyRows === null ? '' : `, ${fmtInt(check.historyRows)} history rows`),
      );
    }
    return { ms, historyRows: check.historyRows, objectsFound: check.objectsFound, ok, cpuMs, maxRssBytes };
  } finally {
    await db.drop();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The breakdown of pgwarden's run (in a fresh process: bench/migrate-child.ts)

export interface MigrateChildTask {
  readonly url: string;
  readonly dir: string;
  readonly cwd: string;
  readonly resultFile: string;
}

export type MigrateChildResult = Omit<Breakdown, 'processMs' | 'ok'> & { readonly harnessMs: number };

const SNAPSHOT_QUERIES = 'catalog snapshot (loadSnapshot: BEGIN READ ONLY … ROLLBACK)';
const FIRST_STATEMENT = 'BEGIN + timeouts + the first statement (one query)';
const LAST_STATEMENT = 'the last statement + history INSERT + COMMIT (one query)';
const WHOLE_MIGRATION = 'BEGIN + timeouts + the only statement + history INSERT + COMMIT (one query)';

/** Times every query of the connections it wraps, and the JavaScript work between them. */
class Timeline {
  readonly steps = new Map<string, { calls: number; queryMs: number; jsBeforeMs: number }>();
  #lastEnd: number;
  #mode: 'none' | 'snapshot' | 'migration' = 'none';

  constructor(origin: number) {
    this.#lastEnd = origin;
  }

  get lastEnd(): number {
    return this.#lastEnd;
  }

  #classify(sql: string): string {
    const s = sql.trimStart();
    if (/^BEGIN\s+ISOLATION\s+LEVEL/i.test(s)) {
      this.#mode = 'snapshot';
      return SNAPSHOT_QUERIES;
    }
    if (this.#mode === 'snapshot') {
      if (/^(ROLLBACK|COMMIT)\b/i.test(s)) this.#mode = 'none';
      return SNAPSHOT_QUERIES;
    }
    // The runner sends BEGIN and the timeouts with the first statement, the history row and COMMIT with the last.
    const commits = /\bINSERT\s+INTO\s+"[^"]+"\."[^"]+"\s*\(version,[\s\S]*;\s*COMMIT\s*$/i.test(s);
    if (/^BEGIN\b/i.test(s)) {
      this.#mode = commits ? 'none' : 'migration';
      if (commits) return WHOLE_MIGRATION;
      return /^BEGIN;\s*SET LOCAL[^;]*;\s*SET LOCAL[^;]*;?\s*$/i.test(s)
        ? 'BEGIN + timeouts (before the guard)'
        : FIRST_STATEMENT;
    }
    if (this.#mode === 'migration') {
      if (commits) {
        this.#mode = 'none';
        return LAST_STATEMENT;
      }
      if (/^SET\s+LOCAL\s+lock_timeout/i.test(s)) return 'SET LOCAL lock_timeout';
      if (/^SET\s+LOCAL\s+statement_timeout/i.test(s)) return 'SET LOCAL statement_timeout';
      if (/^INSERT\s+INTO\s+"[^"]+"\."[^"]+"\s*\(version,/i.test(s)) return 'history INSERT';
      if (/^COMMIT\b/i.test(s)) {
        this.#mode = 'none';
        return 'COMMIT';
      }
      if (/^ROLLBACK\b/i.test(s)) {
        this.#mode = 'none';
        return 'ROLLBACK';
      }
      return "the migration's own statements";
    }
    if (/pg_(try_)?advisory_(un)?lock/i.test(s)) return 'migration lock (advisory lock, unlock)';
    if (
      /to_regclass|FROM\s+"[^"]+"\."[^"]+"\s*$/i.test(s) ||
      /^SELECT\s+version,\s*name,\s*checksum/i.test(s)
    )
      return 'reading the history';
    if (/^CREATE\s+(SCHEMA|TABLE)\s+IF\s+NOT\s+EXISTS/i.test(s)) return 'creating the history table';
    if (/^UPDATE\s/i.test(s)) return 'recording the schema fingerprint (UPDATE)';
    if (/^WITH\s+rel\b/i.test(s))
      return /\bUPDATE\s/i.test(s)
        ? 'recording the schema fingerprint (computed and stored by the server)'
        : 'drift check (the server compares fingerprints)';
    if (/server_version/i.test(s)) return 'server version';
    if (/pg_stat_activity|pg_locks/i.test(s)) return 'preflight (blocking sessions)';
    return 'other queries';
  }

  #add(label: string, start: number, end: number): void {
    const step = this.steps.get(label) ?? { calls: 0, queryMs: 0, jsBeforeMs: 0 };
    step.calls += 1;
    step.queryMs += end - start;
    step.jsBeforeMs += Math.max(0, start - this.#lastEnd);
    this.steps.set(label, step);
    this.#lastEnd = Math.max(this.#lastEnd, end);
  }

  async timeConnect<T>(open: () => Promise<T>): Promise<T> {
    const start = now();
    const value = await open();
    this.#add('connect', start, now());
    return value;
  }

  wrap<C extends { query: (sql: string, params?: readonly unknown[]) => Promise<unknown> }>(
    connection: C,
  ): C {
    const query = connection.query.bind(connection);
    (connection as { query: C['query'] }).query = async (sql: string, params?: readonly unknown[]) => {
      const label = this.#classify(sql);
      const start = now();
      try {
        return await query(sql, params);
      } finally {
        this.#add(label, start, now());
      }
    };
    return connection;
  }
}

/** In the child process: migrateUp() through the library, on timed connections. */
export async function migrateChild(task: MigrateChildTask): Promise<MigrateChildResult> {
  let start = now();
  const lib = await loadLib();
  const importMs = now() - start;
  const config = lib.loadConfig({ cwd: task.cwd });
  start = now();
  const timeline = new Timeline(start);
  const target: DatabaseTarget = {
    kind: 'url',
    url: task.url,
    display: lib.redactUrl(task.url),
    server: undefined,
    connect: async (database) =>
      timeline.wrap(
        await timeline.timeConnect(() =>
          lib.Connection.open(database ? lib.withDatabase(task.url, database) : task.url),
        ),
      ),
    close: async () => {},
  };
  const result = await lib.migrateUp({ target, config, dir: task.dir, log: () => {} });
  const end = now();
  const cpu = process.cpuUsage();
  const harnessStart = now();
  const steps = [...timeline.steps].map(([label, s]) => ({ label, ...s }));
  return {
    importMs,
    migrateUpMs: end - start,
    steps,
    tailMs: end - timeline.lastEnd,
    applied: result.runs.length,
    cpuMs: (cpu.user + cpu.system) / 1000,
    harnessMs: now() - harnessStart,
  };
}

async function measureBreakdown(
  lib: Lib,
  serverUrl: string,
  dir: string,
  work: string,
  specs: readonly MigrationSpec[],
  problems: string[],
): Promise<Breakdown> {
  const script = join(RESULTS_DIR, '.child', 'migrate-child.js');
  if (!existsSync(script)) throw new Error('bench: prepareChildScripts() was not called');
  const db = await freshDatabase(lib, serverUrl, 'breakdown');
  try {
    const resultFile = join(work, 'breakdown.json');
    const task: MigrateChildTask = { url: db.url, dir, cwd: work, resultFile };
    const run = await runProcess(process.execPath, [script], {
      cwd: work,
      env: { ...process.env, PGWARDEN_BENCH_TASK: JSON.stringify(task) },
    });
    if (run.code !== 0 || !existsSync(resultFile)) {
      throw new Error(`migrate child exited with ${run.code ?? run.signal}:\n${tail(run)}`);
    }
    const result = JSON.parse(readFileSync(resultFile, 'utf8')) as MigrateChildResult;
    const check = await checkDatabase(db.url, 'pgwarden', specs);
    const ok =
      check.missing.length === 0 && check.historyRows === specs.length && result.applied === specs.length;
    if (!ok) {
      problems.push(
        `breakdown run: ${fmtInt(result.applied)} applied, ${fmtInt(check.objectsFound)} migrations' objects present, ${fmtInt(check.historyRows ?? 0)} history rows (expected ${fmtInt(specs.length)})`,
      );
    }
    const { harnessMs, ...rest } = result;
    return { ...rest, processMs: run.ms - harnessMs, ok };
  } finally {
    await db.drop();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Part 2: migrate verify

interface VerifyReport {
  verify?: VerifyJson;
  data?: { verify?: VerifyJson };
}
interface VerifyJson {
  server: string;
  ms: number;
  results: { verdict: string; ms: number }[];
}

async function verifyOnce(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  expected: number,
  problems: string[],
  label: string,
): Promise<{ sample: VerifySample; server: string }> {
  const run = await runProcess(
    process.execPath,
    [distPath('bin/pgwarden.js'), 'migrate', 'verify', ...args],
    {
      cwd,
      env,
    },
  );
  let report: VerifyJson | undefined;
  try {
    const parsed = JSON.parse(run.stdout) as VerifyReport;
    report = parsed.verify ?? parsed.data?.verify;
  } catch {
    // not JSON: reported below
  }
  if (!report)
    throw new Error(`${label}: migrate verify exited with ${run.code ?? run.signal}:\n${tail(run)}`);
  const verdicts: Record<string, number> = {};
  for (const r of report.results) verdicts[r.verdict] = (verdicts[r.verdict] ?? 0) + 1;
  const tenth = Math.max(1, Math.floor(report.results.length / 10));
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const allReversible = report.results.length === expected && verdicts.reversible === expected;
  const ok = run.code === 0 && allReversible;
  if (!ok) {
    problems.push(
      `${label}: exit code ${run.code ?? run.signal}, ${report.results.length} of ${expected} verified, verdicts ${JSON.stringify(verdicts)}`,
    );
  }
  return {
    server: report.server,
    sample: {
      processMs: run.ms,
      verifyMs: report.ms,
      exitCode: run.code,
      verified: report.results.length,
      verdicts,
      firstTenthMs: mean(report.results.slice(0, tenth).map((r) => r.ms)),
      lastTenthMs: mean(report.results.slice(-tenth).map((r) => r.ms)),
      ok,
    },
  };
}

const serverVersionIn = (text: string) => /PostgreSQL (\d+(?:\.\d+)?)/.exec(text)?.[1] ?? 'unknown';

async function verifyService(
  lib: Lib,
  serverUrl: string,
  dir: string,
  work: string,
  settings: MigrateSettings,
  problems: string[],
): Promise<VerifyTarget> {
  const parsed = lib.parseDatabaseUrl(serverUrl);
  const samples: VerifySample[] = [];
  let server = '';
  for (let run = 1; run <= settings.verifyRuns; run++) {
    const label = `verify [service] run ${run}`;
    const { sample, server: s } = await verifyOnce(
      ['--db', serverUrl, '--dir', dir, '--format', 'json'],
      toolEnv(),
      work,
      settings.verifyMigrations,
      problems,
      label,
    );
    server = s;
    samples.push(sample);
    log(
      `migrate: ${label}: ${fmtMs(sample.processMs)} end to end (${fmtPer(sample.verifyMs / sample.verified)} per migration)`,
    );
  }
  return {
    name: 'PostgreSQL service',
    where: `${parsed.host}:${parsed.port}`,
    serverVersion: serverVersionIn(server),
    command: 'node dist/bin/pgwarden.js migrate verify --db $URL --dir $DIR --format json',
    firstRun: null,
    samples,
  };
}

async function verifyEmbedded(
  dir: string,
  work: string,
  settings: MigrateSettings,
  problems: string[],
): Promise<VerifyTarget> {
  // Under root the embedded server runs as `postgres`: its cache folder must be one that account can enter.
  const tmp = sharedTempDir('migrate-embedded');
  try {
    const cacheDir = mkdirShared(join(tmp.path, 'cache'));
    const env = toolEnv({ PGWARDEN_CACHE_DIR: cacheDir });
    const samples: VerifySample[] = [];
    let firstRun: VerifySample | null = null;
    let server = '';
    for (let run = 0; run <= settings.verifyRuns; run++) {
      const label = run === 0 ? 'verify [embedded] first run (empty cache)' : `verify [embedded] run ${run}`;
      const { sample, server: s } = await verifyOnce(
        ['--dir', dir, '--format', 'json'],
        env,
        work,
        settings.verifyMigrations,
        problems,
        label,
      );
      server = s;
      if (run === 0) firstRun = sample;
      else samples.push(sample);
      log(
        `migrate: ${label}: ${fmtMs(sample.processMs)} end to end (${fmtPer(sample.verifyMs / sample.verified)} per migration)`,
      );
      // The CLI stops its server before it exits: nothing may be left running from this cache folder.
      const deadline = Date.now() + 5_000;
      let strays = strayServers().filter((p) => p.command.includes(tmp.path));
      while (strays.length > 0 && Date.now() < deadline) {
        await sleep(100);
        strays = strayServers().filter((p) => p.command.includes(tmp.path));
      }
      for (const stray of strays)
        problems.push(
          `${label}: server still running after the CLI exited: pid ${stray.pid} ${stray.command}`,
        );
    }
    return {
      name: 'embedded PostgreSQL',
      where: 'started by the CLI',
      serverVersion: serverVersionIn(server),
      command: 'PGWARDEN_CACHE_DIR=$TMP node dist/bin/pgwarden.js migrate verify --dir $DIR --format json',
      firstRun,
      samples,
    };
  } finally {
    await tmp.remove();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The benchmark

export async function runMigrate(options: BenchOptions & Partial<MigrateSettings>): Promise<MigrateResult> {
  const settings: MigrateSettings = {
    migrations: options.migrations ?? DEFAULT_MIGRATE_SETTINGS.migrations,
    migrateRuns: options.migrateRuns ?? DEFAULT_MIGRATE_SETTINGS.migrateRuns,
    verifyMigrations: options.verifyMigrations ?? DEFAULT_MIGRATE_SETTINGS.verifyMigrations,
    verifyRuns: options.verifyRuns ?? DEFAULT_MIGRATE_SETTINGS.verifyRuns,
  };
  const lib = await loadLib();
  const problems: string[] = [];
  const skipped: MigrateResult['skipped'] = [];
  const notes: string[] = [];
  const specs = migrationSpecs(Math.max(settings.migrations, settings.verifyMigrations));
  const applySpecs = specs.slice(0, settings.migrations);
  const verifySpecs = specs.slice(0, settings.verifyMigrations);

  const load: MigrateResult['load'] = [];
  const recordLoad = (at: string) => load.push({ at, oneMinute: Math.round(loadavg()[0]! * 100) / 100 });
  recordLoad('at the start');
  const tmp = sharedTempDir('migrate');
  try {
    // Every tool runs in this folder and is given its migrations folder relative to it, so that no command line
    // holds the harness's temporary prefix: the harness's stray-server check would take a tool for a server.
    const work = tmp.path;
    const dirs = {
      native: 'migrations',
      nodePgMigrate: 'migrations-node-pg-migrate',
      verify: 'migrations-verify',
    };
    writeMigrations(join(work, dirs.native), applySpecs, nativeFile);
    writeMigrations(join(work, dirs.nodePgMigrate), applySpecs, nodePgMigrateFile);
    writeMigrations(join(work, dirs.verify), verifySpecs, nativeFile);

    let server: MigrateResult['server'] = null;
    let serverHasSsl = false;
    try {
      const probe = await connect(options.pg15Url);
      try {
        const { rows } = await probe.query<{ v: string; ssl: string }>(
          `SELECT current_setting('server_version') AS v, current_setting('ssl') AS ssl`,
        );
        const parsed = lib.parseDatabaseUrl(options.pg15Url);
        server = { where: `${parsed.host}:${parsed.port}`, version: rows[0]!.v };
        serverHasSsl = rows[0]!.ssl === 'on';
      } finally {
        await probe.end().catch(() => {});
      }
    } catch (error) {
      skipped.push({
        name: lib.redactUrl(options.pg15Url),
        reason: `cannot connect: ${(error as Error).message}`,
      });
    }

    const tools: ToolResult[] = [];
    let breakdown: Breakdown | null = null;
    if (server) {
      const toolList = makeTools(
        lib,
        work,
        dirs,
        applySpecs,
        { dbmate: await dbmateVersion(peerScript('dbmate')) },
        serverHasSsl,
      );
      if (!serverHasSsl)
        notes.push(
          'The server has no SSL: dbmate (lib/pq, which does not fall back to plain text) is given `sslmode=disable`.',
        );
      const samples = new Map<ToolId, ApplySample[]>(toolList.map((t) => [t.id, []]));
      log(
        `migrate: up, ${fmtInt(applySpecs.length)} migrations, ${toolList.length} tools: 1 warm-up round + ${settings.migrateRuns} measured`,
      );
      for (let round = 0; round <= settings.migrateRuns; round++) {
        const label = round === 0 ? 'warm-up round' : `round ${round}`;
        // A different tool goes first in every round, so none always runs right after the same other one.
        const order = toolList.map((_, i) => toolList[(i + round) % toolList.length]!);
        for (const tool of order) {
          const sample = await applyOnce(lib, options.pg15Url, tool, applySpecs, problems, label);
          samples.get(tool.id)!.push(sample);
          log(
            `migrate: up ${label}: ${tool.id} ${fmtMs(sample.ms)} (${fmtPer(sample.ms / applySpecs.length)} per migration)${sample.ok ? '' : ' CHECK FAILED'}`,
          );
        }
      }
      for (const tool of toolList) {
        const [warmup, ...measured] = samples.get(tool.id)!;
        tools.push({
          id: tool.id,
          label: tool.label,
          version: tool.version,
          command: tool.command,
          history: tool.id === 'baseline' ? null : HISTORY[tool.id].table,
          transactions: tool.transactions,
          warmup: warmup!,
          samples: measured,
        });
      }
      log('migrate: one more pgwarden run through the library, every query timed');
      breakdown = await measureBreakdown(lib, options.pg15Url, dirs.native, work, applySpecs, problems);
      log(`migrate: breakdown run: ${fmtMs(breakdown.processMs)} end to end`);
    }

    if (server) recordLoad('after `migrate up`');
    const verify: VerifyTarget[] = [];
    if (server) {
      log(`migrate: verify, ${fmtInt(verifySpecs.length)} migrations, on the service`);
      verify.push(await verifyService(lib, options.pg15Url, dirs.verify, work, settings, problems));
    }
    log(`migrate: verify, ${fmtInt(verifySpecs.length)} migrations, on the embedded server`);
    verify.push(await verifyEmbedded(dirs.verify, work, settings, problems));
    recordLoad('at the end');

    return {
      migrations: applySpecs.length,
      runs: settings.migrateRuns,
      verifyMigrations: verifySpecs.length,
      verifyRuns: settings.verifyRuns,
      server,
      tools,
      breakdown,
      verify,
      problems,
      skipped,
      notes,
      load,
      cores: availableParallelism(),
    };
  } finally {
    await tmp.remove();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Report

/** Per-migration figures: two decimals below 10 ms. */
export function fmtPer(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return Math.abs(ms) < 10 ? `${ms.toFixed(2)} ms` : fmtMs(ms);
}

const medianMs = (samples: readonly { ms: number }[]) => median(samples.map((s) => s.ms));
const find = (result: MigrateResult, id: ToolId) => result.tools.find((t) => t.id === id);

export function migrateGoals(result: MigrateResult): GoalLine[] {
  const goals: GoalLine[] = [];
  const ours = find(result, 'pgwarden');
  const dbmate = find(result, 'dbmate');
  const npm = find(result, 'node-pg-migrate');
  const allOk = (t: ToolResult | undefined) => t?.samples.every((s) => s.ok) ?? false;
  if (ours && dbmate) {
    const n = result.migrations;
    const o = medianMs(ours.samples);
    const d = medianMs(dbmate.samples);
    const peers = [
      `${fmtRatio(o, d)} dbmate (${fmtPer(d / n)})`,
      ...(npm
        ? [`${fmtRatio(o, medianMs(npm.samples))} node-pg-migrate (${fmtPer(medianMs(npm.samples) / n)})`]
        : []),
    ];
    goals.push({
      benchmark: `\`migrate up\`, ${fmtInt(n)} migrations, PostgreSQL service ${result.server?.version.split(' ')[0] ?? ''}`,
      goal: 'per migration ≤ dbmate',
      result: `${fmtPer(o / n)} per migration (${fmtMs(o)} in all)${allOk(ours) ? '' : ' (CHECK FAILED)'}`,
      met: o <= d && allOk(ours),
      peer: peers.join(', '),
    });
  } else {
    goals.push({
      benchmark: '`migrate up`',
      goal: 'per migration ≤ dbmate',
      result: `not measured${result.skipped.length ? `: ${result.skipped.map((s) => s.reason).join('; ')}` : ''}`,
      met: false,
      peer: '–',
    });
  }
  for (const target of result.verify) {
    const total = median(target.samples.map((s) => s.processMs));
    const ok = target.samples.every((s) => s.ok) && (target.firstRun?.ok ?? true);
    goals.push({
      benchmark: `\`migrate verify\`, ${fmtInt(result.verifyMigrations)} migrations, ${target.name} ${target.serverVersion}`,
      goal: 'all reversible (no time goal)',
      result: `${fmtMs(total)} end to end (${fmtPer(total / result.verifyMigrations)} per migration)${ok ? '' : ' (CHECK FAILED)'}`,
      met: ok,
      peer: 'none (no other tool verifies reversibility)',
    });
  }
  return goals;
}

const KIND_TEXT: Record<MigrationKind, string> = {
  table:
    '`CREATE TABLE bench_tNNNN (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`',
  column: "`ALTER TABLE … ADD COLUMN status text NOT NULL DEFAULT 'new'`",
  index: '`CREATE INDEX … ON … (name)`',
  comment: "`ALTER TABLE … ADD COLUMN amount numeric(12, 2)` + `COMMENT ON COLUMN … IS 'amount in EUR'`",
};

function renderApply(result: MigrateResult): string[] {
  const parts: string[] = [];
  const n = result.migrations;
  const baseline = find(result, 'baseline');
  const baseMs = baseline ? medianMs(baseline.samples) : Number.NaN;
  const ours = find(result, 'pgwarden');
  const oursMs = ours ? medianMs(ours.samples) : Number.NaN;
  parts.push(
    `**Part 1: \`migrate up\` of ${fmtInt(n)} migrations** on the PostgreSQL service ${result.server!.version} (${result.server!.where}), every tool on its own freshly created database (created before and dropped after each run, neither timed). The migrations, in turn: ${KINDS.map((k) => KIND_TEXT[k]).join('; ')}, each with a down section; so ${fmtInt(Math.ceil(n / 4))} tables. pgwarden and dbmate read the same files (\`YYYYMMDDHHMMSS_name.sql\` with \`-- migrate:up\` / \`-- migrate:down\`); node-pg-migrate gets the same SQL in its own \`.sql\` layout (\`-- Up Migration\` / \`-- Down Migration\`). A tool's time is its process from spawn to exit (Node or Go start, connecting, reading the files, applying, recording the history). One warm-up round, then ${result.runs} measured rounds, a different tool first in each; medians. After every run the harness checks that the objects of all ${fmtInt(n)} migrations exist and that the tool's history table has ${fmtInt(n)} rows naming them.`,
  );
  parts.push('');
  parts.push(
    `*Per migration* is the total divided by ${fmtInt(n)}, everything included. *Overhead per migration* is (total − baseline) / ${fmtInt(n)}: what the tool adds to sending the same SQL directly, over one \`pg\` connection from the harness, one simple query \`BEGIN; <up section>; COMMIT;\` per migration (so the same ${fmtInt(n)} commits). Most of a migration's time is the server's work and its commit, which no tool can avoid.`,
  );
  parts.push('');
  const cpuOf = (t: ToolResult) => {
    const values = t.samples.map((x) => x.cpuMs).filter((v): v is number => v !== null);
    return values.length ? median(values) : Number.NaN;
  };
  const rssOf = (t: ToolResult) => {
    const values = t.samples.map((x) => x.maxRssBytes).filter((v): v is number => v !== null);
    return values.length ? fmtMiB(median(values)) : '–';
  };
  parts.push(
    mdTable(
      [
        'Tool',
        'Total (median)',
        'min – max',
        'Per migration',
        'Overhead per migration',
        'CPU of the tool per migration',
        'Peak RSS',
        'pgwarden / tool',
        'Checks (objects, history rows)',
      ],
      result.tools.map((t) => {
        const s = stats(t.samples.map((x) => x.ms));
        const ok = t.samples.every((x) => x.ok) && t.warmup.ok;
        const last = t.samples.at(-1);
        return [
          t.id === 'pgwarden' ? `**${t.label}**` : t.label,
          fmtMs(s.median),
          `${fmtMs(s.min)} – ${fmtMs(s.max)}`,
          fmtPer(s.median / n),
          t.id === 'baseline' ? '–' : fmtPer((s.median - baseMs) / n),
          t.id === 'baseline' ? `(${fmtPer(cpuOf(t) / n)})` : fmtPer(cpuOf(t) / n),
          rssOf(t),
          t.id === 'pgwarden' || t.id === 'baseline' ? '–' : fmtRatio(oursMs, s.median),
          ok
            ? `ok: ${fmtInt(last?.objectsFound ?? 0)} / ${fmtInt(n)}${last?.historyRows === null ? '' : `, ${fmtInt(last?.historyRows ?? 0)} rows in \`${t.history}\``}`
            : '**FAILED**',
        ];
      }),
    ),
  );
  parts.push(
    '',
    `*CPU of the tool* is the user + system CPU time of its process and its children (GNU \`time\`, which also gives the peak RSS), divided by ${fmtInt(n)}: the machine has ${result.cores} cores, which the tool shares with the server's backend, so a tool's CPU time adds to the wall time. For the baseline, in parentheses, it is the CPU time of the harness process during the run (the \`pg\` client).`,
    '',
  );
  parts.push(
    mdTable(
      [
        'Tool',
        'Version',
        'Transactions',
        'Command (`$URL`: the fresh database; `$DIR`: the migrations folder)',
      ],
      result.tools.map((t) => [
        t.label,
        t.version,
        t.transactions,
        t.command.startsWith('per migration') ? t.command : `\`${t.command}\``,
      ]),
    ),
  );
  const dbmate = find(result, 'dbmate');
  const npm = find(result, 'node-pg-migrate');
  if (ours && dbmate) {
    const d = medianMs(dbmate.samples);
    parts.push('');
    parts.push(
      mdTable(
        [
          'Goal',
          'pgwarden per migration',
          'dbmate per migration',
          'Met',
          'pgwarden / dbmate',
          'pgwarden / node-pg-migrate',
        ],
        [
          [
            'per migration ≤ dbmate',
            fmtPer(oursMs / n),
            fmtPer(d / n),
            yesNo(oursMs <= d && ours.samples.every((s) => s.ok)),
            fmtRatio(oursMs, d),
            npm ? fmtRatio(oursMs, medianMs(npm.samples)) : 'n/a',
          ],
        ],
      ),
    );
  }
  for (const note of result.notes) parts.push('', note);
  return parts;
}

/** What runs just before a step in the runner as written today (the JavaScript its "JS before" time measures). */
const JS_BEFORE_HINTS: Record<string, string> = {
  connect: 'before the first connection: reading the migration files, loading the SQL parser',
  'preflight (blocking sessions)':
    'the pending migrations analysed, once each, against the state the catalog snapshot gave',
  [SNAPSHOT_QUERIES]:
    'the pending migrations parsed, the names they mention collected (the snapshot reads only those)',
  [FIRST_STATEMENT]: 'between two migrations: the guard check, its checksum, the progress line',
  [WHOLE_MIGRATION]: 'between two migrations: the guard check, its checksum, the progress line',
};

function renderBreakdown(result: MigrateResult, b: Breakdown): string[] {
  const n = result.migrations;
  const ours = find(result, 'pgwarden');
  const cliMs = ours ? medianMs(ours.samples) : Number.NaN;
  const steps = [...b.steps].sort((x, y) => y.queryMs + y.jsBeforeMs - (x.queryMs + x.jsBeforeMs));
  const queryTotal = b.steps.reduce((t, s) => t + s.queryMs, 0);
  const jsTotal = b.steps.reduce((t, s) => t + s.jsBeforeMs, 0) + b.tailMs;
  const outside = b.processMs - b.migrateUpMs;
  const rows: string[][] = [
    ['Node start, import `dist/index.js`, exit', '–', '–', '–', fmtMs(outside), fmtPer(outside / n), ''],
  ];
  for (const s of steps) {
    rows.push([
      s.label,
      fmtInt(s.calls),
      fmtMs(s.queryMs),
      fmtMs(s.jsBeforeMs),
      fmtMs(s.queryMs + s.jsBeforeMs),
      fmtPer((s.queryMs + s.jsBeforeMs) / n),
      JS_BEFORE_HINTS[s.label] ?? '',
    ]);
  }
  rows.push([
    'after the last query',
    '–',
    '–',
    fmtMs(b.tailMs),
    fmtMs(b.tailMs),
    fmtPer(b.tailMs / n),
    'building the result',
  ]);
  rows.push([
    '**Total (end to end)**',
    '',
    `**${fmtMs(queryTotal)}**`,
    `**${fmtMs(jsTotal)}**`,
    `**${fmtMs(b.processMs)}**`,
    `**${fmtPer(b.processMs / n)}**`,
    '',
  ]);
  return [
    '',
    `**Where pgwarden's time goes.** One more run (not among the samples above; ${b.ok ? 'checked like them' : '**its check FAILED**'}): \`migrateUp()\` through the library in a fresh Node process (what the CLI calls, without the CLI's probe connection and report), every query of its connections timed and labelled. *In queries* is the time inside them (round trip, server work, reading the rows); *JS before them* is the time from the end of the previous query (on either connection) to the start of each of these: pgwarden's own JavaScript work done before it sent them. That run took ${fmtMs(b.processMs)} end to end (the CLI, median above: ${fmtMs(cliMs)}); \`migrateUp()\` ${fmtMs(b.migrateUpMs)}; the import of \`dist/index.js\` ${fmtMs(b.importMs)}; the process used ${fmtMs(b.cpuMs)} of CPU (${fmtPer(b.cpuMs / n)} per migration).`,
    '',
    mdTable(
      [
        'Step',
        'Queries sent',
        'In queries',
        'JS before them',
        'Total',
        'Per migration',
        'The JS before them is',
      ],
      rows,
    ),
  ];
}

function renderVerify(result: MigrateResult): string[] {
  const v = result.verifyMigrations;
  const parts: string[] = [
    '',
    `**Part 2: \`migrate verify\` of the first ${fmtInt(v)} of these migrations** (pgwarden only: no other tool checks that down undoes up). For each migration, on a scratch database: up, then down and up again (inside a transaction that is rolled back), with a catalog fingerprint after each step. Run as \`pgwarden migrate verify --format json\`, ${result.verifyRuns} measured runs per server; medians. *End to end* is the process from spawn to exit (Node start, starting the embedded server when there is no \`--db\`, creating and dropping the scratch database); *verify* is pgwarden's own timer of the verification (\`verify.ms\` in its JSON). On the embedded server, the CLI runs with \`PGWARDEN_CACHE_DIR\` set to a temporary folder (mode 0755: under root the server runs as \`postgres\`); its first run, on the empty folder (initdb), is shown apart. Every run must exit with 0 and find all ${fmtInt(v)} migrations reversible.`,
    '',
  ];
  const row = (label: string, samples: VerifySample[]) => {
    const e2e = median(samples.map((s) => s.processMs));
    const verify = median(samples.map((s) => s.verifyMs));
    const ok = samples.every((s) => s.ok);
    const verdicts = samples.at(-1)?.verdicts ?? {};
    return [
      label,
      String(samples.length),
      fmtMs(e2e),
      fmtMs(verify),
      fmtPer(verify / v),
      `${fmtPer(median(samples.map((s) => s.firstTenthMs)))} → ${fmtPer(median(samples.map((s) => s.lastTenthMs)))}`,
      `${ok ? '' : '**FAILED** '}${Object.entries(verdicts)
        .map(([k, c]) => `${fmtInt(c)} ${k}`)
        .join(', ')}; exit ${samples.map((s) => s.exitCode).join(', ')}`,
    ];
  };
  const rows: string[][] = [];
  for (const t of result.verify) {
    rows.push(row(`${t.name} ${t.serverVersion}`, t.samples));
    if (t.firstRun)
      rows.push(row(`${t.name} ${t.serverVersion}, first run (empty cache folder)`, [t.firstRun]));
  }
  parts.push(
    mdTable(
      [
        'Server',
        'Runs',
        'End to end (median)',
        'verify',
        'verify per migration',
        'Per migration, first → last tenth',
        'Verdicts, exit codes',
      ],
      rows,
    ),
  );
  parts.push(
    '',
    "The *first → last tenth* column is the mean of pgwarden's per-migration timer over the first and the last tenth of the migrations: it shows how a migration's cost changes as the schema grows (every step fingerprints the whole catalog).",
  );
  return parts;
}

export function renderMigrate(result: MigrateResult): string {
  const parts: string[] = [];
  if (result.server && result.tools.length > 0) {
    parts.push(...renderApply(result));
    if (result.breakdown) parts.push(...renderBreakdown(result, result.breakdown));
  } else {
    parts.push(
      `**Part 1 (\`migrate up\`, side by side) not measured:** ${result.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ') || 'no server'}.`,
    );
  }
  parts.push(...renderVerify(result));
  parts.push(
    '',
    `Load average (1 minute) of the machine (${result.cores} cores) during the run: ${result.load.map((l) => `${l.oneMinute} ${l.at}`).join(', ')}. The benchmark itself keeps one to two processes busy (the tool and its server backend); beyond that, other work on the machine slowed the tools and the server alike and widened the min – max ranges.`,
  );
  if (result.problems.length > 0) {
    parts.push('', '**Checks that FAILED:**', '', ...result.problems.map((p) => `- ${p}`));
  }
  return parts.join('\n');
}
