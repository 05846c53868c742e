import { resolve } from 'node:path';
import {
  describeDiff,
  diffFingerprints,
  fingerprintSchema,
  type SchemaDiff,
} from '../catalog/fingerprint.js';
import { loadSnapshot } from '../catalog/snapshot.js';
import type { LoadedConfig } from '../core/config.js';
import { PgwardenError, StatementError } from '../core/errors.js';
import { targetMajor } from '../core/pg-major.js';
import { VERSION } from '../core/version.js';
import type { Connection } from '../db/connection.js';
import { type DatabaseIdentity, databaseIdentity, identityDifferences } from '../db/server-info.js';
import type { DatabaseTarget } from '../db/target.js';
import type { BackupManifest } from '../guard/backup.js';
import { type Destruction, destructions } from '../guard/destructive.js';
import {
  EMBEDDED_NOTE,
  GUARD_FACTS_SQL,
  guardFacts,
  mayDestroy,
  requireGuardReason,
  runGuard,
} from '../guard/guard.js';
import { analyzeMigration, type MigrationModel, transactionControl } from '../lint/migration-model.js';
import { SchemaState } from '../lint/schema-state.js';
import { asNode, type Node, stringValues } from '../sql/ast.js';
import {
  loadParser,
  type ParsedSql,
  parseSqlSync,
  type SqlStatement,
  fingerprint as statementFingerprint,
} from '../sql/parser.js';
import { type AdoptedHistory, adoptForeignHistory, baselineRows, recordAdopted } from './adopt.js';
import { type Migration, type MigrationScript, migrationsFolder, readMigrations } from './files.js';
import {
  ensureHistoryTable,
  forget,
  type HistoryRow,
  type HistoryTable,
  type MigrationRecord,
  migrationChecksum,
  type Progress,
  qualifiedHistory,
  readHistory,
  readHistoryAndServer,
  recordApplied,
  recordAppliedSql,
  recordProgress,
} from './history.js';
import { acquireMigrationLock } from './lock.js';
import { type MigrationStatus, migrationStatuses } from './plan.js';
import { type BlockingSession, blockingSessions } from './preflight.js';
import { checkDrift, clearFingerprintSql, recordServerFingerprint } from './server-fingerprint.js';
import { stateForMigrations } from './state.js';

export interface RunnerContext {
  readonly target: DatabaseTarget;
  readonly config: LoadedConfig;
  /** The migrations folder (default: the config's, relative to the project). */
  readonly dir?: string;
  readonly log?: (message: string) => void;
  /** Skip the guard: the reason is required and recorded. */
  readonly noGuardReason?: string;
  /** How long to wait for another runner's lock (default: the config's migrations.lockWaitSeconds). */
  readonly lockWaitSeconds?: number | undefined;
  /** PostgreSQL major the migrations are analysed for (default: the server's). */
  readonly pgVersion?: number;
}

export interface UpOptions {
  /** Apply up to and including this version. */
  readonly to?: string;
  readonly dryRun?: boolean;
  readonly allowOutOfOrder?: boolean;
  readonly allowDrift?: boolean;
  /**
   * An approved plan (MCP's plan → approve → apply): checked under the migration lock, after the history is read,
   * so that nothing can change between the check and the run. The pending migrations up to `to` must be exactly
   * `versions`, and every file of the folder must have the checksum it had when planned.
   */
  readonly expect?: {
    readonly versions: readonly string[];
    readonly checksums: Readonly<Record<string, string>>;
    /** The database the plan was made on: another cluster, database or server refuses. */
    readonly database?: DatabaseIdentity;
  };
}

/** The database or the files are no longer what an approved plan saw: nothing was applied. */
export class StalePlanError extends PgwardenError {
  readonly differences: readonly string[];

  constructor(message: string, differences: readonly string[]) {
    super('input', message, { hint: 'nothing was applied; plan again and have the new plan approved' });
    this.differences = differences;
  }
}

export interface DownOptions {
  readonly steps?: number;
  /** Roll back every migration newer than this version. */
  readonly to?: string;
  readonly dryRun?: boolean;
}

export interface MigrationRun {
  readonly version: string;
  readonly name: string;
  readonly direction: 'up' | 'down';
  readonly statements: number;
  readonly ms: number;
  /** Lock-timeout retries it needed. */
  readonly retries: number;
  readonly backup: BackupManifest | null;
  /** For a migration resumed after a failure part-way: the statements it skipped, already applied. */
  readonly resumedAfter: number;
}

export interface PlannedMigration {
  readonly version: string;
  readonly name: string;
  readonly direction: 'up' | 'down';
  readonly transaction: boolean;
  readonly statements: readonly string[];
  /** What the guard would back up first. */
  readonly guard: readonly Destruction[];
}

/** Another runner's history that pgwarden read (and, unless `recorded` is false, wrote into its own). */
export interface AdoptedFrom {
  readonly runner: string;
  readonly table: string;
  /** Migrations it recorded as applied. */
  readonly migrations: number;
  /** Written into pgwarden's history (false: only read, by status or a dry run). */
  readonly recorded: boolean;
}

export interface MigrateResult {
  readonly database: string;
  readonly adopted?: AdoptedFrom;
  readonly runs: readonly MigrationRun[];
  /** With --dry-run: what would run, in order. */
  readonly plan: readonly PlannedMigration[];
  readonly preflight: readonly BlockingSession[];
  readonly statuses: readonly StatusLine[];
  readonly drift: SchemaDiff | null;
}

export interface StatusLine {
  readonly version: string;
  readonly name: string;
  readonly state: MigrationStatus['state'];
  readonly file: string | null;
  readonly appliedAt: string | null;
  readonly outOfOrder: boolean;
  readonly canRollBack: boolean;
  readonly progress: Progress | null;
}

function historyOf(config: LoadedConfig): HistoryTable {
  return { schema: config.config.migrations.schema, table: config.config.migrations.table };
}

function migrationsDir(context: RunnerContext): string {
  return migrationsFolder(context.config, context.dir);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function statusLines(statuses: readonly MigrationStatus[]): StatusLine[] {
  return statuses.map((s) => ({
    version: s.version,
    name: s.name,
    state: s.state,
    file: s.file,
    appliedAt: s.appliedAt,
    outOfOrder: s.outOfOrder,
    canRollBack: s.canRollBack,
    progress: s.row?.progress ?? null,
  }));
}

interface Session {
  readonly work: Connection;
  readonly lock: Connection;
  readonly history: HistoryTable;
  /** The history table existed when the session started. */
  readonly historyExists: boolean;
  /** The embedded server: a local scratch server, without guard or preflight. */
  readonly embedded: boolean;
  readonly migrations: Migration[];
  readonly rows: HistoryRow[];
  readonly statuses: MigrationStatus[];
  readonly pgVersion: number;
  readonly guarded: boolean;
  /**
   * Whether event triggers are enabled, as read in the round trip of the last migration's COMMIT (null: unknown,
   * read before the next migration): what the guard needs to know before each migration.
   */
  eventTriggersAfterCommit: boolean | null;
  readonly log: (message: string) => void;
  /** Another runner's history, read because pgwarden had none (written into pgwarden's when the session locks). */
  readonly adopted: AdoptedHistory | null;
  readonly release: () => Promise<void>;
}

/** Opens both connections, then reads the migrations folder; on any failure, closes what did open. */
async function connectAndRead(
  context: RunnerContext,
): Promise<{ migrations: Migration[]; work: Connection; lock: Connection }> {
  // connected first: reading a large migration keeps the event loop busy, and a connect timer that fires
  // meanwhile reads as "cannot connect … timed out" (a 50 MB migration did)
  const [work, lock] = await Promise.allSettled([context.target.connect(), context.target.connect()]);
  const [migrations] = await Promise.allSettled([readMigrations(migrationsDir(context))]);
  if (migrations.status === 'fulfilled' && work.status === 'fulfilled' && lock.status === 'fulfilled')
    return { migrations: migrations.value, work: work.value, lock: lock.value };
  for (const connection of [work, lock])
    if (connection.status === 'fulfilled') await connection.value.close();
  throw [migrations, work, lock].find((r) => r.status === 'rejected')!.reason;
}

async function openSession(context: RunnerContext, needLock: boolean): Promise<Session> {
  const log = context.log ?? (() => {});
  const { migrations, work, lock } = await connectAndRead(context);
  let releaseLock: () => Promise<void> = async () => {};
  try {
    const history = historyOf(context.config);
    if (needLock)
      releaseLock = await acquireMigrationLock(
        lock,
        history,
        context.lockWaitSeconds ?? context.config.config.migrations.lockWaitSeconds,
        log,
        work,
      );
    const read = await readHistoryAndServer(work, history);
    const target = targetMajor({
      given: context.pgVersion,
      server: Math.floor(read.serverVersionNum / 10_000),
    });
    if (target.warning) log(target.warning);
    let { rows, exists } = read;
    const adopted = exists ? null : await adoptForeignHistory(work, migrations);
    if (adopted) {
      rows = adopted.rows;
      if (needLock) {
        await adopt(work, history, adopted, log);
        rows = await readHistory(work, history, { objects: false });
        exists = true;
      }
    }
    return {
      work,
      lock,
      history,
      historyExists: exists,
      adopted,
      embedded: context.target.kind === 'embedded',
      migrations,
      rows,
      statuses: migrationStatuses(migrations, rows),
      pgVersion: target.major,
      guarded: context.target.kind !== 'embedded' && context.noGuardReason === undefined,
      eventTriggersAfterCommit: null,
      log,
      release: async () => {
        // the migration session ends before the lock goes: the next runner finds nothing of this one left
        await work.close();
        await releaseLock();
        await lock.close();
      },
    };
  } catch (error) {
    await releaseLock();
    await work.close();
    await lock.close();
    throw error;
  }
}

/**
 * Writes another runner's history into pgwarden's (created for it), with the schema's fingerprint on the newest
 * adopted row, in one transaction: from here on pgwarden's history is the one that counts.
 */
async function adopt(
  work: Connection,
  history: HistoryTable,
  adopted: AdoptedHistory,
  log: (message: string) => void,
): Promise<void> {
  await work.transaction(
    async (tx) => {
      await ensureHistoryTable(tx, history);
      await recordAdopted(tx, history, adopted.rows, VERSION);
      const newest = adopted.rows.at(-1);
      if (newest) await recordFingerprint(tx, history, newest.version);
    },
    { statementTimeoutMs: 0 },
  );
  log(
    `adopted ${adopted.runner}'s history (${adopted.table}): ${adopted.rows.length} migration${adopted.rows.length === 1 ? '' : 's'} recorded as applied in ${qualifiedHistory(history)}`,
  );
}

/** The adoption, as results report it. */
function adoptionOf(session: Session): { adopted?: AdoptedFrom } {
  return session.adopted
    ? {
        adopted: {
          runner: session.adopted.runner,
          table: session.adopted.table,
          migrations: session.adopted.rows.length,
          recorded: session.historyExists,
        },
      }
    : {};
}

/** Parses one migration script, refusing what cannot run safely. */
function parse(script: MigrationScript, label: string): ParsedSql {
  const parsed = parseSqlSync(script.text, { file: script.file });
  const [error] = parsed.syntaxErrors;
  if (error) {
    throw new PgwardenError(
      'input',
      `${script.file}:${error.position.line}:${error.position.column}: ${error.message}`,
      {
        hint: `${label} is not run: nothing is applied from a file PostgreSQL cannot parse`,
      },
    );
  }
  if (script.transaction) {
    const control = parsed.statements.find((s) => transactionControl(s));
    if (control) {
      throw new PgwardenError(
        'input',
        `${script.file}:${control.start.line}: ${control.text} inside a migration that runs in a transaction`,
        {
          hint: 'remove it (pgwarden wraps each migration in a transaction), or mark the migration -- pgwarden:no-transaction to manage transactions yourself',
        },
      );
    }
  }
  return parsed;
}

/**
 * Parses every script (refusing, before anything runs, one that cannot run safely), then analyses them in order
 * against the schema as the ones before leave it: once each, the state updated as each statement is analysed.
 * The state starts from the catalog of what the scripts name (the guard's type checks, the locks of the
 * preflight).
 */
async function analyzeAll(
  session: Session,
  scripts: readonly { script: MigrationScript; label: string }[],
): Promise<MigrationModel[]> {
  const parsed = scripts.map(({ script, label }) => parse(script, label));
  // On the embedded server neither the guard nor the preflight runs: nothing reads what the state knows.
  const state = session.embedded ? new SchemaState(false) : await stateForMigrations(session.work, parsed);
  return parsed.map((p, i) =>
    analyzeMigration(p, {
      pgVersion: session.pgVersion,
      runnerTransaction: scripts[i]!.script.transaction,
      state,
    }),
  );
}

function checkHistory(statuses: readonly MigrationStatus[], allowOutOfOrder: boolean): void {
  const changed = statuses.filter((s) => s.state === 'changed');
  if (changed.length > 0) {
    throw new PgwardenError(
      'input',
      `applied migration${changed.length > 1 ? 's' : ''} changed since applied: ${changed.map((s) => s.file).join(', ')}`,
      {
        hint: 'an applied migration must not be edited: restore the file and write a new migration for the change',
      },
    );
  }
  const missing = statuses.filter((s) => s.state === 'missing');
  if (missing.length > 0) {
    throw new PgwardenError(
      'input',
      `applied migration${missing.length > 1 ? 's have' : ' has'} no file: ${missing.map((s) => `${s.version} (${s.name})`).join(', ')}`,
      {
        hint: 'restore the file(s): the history must match the migrations folder',
      },
    );
  }
  const early = statuses.filter((s) => s.outOfOrder);
  if (early.length > 0 && !allowOutOfOrder) {
    throw new PgwardenError(
      'input',
      `pending migration${early.length > 1 ? 's are' : ' is'} older than the newest applied one: ${early.map((s) => s.file).join(', ')}`,
      {
        hint: 'give it a newer version, or run with --allow-out-of-order if applying it now is right',
      },
    );
  }
}

/** The resulting schema's fingerprint, computed and stored by the server, on the history row of `version`. */
async function recordFingerprint(work: Connection, history: HistoryTable, version: string): Promise<void> {
  await recordServerFingerprint(work, [history.schema], { table: qualifiedHistory(history), version });
}

/**
 * After a run that failed part-way (its migrations before the failure committed, and cleared the fingerprint):
 * the fingerprint of the schema as the run left it, on the newest history row, so that drift is still told before
 * the next run. Best effort: the run's own error is what the user must see.
 */
async function restoreFingerprint(session: Session): Promise<void> {
  const table = qualifiedHistory(session.history);
  try {
    const [newest] = await session.work.rows<{ version: string }>(
      'reading the migration history',
      `SELECT version FROM ${table}
        WHERE NOT EXISTS (SELECT FROM ${table} WHERE schema_objects IS NOT NULL)
        ORDER BY applied_at DESC, version DESC LIMIT 1`,
    );
    if (!newest) return;
    await session.work.transaction((work) => recordFingerprint(work, session.history, newest.version), {
      statementTimeoutMs: 0,
    });
  } catch (error) {
    session.log(`could not record the schema's fingerprint after the failure: ${(error as Error).message}`);
  }
}

/**
 * How the live schema differs from the fingerprint the last migration recorded (null: it does not, or there is
 * none). The server compares the totals, and names the objects only when they differ. A fingerprint recorded by an
 * older pgwarden (hashed in JavaScript) is compared the old way, once: `upgrade` then records it again in the
 * server's form when the schema has not drifted.
 */
async function driftOf(session: Session, options: { upgrade: boolean }): Promise<SchemaDiff | null> {
  // The row the fingerprint was recorded on last: the one that keeps the per-object map (the migration applied or
  // resumed last, which need not be the newest version: --allow-out-of-order), else the newest one that has one.
  const last =
    session.rows.find((r) => r.hasSchemaObjects && r.schemaFingerprint) ??
    [...session.rows].reverse().find((r) => r.status === 'applied' && r.schemaFingerprint);
  if (!last?.schemaFingerprint) return null;
  const row = { table: qualifiedHistory(session.history), version: last.version };
  const check = await checkDrift(session.work, [session.history.schema], row);
  if (check.kind === 'same') return null;
  if (check.kind === 'differs') return check.diff;
  const [stored] = await session.work.rows<{ objects: Record<string, string> }>(
    'reading the schema fingerprint',
    `SELECT schema_objects AS objects FROM ${row.table} WHERE version = $1`,
    [last.version],
  );
  const now = fingerprintSchema(await loadSnapshot(session.work, { sizes: false }), [session.history.schema]);
  if (now.hash !== last.schemaFingerprint)
    return diffFingerprints({ hash: last.schemaFingerprint, objects: stored!.objects }, now);
  if (options.upgrade) await recordFingerprint(session.work, session.history, last.version);
  return null;
}

/** The server's SQLSTATE of a failure (for a statement error, of the server's error it wraps). */
function sqlState(error: unknown): string | undefined {
  if (error instanceof StatementError) return error.sqlState;
  if (error instanceof PgwardenError) return undefined;
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function isLockTimeout(error: unknown): boolean {
  return sqlState(error) === '55P03';
}

/**
 * Runs `attempt`, and again after each lock timeout, up to `settings.lockRetries` more times, waiting 1 s, 2 s,
 * 4 s … (at most 30 s) in between. `cleanup` runs after every failure (a ROLLBACK), before the wait or the throw.
 */
async function withLockRetry<T>(
  settings: { readonly lockRetries: number },
  attempt: () => Promise<T>,
  options: {
    readonly cleanup?: () => Promise<void>;
    readonly onRetry?: (retry: number, waitMs: number) => void;
  } = {},
): Promise<{ value: T; retries: number }> {
  for (let retries = 0; ; retries++) {
    try {
      return { value: await attempt(), retries };
    } catch (error) {
      await options.cleanup?.();
      if (!isLockTimeout(error) || retries >= settings.lockRetries) throw error;
      const wait = Math.min(1000 * 2 ** retries, 30_000);
      options.onRetry?.(retries + 1, wait);
      await sleep(wait);
    }
  }
}

interface StatementText {
  readonly text: string;
  readonly start: { readonly line: number; readonly column: number };
}

/**
 * The error of a failed statement, at its place in the file. `offset` is where the statement began in the query
 * sent (the server's error position counts from there; null: the error does not point into the statement).
 */
function failure(
  script: MigrationScript,
  statement: StatementText,
  error: unknown,
  offset: number | null,
  extra = '',
): PgwardenError {
  const message = (error as Error).message;
  const at = errorPosition(statement, error, offset);
  return new PgwardenError('server', `${script.file}:${at.line}:${at.column}: ${message}${extra}`, {
    hint: isLockTimeout(error)
      ? 'another session held a conflicting lock for longer than lock_timeout, on every retry: find it with pg_stat_activity and retry'
      : 'fix the migration and run again',
    cause: error,
  });
}

/** Where in the file the server's error points (its `position` counts characters from the query's start). */
function errorPosition(
  statement: StatementText,
  error: unknown,
  offset: number | null,
): { line: number; column: number } {
  if (offset === null) return statement.start;
  const position = Number((error as { position?: string }).position) - offset;
  if (!Number.isInteger(position) || position < 1 || position > statement.text.length + 1)
    return statement.start;
  const before = statement.text.slice(0, position - 1);
  const lastBreak = before.lastIndexOf('\n');
  if (lastBreak === -1) return { line: statement.start.line, column: statement.start.column + before.length };
  return { line: statement.start.line + before.split('\n').length - 1, column: before.length - lastBreak };
}

async function invalidIndexes(work: Connection): Promise<string[]> {
  const rows = await work.rows<{ name: string }>(
    'looking for invalid indexes',
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT i.indisvalid`,
  );
  return rows.map((r) => r.name);
}

/** The statements `begin` sends before a migration's own: BEGIN and its two SET LOCAL. */
const HEAD_STATEMENTS = 3;

/**
 * Sends `head` (`headStatements` statements) and every statement as one simple query: one round trip. A failure
 * is a StatementError naming the statement it came from (the server completed those before it) and that
 * statement's offset in the query, which the server's error position counts from. `tail` (its `statements`: the
 * history row, the COMMIT…) goes in the same round trip; a failure there is the last statement's,
 * without an offset, as when it was sent on its own. The rows of the query's last statement come back (null when
 * it failed after the tail's COMMIT).
 */
async function runAsOneQuery(
  work: Connection,
  head: string,
  headStatements: number,
  statements: readonly StatementText[],
  tail: {
    readonly sql: string;
    readonly statements: number;
    /** The tail's statements up to its COMMIT: a failure after them (a read after the COMMIT) is not the migration's. */
    readonly committedAfter?: number;
  } = { sql: '', statements: 0 },
): Promise<readonly Record<string, unknown>[] | null> {
  const offsets: number[] = [];
  let sql = head;
  for (const [i, statement] of statements.entries()) {
    // a newline before each semicolon: a statement may end in a -- comment
    if (i > 0) sql += '\n;\n';
    offsets.push(sql.length);
    sql += statement.text;
  }
  if (tail.sql) sql += `\n;\n${tail.sql}`;
  const result = await work.simpleQueryCountingCompletions(sql);
  if (result.ok) return result.lastRows;
  const own = result.completed - headStatements;
  // committed: only what was read after the COMMIT is missing
  if (tail.committedAfter !== undefined && own >= statements.length + tail.committedAfter) return null;
  if (own >= statements.length && tail.statements > 0)
    throw new StatementError(Math.max(statements.length - 1, 0), null, result.error);
  const i = Math.min(Math.max(own, 0), statements.length - 1);
  throw new StatementError(i, offsets[i]!, result.error);
}

/** One migration script about to run, and what both strategies need to run and record it. */
interface ScriptRun {
  readonly session: Session;
  readonly context: RunnerContext;
  readonly migration: Migration;
  readonly direction: 'up' | 'down';
  readonly script: MigrationScript;
  readonly statements: readonly SqlStatement[];
  readonly label: string;
  /** performance.now() when the script started. */
  readonly started: number;
  /** The history row's fields (the backup is added once taken). */
  readonly record: MigrationRecord;
  /**
   * The history row the schema's fingerprint is recorded on, with the migration: the run's last one only (null:
   * not this migration, which clears it instead; or no row is left).
   */
  readonly fingerprintAt: string | null;
  /** The guard has something to back up before the statements from line `fromLine` on. */
  readonly guardNeeded: (fromLine?: number) => boolean;
  /** Runs the guard: backs up what the statements from line `fromLine` on destroy (null: nothing to back up). */
  readonly guard: (inTransaction: boolean, fromLine?: number) => Promise<BackupManifest | null>;
}

/** Runs one migration script as pgwarden's runner does, and records it (up) or forgets it (down) in the history. */
async function runScript(
  session: Session,
  context: RunnerContext,
  migration: Migration,
  direction: 'up' | 'down',
  model: MigrationModel,
  fingerprintAt: string | null,
): Promise<MigrationRun> {
  const script = direction === 'up' ? migration.up : migration.down!;
  const { work, log } = session;
  const settings = context.config.config.migrations;
  const label = `${migration.version}_${migration.name} (${direction})`;
  const statements = model.statements.filter((s) => !s.embeddedIn).map((s) => s.statement);
  // The guard (src/guard/guard.ts): planned statement by statement against the live catalog, then a proven backup,
  // or the reason there is none — which the history row always records.
  const from = (fromLine: number) => statements.filter((s) => s.start.line >= fromLine);
  // read after the last migration's COMMIT, in its round trip, when it could be; else now
  const known = session.eventTriggersAfterCommit;
  session.eventTriggersAfterCommit = null;
  const facts = !session.guarded
    ? { eventTriggers: false }
    : known !== null
      ? { eventTriggers: known }
      : await guardFacts(work);
  let guardNote: string | null =
    context.noGuardReason ??
    (session.embedded ? EMBEDDED_NOTE : session.guarded ? 'nothing destructive' : null);
  const guard = async (inTransaction: boolean, fromLine = 0): Promise<BackupManifest | null> => {
    if (!session.guarded || !mayDestroy(from(fromLine), script.transaction, facts)) return null;
    const outcome = await runGuard({
      connection: work,
      url: context.target.url,
      dir: resolve(context.config.dir, context.config.config.backups.dir),
      label: `${migration.version}-${direction}`,
      statements: from(fromLine),
      transactional: script.transaction,
      inTransaction,
      lockTimeout: settings.lockTimeout,
      wholeDatabaseMaxBytes: context.config.config.backups.wholeDatabaseMaxMb * 1024 * 1024,
      log,
    });
    guardNote = outcome.note;
    return outcome.backup;
  };
  const run: ScriptRun = {
    session,
    context,
    migration,
    direction,
    script,
    statements,
    label,
    started: performance.now(),
    record: {
      version: migration.version,
      name: migration.name,
      checksum: migrationChecksum(migration),
      pgwardenVersion: VERSION,
      backup: null,
      // read when the row is written, after the guard ran
      get guardSkippedReason() {
        return guardNote;
      },
    },
    fingerprintAt,
    guardNeeded: (fromLine = 0) => session.guarded && mayDestroy(from(fromLine), script.transaction, facts),
    guard,
  };
  return script.transaction ? runTransactional(run) : runStepwise(run);
}

/**
 * After a failed transactional migration: when another session recorded the same migration meanwhile (its history
 * row appeared, or went, under this run), the failure is that collision, not the migration's fault: say so.
 */
async function collision(run: ScriptRun): Promise<void> {
  const { session, migration, direction, label } = run;
  const rows = await session.work
    .rows<{ status: string }>(
      'reading the migration history',
      `SELECT status FROM ${qualifiedHistory(session.history)} WHERE version = $1`,
      [migration.version],
    )
    .catch(() => undefined);
  if (!rows) return;
  const recorded = rows.length > 0;
  if (direction === 'up' ? !recorded : recorded) return;
  throw new PgwardenError(
    'server',
    `${label}: another session ${direction === 'up' ? 'applied and recorded' : 'rolled back'} this migration while this run was at it; this run's attempt was rolled back, so nothing of it was applied twice`,
    {
      hint: 'nothing to fix in the migration: either a second runner did not take the migration lock, or an earlier run that was killed left its server session finishing the migration. Check pgwarden migrate status, then run again',
    },
  );
}

/**
 * A migration in one transaction: BEGIN, its timeouts and every statement in one round trip (with a SET among the
 * statements, one round trip each: a SET can change how the server reads the statements after it, and the server
 * reads a query's text whole before running any of it), then the history row and the COMMIT. Only the guard's
 * backup needs the transaction open first. Retried whole after a lock timeout.
 */
async function runTransactional(run: ScriptRun): Promise<MigrationRun> {
  const { session, migration, direction, script, statements, label } = run;
  const { work, history, log } = session;
  const settings = run.context.config.config.migrations;
  const begin = `BEGIN; SET LOCAL lock_timeout = ${work.literal(settings.lockTimeout)}; SET LOCAL statement_timeout = ${work.literal(settings.statementTimeout)}`;
  const oneQuery = !statements.some((s) => s.kind === 'VariableSetStmt');
  let backup: BackupManifest | null = null;
  const attempt = async () => {
    const sinceStart = Math.round(performance.now() - run.started);
    let head = `${begin};\n`;
    if (run.guardNeeded()) {
      await work.query(begin);
      head = '';
      backup = await run.guard(true);
    }
    if (statements.length === 0) {
      if (head) await work.query(head);
    } else if (oneQuery && direction === 'up' && !run.fingerprintAt) {
      // the history row, the COMMIT and the next migration's guard facts in the statements' own round trip
      const tail = [
        recordAppliedSql(work, history, { ...run.record, backup }, sinceStart),
        clearFingerprintSql(qualifiedHistory(history)),
        'COMMIT',
        ...(session.guarded ? [GUARD_FACTS_SQL] : []),
      ];
      const rows = await runAsOneQuery(work, head, head === '' ? 0 : HEAD_STATEMENTS, statements, {
        sql: tail.join(';\n'),
        statements: tail.length,
        committedAfter: 3,
      });
      if (session.guarded && rows?.[0]) session.eventTriggersAfterCommit = rows[0].any === true;
      return;
    } else if (oneQuery) {
      await runAsOneQuery(work, head, head === '' ? 0 : HEAD_STATEMENTS, statements);
    } else {
      for (const [i, statement] of statements.entries()) {
        try {
          await work.query(`${i === 0 ? head : ''}${statement.text}`);
        } catch (error) {
          // the server's error position counts from the start of what was sent
          throw new StatementError(i, i === 0 ? head.length : 0, error);
        }
      }
    }
    const last = Math.max(statements.length - 1, 0);
    try {
      if (direction === 'up') await recordApplied(work, history, { ...run.record, backup }, sinceStart);
      else await forget(work, history, migration.version);
      // the schema's fingerprint commits with the run's last migration (the ones before clear it): no crash leaves
      // a fingerprint that disagrees with the migrations recorded
      if (run.fingerprintAt) {
        await recordFingerprint(work, history, run.fingerprintAt);
        await work.query('COMMIT');
      } else {
        await work.query(`${clearFingerprintSql(qualifiedHistory(history))};\nCOMMIT`);
      }
    } catch (error) {
      // a failure of the history row or of the COMMIT (a deferred constraint) is the last statement's
      throw new StatementError(last, null, error);
    }
  };
  try {
    const { retries } = await withLockRetry(settings, attempt, {
      cleanup: () =>
        work.query('ROLLBACK').then(
          () => {},
          () => {},
        ),
      onRetry: (retry, wait) =>
        log(`${label}: lock timeout, retry ${retry} of ${settings.lockRetries} in ${wait / 1000} s`),
    });
    return {
      version: migration.version,
      name: migration.name,
      direction,
      statements: statements.length,
      ms: Math.round(performance.now() - run.started),
      retries,
      backup,
      resumedAfter: 0,
    };
  } catch (error) {
    if (error instanceof PgwardenError && !(error instanceof StatementError)) throw error;
    await collision(run);
    const at = error instanceof StatementError ? statements[error.statementIndex] : undefined;
    throw failure(
      script,
      at ?? { text: '', start: { line: 1, column: 1 } },
      error instanceof StatementError ? error.cause : error,
      error instanceof StatementError ? error.offset : null,
      ' (rolled back: nothing of this migration was applied)',
    );
  }
}

/** Statements that PostgreSQL refuses inside a transaction block (others are found by the server's 25001). */
function cannotRunInTransaction(statement: SqlStatement): boolean {
  switch (statement.kind) {
    case 'IndexStmt':
      return asNode<{ concurrent?: boolean }>(statement.ast, 'IndexStmt')?.concurrent === true;
    case 'DropStmt':
      return asNode<{ concurrent?: boolean }>(statement.ast, 'DropStmt')?.concurrent === true;
    case 'ReindexStmt':
      return (asNode<{ params?: Node[] }>(statement.ast, 'ReindexStmt')?.params ?? []).some(
        (p) => asNode<{ defname?: string }>(p, 'DefElem')?.defname === 'concurrently',
      );
    case 'VacuumStmt':
      return asNode<{ is_vacuumcmd?: boolean }>(statement.ast, 'VacuumStmt')?.is_vacuumcmd === true;
    case 'CreatedbStmt':
    case 'DropdbStmt':
    case 'AlterSystemStmt':
    case 'CreateTableSpaceStmt':
    case 'DropTableSpaceStmt':
      return true;
    default:
      return false;
  }
}

/**
 * How each statement of a script without a transaction runs: `control` (the script's own BEGIN, COMMIT …),
 * `inside` (within the script's own transaction block) or `own` (in autocommit: each in a transaction of its own);
 * and `block`, the index of the statement that opened the script's transaction still open after it (null: none).
 */
function placesOf(
  statements: readonly SqlStatement[],
): { readonly place: 'control' | 'inside' | 'own'; readonly block: number | null }[] {
  let block: number | null = null;
  return statements.map((statement, i) => {
    const control = transactionControl(statement);
    if (control === undefined) return { place: block === null ? 'own' : 'inside', block };
    // a BEGIN inside the block only warns; SAVEPOINT, RELEASE and ROLLBACK TO keep the block open
    if (control === 'TRANS_STMT_BEGIN' || control === 'TRANS_STMT_START') block ??= i;
    else if (
      control === 'TRANS_STMT_COMMIT' ||
      control === 'TRANS_STMT_ROLLBACK' ||
      control === 'TRANS_STMT_PREPARE'
    )
      block = asNode<{ chain?: boolean }>(statement.ast, 'TransactionStmt')?.chain === true ? i : null;
    return { place: 'control', block };
  });
}

function statementFingerprintOf(text: string): string {
  try {
    return statementFingerprint(text);
  } catch {
    return text;
  }
}

/**
 * A migration without a transaction (`-- pgwarden:no-transaction`): statement by statement, resumable after a
 * failure part-way, and true to the server after a crash. Each statement's progress (and the schema fingerprint)
 * is written where it survives the runner's death exactly when the statement does:
 * - a statement that can run in a transaction runs in one of its own with its progress row: both or neither;
 * - one that cannot (CREATE INDEX CONCURRENTLY, VACUUM …) is recorded in flight before it is sent, so the next run
 *   checks what the server made of it (`resolveInFlight`) instead of running it twice;
 * - within the script's own BEGIN … COMMIT, the progress is written in that transaction.
 */
async function runStepwise(run: ScriptRun): Promise<MigrationRun> {
  const { session, migration, direction, script, statements, label } = run;
  const { work, history, log } = session;
  const settings = run.context.config.config.migrations;
  const existing = session.rows.find((r) => r.version === migration.version && r.status === 'failed');
  let done = 0;
  let retries = 0;
  let backup: BackupManifest | null = null;
  const fingerprints = statements.map((s) => statementFingerprintOf(s.text));
  const places = placesOf(statements);
  if (existing?.progress && direction === 'up' && existing.progress.direction !== 'down') {
    const previous = existing.progress.statements;
    if (previous.some((f, i) => fingerprints[i] !== f)) {
      throw new PgwardenError(
        'input',
        `${script.file}: the statements applied before the failure were edited since`,
        {
          hint: `resolve by hand: make the database match the file, then DELETE FROM ${qualifiedHistory(history)} WHERE version = '${migration.version}' (or mark it applied)`,
        },
      );
    }
    done = existing.progress.done;
    log(`${label}: resuming after statement ${done} of ${statements.length}`);
  }
  const progressAt = (n: number, extra: Partial<Progress> = {}): Progress => ({
    done: n,
    total: statements.length,
    statements: fingerprints.slice(0, n),
    ...(direction === 'down' ? { direction } : {}),
    ...extra,
  });
  const rollback = () =>
    work.query('ROLLBACK').then(
      () => {},
      () => {},
    );
  /**
   * The progress row and the fingerprint of the schema as it now is (unless `schema` is false), together: in the
   * transaction that is open (`open`: the statement's own, or the script's), else in one of their own.
   */
  const saveProgress = async (
    progress: Progress,
    status: 'applied' | 'failed',
    open = false,
    schema = true,
  ) => {
    if (!open) await work.query('BEGIN');
    try {
      if (direction === 'down' && status === 'applied') {
        await forget(work, history, migration.version);
        if (run.fingerprintAt) await recordFingerprint(work, history, run.fingerprintAt);
        else await work.query(clearFingerprintSql(qualifiedHistory(history)));
      } else {
        const ms = Math.round(performance.now() - run.started);
        await recordProgress(work, history, { ...run.record, backup }, progress, status, ms);
        // part-way, the fingerprint follows every statement (a crash leaves the migration failed, to resume); once
        // applied, it stays only when this is the run's last migration
        if (status === 'applied' && !run.fingerprintAt)
          await work.query(clearFingerprintSql(qualifiedHistory(history)));
        else if (schema) await recordFingerprint(work, history, migration.version);
      }
    } catch (error) {
      if (!open) await rollback();
      throw error;
    }
    if (!open) await work.query('COMMIT');
  };
  const onRetry = (retry: number, wait: number) =>
    log(`${label}: lock timeout, retry ${retry} of ${settings.lockRetries} in ${wait / 1000} s`);
  /** Runs statement `i` in a transaction of its own with its progress; false: the server refused it in one. */
  const inOwnTransaction = async (i: number): Promise<boolean> => {
    const attempt = await withLockRetry(
      settings,
      async () => {
        await work.query('BEGIN');
        try {
          await work.query(statements[i]!.text);
        } catch (error) {
          if (sqlState(error) !== '25001') throw error;
          await rollback();
          return false;
        }
        await saveProgress(progressAt(i + 1), 'failed', true);
        await work.query('COMMIT');
        return true;
      },
      { cleanup: rollback, onRetry },
    );
    retries += attempt.retries;
    return attempt.value;
  };
  /** Runs statement `i` outside any transaction, recorded in flight while the server has it. */
  const alone = async (i: number) => {
    const statement = statements[i]!;
    await saveProgress(
      progressAt(i, {
        inFlight: {
          index: i,
          line: statement.start.line,
          statement: statement.text.slice(0, 200),
          fingerprint: fingerprints[i]!,
        },
      }),
      'failed',
    );
    const attempt = await withLockRetry(settings, () => work.query(statement.text), { onRetry });
    retries += attempt.retries;
    await saveProgress(progressAt(i + 1), 'failed');
  };
  const resumedAfter = done;
  // Outside a transaction nothing can hold the tables still between the backup and the statement; and on a
  // resume, the statements already applied are not destroyed again.
  backup = await run.guard(false, statements[done]?.start.line ?? Number.POSITIVE_INFINITY);
  await work.query(
    `SELECT set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)`,
    [settings.lockTimeout, settings.statementTimeout],
  );
  // the script's own open transaction: where it began (its statements are undone if it fails)
  let blockStart: number | null = null;
  try {
    await saveProgress(progressAt(done), 'failed');
    for (; done < statements.length; done++) {
      const statement = statements[done]!;
      const { place, block } = places[done]!;
      try {
        if (place === 'own') {
          if (cannotRunInTransaction(statement) || !(await inOwnTransaction(done))) await alone(done);
          continue;
        }
        // the script's own transaction control, or a statement inside its transaction: as written, once (a lock
        // timeout has aborted the script's transaction, so it is not retried there)
        await work.query(statement.text);
        blockStart = block;
        await saveProgress(progressAt(done + 1), 'failed', blockStart !== null);
      } catch (error) {
        await rollback(); // the script's own transaction, or the one its statement ran in
        // a failure inside the script's transaction undoes the statements since its BEGIN
        const applied = blockStart ?? done;
        await saveProgress(
          progressAt(applied, {
            failedAt: {
              line: statement.start.line,
              statement: statement.text.slice(0, 200),
              error: (error as Error).message,
            },
          }),
          'failed',
          false,
          // the fingerprint stays the one of the statements applied: what a failed statement leaves behind (an
          // INVALID index) is to be cleaned, not recorded
          false,
        );
        const leftovers = (await invalidIndexes(work)).filter((name) =>
          statement.text.includes(name.split('.')[1]!),
        );
        const invalid = leftovers.length
          ? `; it left the INVALID index ${leftovers.join(', ')} behind: DROP INDEX CONCURRENTLY ${leftovers[0]}; before retrying`
          : '';
        const undone =
          blockStart === null
            ? ''
            : `; its transaction from line ${statements[blockStart]!.start.line} was rolled back`;
        throw failure(
          script,
          statement,
          error,
          0,
          ` (statement ${done + 1} of ${statements.length}; the ${applied} before ${blockStart === null ? 'it' : 'that transaction'} are applied${undone}${invalid})`,
        );
      }
    }
    await saveProgress(progressAt(done), 'applied');
  } finally {
    await work.query('RESET lock_timeout; RESET statement_timeout').catch(() => {});
  }
  return {
    version: migration.version,
    name: migration.name,
    direction,
    statements: statements.length,
    ms: Math.round(performance.now() - run.started),
    retries,
    backup,
    resumedAfter,
  };
}

/** What the server made of a statement that was in flight when the runner stopped. */
type InFlightOutcome =
  | { readonly kind: 'completed' }
  | { readonly kind: 'run-again' }
  | { readonly kind: 'invalid-index'; readonly index: string }
  | { readonly kind: 'unknown' };

/** A RangeVar's name as to_regclass reads it. */
function rangeVarName(relation: { schemaname?: string; relname?: string } | undefined): string | undefined {
  if (!relation?.relname) return undefined;
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  return relation.schemaname
    ? `${quote(relation.schemaname)}.${quote(relation.relname)}`
    : quote(relation.relname);
}

/**
 * Checks the effect of a statement that ran outside a transaction when the runner stopped (the server session
 * that ran it has ended: the migration lock waits for it). CREATE INDEX CONCURRENTLY: done when its index exists
 * and is valid, cut off when it is invalid; DROP INDEX CONCURRENTLY: done when the index is gone; VACUUM, ANALYZE,
 * REINDEX and ALTER SYSTEM run again harmlessly; anything else cannot be told.
 */
async function inFlightOutcome(work: Connection, statement: SqlStatement): Promise<InFlightOutcome> {
  if (statement.kind === 'IndexStmt') {
    const index = asNode<{ idxname?: string; relation?: { schemaname?: string; relname?: string } }>(
      statement.ast,
      'IndexStmt',
    );
    const table = rangeVarName(index?.relation);
    if (!index?.idxname || !table) return { kind: 'unknown' };
    const [found] = await work.rows<{ valid: boolean; name: string }>(
      'checking the index of an interrupted statement',
      `SELECT i.indisvalid AS valid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE i.indrelid = to_regclass($1) AND c.relname = $2`,
      [table, index.idxname],
    );
    if (!found) return { kind: 'run-again' };
    return found.valid ? { kind: 'completed' } : { kind: 'invalid-index', index: found.name };
  }
  if (statement.kind === 'DropStmt') {
    const drop = asNode<{ objects?: Node[]; removeType?: string }>(statement.ast, 'DropStmt');
    if (drop?.removeType !== 'OBJECT_INDEX') return { kind: 'unknown' };
    const names = (drop.objects ?? []).map((o) =>
      stringValues(asNode<{ items?: Node[] }>(o, 'List')?.items)
        .map((part) => `"${part.replace(/"/g, '""')}"`)
        .join('.'),
    );
    const [left] = await work.rows<{ remaining: number }>(
      'checking the indexes of an interrupted statement',
      'SELECT count(to_regclass(name))::int AS remaining FROM unnest($1::text[]) AS name',
      [names],
    );
    return left!.remaining === 0 ? { kind: 'completed' } : { kind: 'run-again' };
  }
  if (['VacuumStmt', 'ReindexStmt', 'AlterSystemStmt'].includes(statement.kind)) return { kind: 'run-again' };
  return { kind: 'unknown' };
}

/**
 * Settles the statements that were in flight when a runner stopped (see `runStepwise`), before anything else
 * reads the history: each is recorded as done when the server finished it, left to run again when that is what
 * it needs, or refused with the way out (an index cut off half-built; a statement whose effect cannot be checked).
 */
async function resolveInFlight(session: Session, parser: Promise<unknown>): Promise<Session> {
  const stuck = session.statuses.filter(
    (s) => s.state === 'failed' && s.row?.progress?.inFlight !== undefined && s.migration,
  );
  if (stuck.length === 0) return session;
  await parser;
  const table = qualifiedHistory(session.history);
  for (const status of stuck) {
    const progress = status.row!.progress!;
    const inFlight = progress.inFlight!;
    const down = progress.direction === 'down';
    const script = down ? status.migration!.down : status.migration!.up;
    const label = `${status.version}_${status.name}${down ? ' (down)' : ''}`;
    const statement = script ? parse(script, label).statements[inFlight.index] : undefined;
    const where = `statement ${inFlight.index + 1} of ${progress.total} (line ${inFlight.line}: ${inFlight.statement.replace(/\s+/g, ' ').slice(0, 80)})`;
    if (!statement || statementFingerprintOf(statement.text) !== inFlight.fingerprint) {
      throw new PgwardenError(
        'input',
        `${label}: ${where} was running when the runner stopped, and the file changed since`,
        {
          hint: `restore the file as it was, or resolve by hand: make the database match the file, then DELETE FROM ${table} WHERE version = '${status.version}'`,
        },
      );
    }
    const outcome: InFlightOutcome =
      inFlight.resolved === 'completed'
        ? { kind: 'completed' }
        : inFlight.resolved === 'not-run'
          ? { kind: 'run-again' }
          : await inFlightOutcome(session.work, statement);
    if (outcome.kind === 'invalid-index') {
      throw new PgwardenError(
        'input',
        `${label}: ${where} was cut off when the runner stopped, and left the INVALID index ${outcome.index} behind`,
        {
          hint: `drop it with DROP INDEX CONCURRENTLY ${outcome.index}; then run pgwarden migrate up again: the statement runs again from the start`,
        },
      );
    }
    if (outcome.kind === 'unknown') {
      throw new PgwardenError(
        'input',
        `${label}: ${where} was running outside a transaction when the runner stopped, and pgwarden cannot tell whether the server finished it`,
        {
          hint: `check its effect, then say what you found and run pgwarden migrate up again: UPDATE ${table} SET progress = jsonb_set(progress, '{inFlight,resolved}', '"completed"') WHERE version = '${status.version}' if it took effect, or '"not-run"' if it did not (it then runs again)`,
        },
      );
    }
    const record: MigrationRecord = {
      version: status.version,
      name: status.name,
      checksum: status.row!.checksum,
      pgwardenVersion: VERSION,
      backup: null,
      guardSkippedReason: status.row!.guardSkippedReason,
    };
    const { inFlight: _, ...rest } = progress;
    const settled: Progress =
      outcome.kind === 'completed'
        ? { ...rest, done: inFlight.index + 1, statements: [...progress.statements, inFlight.fingerprint] }
        : rest;
    session.log(
      outcome.kind === 'completed'
        ? `${label}: ${where} was finished by the server after the runner stopped: recorded, not run again`
        : `${label}: ${where} did not take effect before the runner stopped: it runs again`,
    );
    await session.work.transaction(
      async (work) => {
        await recordProgress(work, session.history, record, settled, 'failed', status.row!.executionMs);
        await recordFingerprint(work, session.history, status.version);
      },
      { statementTimeoutMs: 0 },
    );
  }
  const rows = await readHistory(session.work, session.history, { objects: false });
  return { ...session, rows, statuses: migrationStatuses(session.migrations, rows) };
}

/** Refuses to run on another database than the approved plan's (another cluster, database or server). */
async function checkIdentity(work: Connection, planned: DatabaseIdentity): Promise<void> {
  const differences = identityDifferences(planned, await databaseIdentity(work));
  if (differences.length > 0)
    throw new StalePlanError(`the plan was made on another database: ${differences.join(', ')}`, differences);
}

/** Refuses to run unless the files and the pending migrations are exactly those of the approved plan. */
function checkPlan(
  session: Session,
  pending: readonly MigrationStatus[],
  expected: NonNullable<UpOptions['expect']>,
): void {
  const now = new Map(session.migrations.map((m) => [m.version, migrationChecksum(m)]));
  const files: string[] = [];
  for (const [version, checksum] of Object.entries(expected.checksums)) {
    if (!now.has(version)) files.push(`${version} removed`);
    else if (now.get(version) !== checksum) files.push(`${version} changed`);
  }
  for (const version of now.keys()) if (!(version in expected.checksums)) files.push(`${version} added`);
  if (files.length > 0)
    throw new StalePlanError(`the migration files changed since the plan: ${files.join(', ')}`, files);
  const versions = pending.map((s) => s.version);
  if (versions.join('\n') !== expected.versions.join('\n')) {
    throw new StalePlanError(
      `the database changed since the plan: pending now ${versions.join(', ') || 'none'}, planned ${expected.versions.join(', ') || 'none'}`,
      [`pending ${versions.join(', ') || 'none'}`],
    );
  }
}

function touchedRelations(models: readonly MigrationModel[]): string[] {
  return [...new Set(models.flatMap((m) => m.statements.flatMap((s) => s.locks.map((l) => l.relation))))];
}

/** `pgwarden migrate up`: applies the pending migrations, in order, each in its own transaction, behind the guard. */
export async function migrateUp(context: RunnerContext, options: UpOptions = {}): Promise<MigrateResult> {
  requireGuardReason(context.noGuardReason);
  let session = await openSession(context, !options.dryRun);
  try {
    // The parser (WebAssembly) loads only when something is to run, while the drift check runs on the server.
    const parser = session.statuses.some((s) => s.state === 'pending' || s.state === 'failed')
      ? loadParser()
      : Promise.resolve();
    parser.catch(() => {}); // awaited below; a refusal before that must not leave it unhandled
    checkHistory(session.statuses, options.allowOutOfOrder === true);
    const failed = session.statuses.filter((s) => s.state === 'failed');
    for (const f of failed) {
      if (f.row?.transactional !== false || !f.migration || f.row.progress === null) {
        throw new PgwardenError(
          'input',
          `migration ${f.version} (${f.name}) failed part-way and cannot be resumed`,
          {
            hint: `resolve by hand, then DELETE FROM ${qualifiedHistory(session.history)} WHERE version = '${f.version}'`,
          },
        );
      }
    }
    // A statement cut off by a crash is settled first: the history must say what the server did before the schema
    // is compared with it.
    if (!options.dryRun) session = await resolveInFlight(session, parser);
    const drift = await driftOf(session, { upgrade: !options.dryRun });
    if (drift && !options.allowDrift && !drift.orderOnly) {
      throw new PgwardenError(
        'input',
        `the schema changed outside the migrations since the last one: ${describeDiff(drift)}`,
        {
          hint: 'write a migration for the change (or revert it); run with --allow-drift to apply anyway',
        },
      );
    }
    let pending = session.statuses.filter((s) => s.state === 'pending' || s.state === 'failed');
    if (options.to !== undefined) {
      if (!session.migrations.some((m) => m.version === options.to))
        throw new PgwardenError('usage', `--to ${options.to}: no migration has that version`);
      // the runner's order (Flyway's 1.2.10 after 1.9, diesel's byte order…), not a numeric reading of versions
      const order = new Map(session.statuses.map((s, i) => [s.version, i]));
      const last = order.get(options.to)!;
      pending = pending.filter((s) => s.migration && order.get(s.version)! <= last);
    }
    await parser;
    // Each migration analysed once, against the schema as the ones before it leave it (the guard's type checks).
    const models =
      pending.length === 0
        ? []
        : await analyzeAll(
            session,
            pending.map((s) => ({ script: s.migration!.up, label: `${s.version}_${s.name}` })),
          );
    const preflight =
      context.target.kind === 'embedded' || pending.length === 0
        ? []
        : await blockingSessions(session.work, touchedRelations(models));
    if (options.expect) {
      if (options.expect.database) await checkIdentity(session.work, options.expect.database);
      checkPlan(session, pending, options.expect);
    }
    if (options.dryRun) {
      return {
        database: context.target.display,
        ...adoptionOf(session),
        runs: [],
        plan: pending.map((s, i) => ({
          version: s.version,
          name: s.name,
          direction: 'up' as const,
          transaction: s.migration!.up.transaction,
          statements: models[i]!.statements.filter((a) => !a.embeddedIn).map((a) => a.statement.text),
          guard: session.guarded || context.target.kind !== 'embedded' ? destructions(models[i]!) : [],
        })),
        preflight,
        statuses: statusLines(session.statuses),
        drift,
      };
    }
    if (pending.length === 0) {
      return {
        database: context.target.display,
        ...adoptionOf(session),
        runs: [],
        plan: [],
        preflight,
        statuses: statusLines(session.statuses),
        drift,
      };
    }
    if (!session.historyExists) await ensureHistoryTable(session.work, session.history);
    const runs: MigrationRun[] = [];
    try {
      for (const [i, status] of pending.entries()) {
        session.log(`applying ${status.version}_${status.name}`);
        const last = i === pending.length - 1;
        runs.push(
          await runScript(
            session,
            context,
            status.migration!,
            'up',
            models[i]!,
            last ? status.version : null,
          ),
        );
      }
    } catch (error) {
      if (runs.length > 0 || !pending[0]!.migration!.up.transaction) await restoreFingerprint(session);
      throw error;
    }
    const after = migrationStatuses(
      session.migrations,
      await readHistory(session.work, session.history, { objects: false }),
    );
    return {
      database: context.target.display,
      ...adoptionOf(session),
      runs,
      plan: [],
      preflight,
      statuses: statusLines(after),
      drift,
    };
  } finally {
    await session.release();
  }
}

/** `pgwarden migrate down`: rolls back the newest applied migrations, newest first, behind the guard. */
export async function migrateDown(context: RunnerContext, options: DownOptions = {}): Promise<MigrateResult> {
  requireGuardReason(context.noGuardReason);
  const parser = loadParser();
  parser.catch(() => {}); // awaited below; a refusal before that must not leave it unhandled
  const session = await openSession(context, !options.dryRun);
  try {
    checkHistory(session.statuses, true);
    const applied = session.statuses.filter((s) => s.state === 'applied');
    let targets: MigrationStatus[];
    if (options.to !== undefined) {
      if (!session.statuses.some((s) => s.version === options.to))
        throw new PgwardenError('usage', `--to ${options.to}: no migration has that version`);
      const order = new Map(session.statuses.map((s, i) => [s.version, i]));
      const last = order.get(options.to)!;
      targets = applied.filter((s) => order.get(s.version)! > last);
    } else {
      targets = applied.slice(-(options.steps ?? 1));
    }
    targets = targets.reverse();
    const noDown = targets.filter((s) => !s.migration?.down);
    if (noDown.length > 0) {
      throw new PgwardenError(
        'input',
        `cannot roll back ${noDown.map((s) => `${s.version}_${s.name}`).join(', ')}: no down section`,
        {
          hint: 'nothing was changed; write the down migration first',
        },
      );
    }
    await parser;
    const models =
      targets.length === 0
        ? []
        : await analyzeAll(
            session,
            targets.map((s) => ({ script: s.migration!.down!, label: `${s.version}_${s.name} (down)` })),
          );
    if (options.dryRun) {
      return {
        database: context.target.display,
        runs: [],
        plan: targets.map((s, i) => ({
          version: s.version,
          name: s.name,
          direction: 'down' as const,
          transaction: s.migration!.down!.transaction,
          statements: models[i]!.statements.filter((a) => !a.embeddedIn).map((a) => a.statement.text),
          guard: context.target.kind !== 'embedded' ? destructions(models[i]!) : [],
        })),
        preflight: [],
        statuses: statusLines(session.statuses),
        drift: null,
      };
    }
    const runs: MigrationRun[] = [];
    // the schema's fingerprint moves, with each rollback, to the newest row that stays
    const remaining = session.rows.map((r) => r.version);
    try {
      for (const [i, status] of targets.entries()) {
        session.log(`rolling back ${status.version}_${status.name}`);
        remaining.splice(remaining.indexOf(status.version), 1);
        const last = i === targets.length - 1;
        runs.push(
          await runScript(
            session,
            context,
            status.migration!,
            'down',
            models[i]!,
            last ? (remaining.at(-1) ?? null) : null,
          ),
        );
      }
    } catch (error) {
      if (runs.length > 0 || !targets[0]!.migration!.down!.transaction) await restoreFingerprint(session);
      throw error;
    }
    const rows = await readHistory(session.work, session.history, { objects: false });
    return {
      database: context.target.display,
      runs,
      plan: [],
      preflight: [],
      statuses: statusLines(migrationStatuses(session.migrations, rows)),
      drift: null,
    };
  } finally {
    await session.release();
  }
}

/** `pgwarden migrate status`: applied, pending, changed, missing and failed migrations, and schema drift. */
export async function migrateStatus(context: RunnerContext): Promise<MigrateResult> {
  const session = await openSession(context, false);
  try {
    return {
      database: context.target.display,
      ...adoptionOf(session),
      runs: [],
      plan: [],
      preflight: [],
      statuses: statusLines(session.statuses),
      drift: await driftOf(session, { upgrade: false }),
    };
  } finally {
    await session.release();
  }
}

/**
 * `pgwarden migrate baseline --to VERSION`: for a database that already has the changes of the folder's migrations
 * up to VERSION (built by hand, restored from a dump, or by a runner whose history is gone), records them as
 * applied without running them, with the schema's fingerprint; `migrate up` then applies only the later ones.
 * Refused where a history exists (pgwarden's, or another runner's, which `migrate up` adopts by itself).
 */
export async function migrateBaseline(
  context: RunnerContext,
  options: { to: string },
): Promise<MigrateResult> {
  const session = await openSession(context, true);
  try {
    if (session.adopted) {
      throw new PgwardenError(
        'input',
        `this database has ${session.adopted.runner}'s history (${session.adopted.table}), which pgwarden has just adopted: no baseline is needed`,
        { hint: 'pgwarden migrate status shows what is applied' },
      );
    }
    if (session.rows.length > 0) {
      throw new PgwardenError(
        'input',
        `pgwarden's history (${qualifiedHistory(session.history)}) already records ${session.rows.length} migration${session.rows.length === 1 ? '' : 's'}: a baseline is only for a database without one`,
        { hint: 'pgwarden migrate status shows what is applied' },
      );
    }
    const rows = baselineRows(session.migrations, options.to);
    await session.work.transaction(
      async (tx) => {
        await ensureHistoryTable(tx, session.history);
        await recordAdopted(tx, session.history, rows, VERSION);
        await recordFingerprint(tx, session.history, rows.at(-1)!.version);
      },
      { statementTimeoutMs: 0 },
    );
    session.log(
      `recorded ${rows.length} migration${rows.length === 1 ? '' : 's'} as applied, up to ${options.to}`,
    );
    const after = await readHistory(session.work, session.history, { objects: false });
    return {
      database: context.target.display,
      runs: [],
      plan: [],
      preflight: [],
      statuses: statusLines(migrationStatuses(session.migrations, after)),
      drift: null,
    };
  } finally {
    await session.release();
  }
}

/** `pgwarden migrate redo`: rolls back the newest applied migration and applies it again. */
export async function migrateRedo(context: RunnerContext): Promise<MigrateResult> {
  const down = await migrateDown(context, { steps: 1 });
  const version = down.runs[0]?.version;
  if (!version) throw new PgwardenError('input', 'nothing to redo: no migration is applied');
  const up = await migrateUp(context, { to: version });
  return { ...up, runs: [...down.runs, ...up.runs] };
}
