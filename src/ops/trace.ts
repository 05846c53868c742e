import type { Connection } from '../db/connection.js';
import { createScratchDatabase } from '../db/scratch.js';
import type { DatabaseTarget } from '../db/target.js';
import { type ObservedStatement, traceConcurrently, traceInTransaction } from '../lint/lock-trace.js';
import type { AnalyzedStatement, MigrationModel } from '../lint/migration-model.js';
import { transactionControl } from '../lint/migration-model.js';
import { oneLine } from '../lint/rule-helpers.js';
import { seedEmptyTables } from '../lint/seed.js';
import type { TracedStatement, TraceModel } from '../lint/trace-model.js';
import { behaviourAt } from '../locks/model.js';
import { type LockMode, strength, strongest } from '../locks/modes.js';

const TABLE_KINDS = new Set(['table', 'partitioned table', 'materialized view']);

type Prediction = TracedStatement['predicted'];

/**
 * What the model predicts for a statement as PostgreSQL runs it: for a DO block, what it predicts for the
 * statements inside it (their locks, the strongest per relation, and their rewrites and scans).
 */
function predictionOf(analyzed: AnalyzedStatement, inside: readonly AnalyzedStatement[]): Prediction {
  const all = [analyzed, ...inside];
  const locks = new Map<string, LockMode>();
  for (const { relation, mode } of all.flatMap((a) => a.locks)) {
    const previous = locks.get(relation);
    if (!previous || strength(mode) > strength(previous)) locks.set(relation, mode);
  }
  return {
    locks: [...locks].map(([relation, mode]) => ({ relation, mode })),
    rewrites: [...new Set(all.flatMap((a) => a.rewrites))],
    scans: [...new Set(all.flatMap((a) => a.scans))],
  };
}

function compare(
  analyzed: Prediction,
  observed: ObservedStatement,
  existing: ReadonlySet<string>,
  /** Tables that stayed empty (could not be seeded), with the reason. */
  empty: ReadonlyMap<string, string>,
): { mismatches: string[]; notes: string[] } {
  const mismatches: string[] = [];
  const notes: string[] = [];
  if (observed.error) return { mismatches, notes };
  const seen = new Map(observed.locks.filter((l) => existing.has(l.relation)).map((l) => [l.relation, l]));
  const held = new Map(observed.alreadyHeld.map((l) => [l.relation, l.mode]));
  for (const lock of analyzed.locks) {
    const actual = seen.get(lock.relation);
    if (observed.mode === 'concurrent' && !actual) continue; // a concurrent statement may hold nothing while watched
    // pg_locks shows only the modes the statement newly took: a mode the transaction already held (from an earlier
    // statement) does not show again. What counts is the strongest lock held once the statement ran.
    const previous = held.get(lock.relation);
    const holding = strongest([previous, actual?.mode].filter((m): m is LockMode => m !== undefined));
    if (actual && strength(actual.mode) > strength(lock.mode))
      mismatches.push(`the model predicts ${lock.mode} on ${lock.relation}; PostgreSQL took ${actual.mode}`);
    else if (holding === undefined)
      mismatches.push(`the model predicts ${lock.mode} on ${lock.relation}; PostgreSQL took no lock on it`);
    else if (strength(holding) < strength(lock.mode))
      mismatches.push(
        `the model predicts ${lock.mode} on ${lock.relation}; PostgreSQL took ${actual?.mode ?? 'no new lock'}${previous ? ` (the transaction held ${previous})` : ''}`,
      );
  }
  for (const lock of seen.values()) {
    if (!TABLE_KINDS.has(lock.kind) || strength(lock.mode) <= strength('RowExclusiveLock')) continue;
    if (!analyzed.locks.some((l) => l.relation === lock.relation)) {
      mismatches.push(`PostgreSQL took ${lock.mode} on ${lock.relation}, which the model does not predict`);
    }
  }
  if (observed.mode === 'transaction') {
    for (const relation of analyzed.rewrites) {
      if (!observed.rewritten.includes(relation))
        mismatches.push(`the model predicts a rewrite of ${relation}; PostgreSQL did not rewrite it`);
    }
    for (const relation of observed.rewritten) {
      if (
        existing.has(relation) &&
        !analyzed.rewrites.includes(relation) &&
        seen.get(relation) &&
        TABLE_KINDS.has(seen.get(relation)!.kind)
      ) {
        mismatches.push(`PostgreSQL rewrote ${relation}, which the model does not predict`);
      }
    }
    for (const relation of analyzed.scans) {
      if (observed.scanned.includes(relation)) continue;
      const why = empty.get(relation);
      if (why !== undefined)
        notes.push(
          `${relation} could not be seeded (${why}): the full read the model predicts could not be seen on an empty table`,
        );
      else mismatches.push(`the model predicts a full read of ${relation}; PostgreSQL did not read it whole`);
    }
  }
  return { mismatches, notes };
}

async function existingRelations(connection: Connection): Promise<Set<string>> {
  const rows = await connection.rows<{ name: string }>(
    'tracing: listing relations',
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname !~ '^pg_(toast_)?temp_'`,
  );
  return new Set(rows.map((r) => r.name));
}

/**
 * Runs the migrations on a scratch database, in order, each as the runner would (in its transaction, or statement
 * by statement), with rows put in the tables first, and records what every statement really locked, rewrote and
 * read — next to the lock model's prediction for the server's version.
 */
export async function traceMigrations(
  target: DatabaseTarget,
  migrations: readonly MigrationModel[],
  log: (message: string) => void = () => {},
): Promise<TraceModel> {
  const scratch = await createScratchDatabase(target);
  const statements: TracedStatement[] = [];
  const seeded = new Set<string>();
  const notSeeded = new Map<string, string>();
  let stopped: TraceModel['stopped'] = null;
  try {
    const [worker, observer, blocker] = [
      await scratch.connect(),
      await scratch.connect(),
      await scratch.connect(),
    ];
    const serverVersion = (
      await worker.rows<{ v: string }>('tracing', `SELECT current_setting('server_version') AS v`)
    )[0]!.v;
    scripts: for (const migration of migrations) {
      log(`tracing ${migration.file}`);
      const seed = await seedEmptyTables(worker);
      for (const table of seed.seeded) seeded.add(table);
      for (const { table, reason } of seed.skipped) notSeeded.set(table, reason);
      const empty = new Map(seed.skipped.map(({ table, reason }) => [table, reason]));
      const existing = await existingRelations(worker);
      let inBlock = false;
      if (migration.runnerTransaction) {
        await worker.query('BEGIN');
        inBlock = true;
      }
      for (const analyzed of migration.statements) {
        if (analyzed.embeddedIn) continue;
        const { statement } = analyzed;
        const inside =
          statement.kind === 'DoStmt'
            ? migration.statements.filter(
                (a) =>
                  a.embeddedIn === 'do' &&
                  a.statement.origin.kind === 'function-body' &&
                  a.statement.origin.parent === statement.index,
              )
            : [];
        const predicted = predictionOf(analyzed, inside);
        const control = transactionControl(statement);
        if (control) {
          await worker.query(statement.text).catch(() => {});
          inBlock = control === 'TRANS_STMT_BEGIN' || control === 'TRANS_STMT_START';
          continue;
        }
        const concurrent = analyzed.operations.some(
          (o) => o.entry && behaviourAt(o.entry, migration.pgVersion)?.transactionBlock === false,
        );
        let observed: ObservedStatement;
        if (inBlock) {
          observed = await traceInTransaction(worker, statement.text);
        } else if (concurrent) {
          const touched = [
            ...new Set(
              analyzed.operations
                .flatMap((o) => Object.values(o.relations))
                .filter((r): r is string => Boolean(r)),
            ),
          ];
          observed = await traceConcurrently(worker, observer, blocker, statement.text, touched);
        } else {
          await worker.query('BEGIN');
          observed = await traceInTransaction(worker, statement.text);
          await worker.query(observed.error ? 'ROLLBACK' : 'COMMIT');
        }
        statements.push({
          file: migration.file,
          line: statement.start.line,
          column: statement.start.column,
          sql: oneLine(statement.text, 200),
          predicted,
          observed,
          ...compare(predicted, observed, existing, empty),
        });
        if (observed.error) {
          stopped = { file: migration.file, line: statement.start.line, error: observed.error };
          if (inBlock) await worker.query('ROLLBACK').catch(() => {});
          break scripts;
        }
      }
      if (inBlock) await worker.query('COMMIT');
    }
    return {
      server: `PostgreSQL ${serverVersion} on ${target.display}`,
      statements,
      seeded: [...seeded],
      notSeeded: [...notSeeded].map(([table, reason]) => ({ table, reason })),
      stopped,
    };
  } finally {
    await scratch.drop();
  }
}
