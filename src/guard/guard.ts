import { PgwardenError } from '../core/errors.js';
import type { Connection } from '../db/connection.js';
import type { SqlStatement } from '../sql/parser.js';
import { type BackupManifest, takeBackup } from './backup.js';
import { everyRelation, loadGuardCatalog, reachedRelations } from './catalog.js';
import { type GuardPlan, NOT_DDL, planGuard } from './plan.js';

/** What the guard did for one migration: the backup, or why there is none (both go to the history row). */
export interface GuardOutcome {
  readonly backup: BackupManifest | null;
  /** Why there is no backup: "nothing destructive", "nothing to lose: …" (null when there is a backup). */
  readonly note: string | null;
  readonly plan: GuardPlan;
}

/** The history's note for a migration run without the guard on purpose. */
export const EMBEDDED_NOTE = 'embedded scratch server';

/**
 * A reason given to skip the guard must say something: an empty or blank one is refused (exit 2), by the library
 * itself, whatever calls it.
 */
export function requireGuardReason(reason: string | undefined): void {
  if (reason !== undefined && reason.trim() === '') {
    throw new PgwardenError('usage', 'skipping the guard needs a reason, and the one given is empty', {
      hint: 'say why no backup is needed, e.g. --no-guard --reason "table archived in ticket 42"; it is kept in the history',
    });
  }
}

/**
 * Whether the statements could destroy anything, judged without the catalog (the preview plan, and any write or
 * call of code a trigger or function could turn into one): when not, the guard has nothing to read or back up,
 * and the migration can go to the server in one round trip.
 */
export function mayDestroy(
  statements: readonly Pick<SqlStatement, 'ast' | 'start' | 'text' | 'kind'>[],
  transactional: boolean,
  database: { readonly eventTriggers: boolean } = { eventTriggers: false },
): boolean {
  if (database.eventTriggers && statements.some((s) => !NOT_DDL.has(s.kind))) return true;
  const preview = planGuard(statements, undefined, { transactional });
  if (preview.items.length > 0 || preview.unresolved.length > 0) return true;
  return statements.some((s) => touchesCode(s.ast));
}

/**
 * The query of {@link guardFacts}, one row with the boolean `any`: the runner appends it to a migration's COMMIT
 * (the same round trip) for the next migration's facts.
 */
export const GUARD_FACTS_SQL = `SELECT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtenabled <> 'D') AS any`;

/** What {@link mayDestroy} needs of the database: whether event triggers run code on DDL. */
export async function guardFacts(connection: Connection): Promise<{ readonly eventTriggers: boolean }> {
  const [row] = await connection.rows<{ any: boolean }>('looking for event triggers', GUARD_FACTS_SQL);
  return { eventTriggers: row!.any };
}

const WRITES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CopyStmt', 'TruncateStmt']);

function touchesCode(ast: unknown): boolean {
  let found = false;
  const visit = (value: unknown): void => {
    if (found || !value || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
      return;
    }
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === 'CreateFunctionStmt') continue;
      if (WRITES.has(k) || k === 'DoStmt' || k === 'CallStmt') {
        found = true;
        return;
      }
      if (k === 'FuncCall') {
        const names = ((v as { funcname?: { String?: { sval?: string } }[] }).funcname ?? []).map(
          (n) => n.String?.sval,
        );
        if (names.length !== 2 || names[0] !== 'pg_catalog') {
          if (!SAFE_CALLS.has(names.at(-1) ?? '')) {
            found = true;
            return;
          }
        }
      }
      visit(v);
    }
  };
  visit(ast);
  return found;
}

// Calls that need no look at the catalog (built-ins that write nothing), for the fast path only.
const SAFE_CALLS = new Set([
  'now',
  'gen_random_uuid',
  'nextval',
  'current_timestamp',
  'lower',
  'upper',
  'coalesce',
]);

/**
 * The guard for one migration: plans it statement by statement against the live catalog (read on `connection`,
 * which must be where the migration will run, before its first statement), then backs up and proves what it
 * destroys — or, for what it cannot resolve (dynamic SQL, code that may write), the whole database, refusing when
 * that exceeds `wholeDatabaseMaxBytes`.
 */
export async function runGuard(input: GuardInput): Promise<GuardOutcome> {
  const { connection } = input;
  // Outside the migration's transaction, one of the guard's own (REPEATABLE READ): the catalog it plans on, the
  // counts and the dump see one snapshot. JIT off for its catalog queries (compiling them costs more than running).
  const own = !input.inTransaction;
  if (own) await connection.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  try {
    const [settings] = await connection.rows<{ jit: string }>(
      'preparing the guard',
      `SELECT current_setting('jit') AS jit, set_config('jit', 'off', true)`,
    );
    const outcome = await guardInTransaction(input);
    if (own) await connection.query('COMMIT');
    else await connection.query(`SELECT set_config('jit', $1, true)`, [settings!.jit]);
    return outcome;
  } catch (error) {
    if (own) await connection.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

interface GuardInput {
  readonly connection: Connection;
  readonly url: string;
  readonly dir: string;
  readonly label: string;
  readonly statements: readonly Pick<SqlStatement, 'ast' | 'start' | 'text' | 'kind'>[];
  readonly transactional: boolean;
  /** The connection is in the migration's transaction (else the guard opens and ends one of its own). */
  readonly inTransaction: boolean;
  readonly lockTimeout?: string;
  /** The largest whole-database backup taken for what cannot be resolved (the config's backups.wholeDatabaseMaxMb). */
  readonly wholeDatabaseMaxBytes: number;
  readonly log?: (message: string) => void;
}

async function guardInTransaction(input: GuardInput): Promise<GuardOutcome> {
  const log = input.log ?? (() => {});
  const catalog = await loadGuardCatalog(input.connection, input.statements);
  const plan = planGuard(input.statements, catalog, { transactional: input.transactional });
  if (plan.items.length === 0 && plan.unresolved.length === 0)
    return { backup: null, note: 'nothing destructive', plan };
  const actions = [
    ...plan.items.map((i) => ({ line: i.line, text: i.action })),
    ...plan.unresolved.map((u) => ({ line: u.line, text: `cannot be resolved statically: ${u.reason}` })),
  ]
    .sort((a, b) => a.line - b.line)
    .map((a) => `line ${a.line}: ${a.text}`);
  const reason = actions.join('; ');
  let reached: Awaited<ReturnType<typeof reachedRelations>>;
  let wholeDatabase: string[] | undefined;
  if (plan.unresolved.length > 0) {
    const everything = await everyRelation(input.connection);
    const limit = input.wholeDatabaseMaxBytes;
    const reasons = plan.unresolved.map((u) => `line ${u.line}: ${u.reason}`);
    const refused = plan.unresolved.filter((u) => u.refuse);
    if (refused.length > 0) {
      throw new PgwardenError(
        'guard-refused',
        `${input.label}: ${refused.map((u) => `line ${u.line}: ${u.reason}`).join('; ')}`,
        {
          hint: 'back up what it destroys yourself, then run with --no-guard --reason "<why>" (kept in the history)',
        },
      );
    }
    if (everything.bytes > limit) {
      throw new PgwardenError(
        'guard-refused',
        `${input.label}: the guard cannot tell what this migration destroys (${reasons.join('; ')}), and a backup of the whole database (${Math.round(everything.bytes / 1024 / 1024)} MB) exceeds the limit of ${Math.round(limit / 1024 / 1024)} MB`,
        {
          hint: 'back up yourself and run with --no-guard --reason "<why>" (kept in the history), rewrite the statement so the guard can see what it destroys, or raise backups.wholeDatabaseMaxMb in the config',
        },
      );
    }
    reached = { relations: everything.relations, schemas: [] };
    wholeDatabase = reasons;
    log(`guard: ${reasons.join('; ')}: backing up the whole database before ${input.label}`);
  } else {
    reached = await reachedRelations(input.connection, plan.items);
    if (reached.relations.length === 0 && reached.schemas.length === 0)
      return { backup: null, note: `nothing to lose: ${reason} (not there)`, plan };
    log(
      `guard: backing up ${[...reached.relations.map((r) => r.name), ...reached.schemas.map((s) => `schema ${s}`)].join(', ')} before ${input.label}`,
    );
  }
  const backup = await takeBackup({
    connection: input.connection,
    url: input.url,
    dir: input.dir,
    label: input.label,
    relations: reached.relations,
    schemas: reached.schemas,
    ...(wholeDatabase ? { wholeDatabase } : {}),
    inTransaction: true,
    ...(input.lockTimeout ? { lockTimeout: input.lockTimeout } : {}),
    reason,
  });
  return { backup, note: null, plan };
}
