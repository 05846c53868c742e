import { diffFingerprints, type SchemaFingerprint } from '../catalog/fingerprint.js';
import type { LoadedConfig } from '../core/config.js';
import { createRuleSet, type RuleSet } from '../core/engine.js';
import { targetMajor } from '../core/pg-major.js';
import { createReport, type Report } from '../core/report.js';
import { VERSION } from '../core/version.js';
import type { Connection } from '../db/connection.js';
import { createScratchDatabase, type ScratchDatabase } from '../db/scratch.js';
import type { DatabaseTarget } from '../db/target.js';
import type { ReversibilityResult, VerifyResult } from '../lint/reversibility.js';
import { type Migration, type MigrationScript, migrationsFolder, readMigrations } from '../migrate/files.js';
import { layoutHasDowns } from '../migrate/layouts.js';
import { serverFingerprint } from '../migrate/server-fingerprint.js';
import { allRules } from '../rules/index.js';
import { loadParser, parseSqlSync, type SqlStatement } from '../sql/parser.js';

function statementsOf(script: MigrationScript): SqlStatement[] {
  const parsed = parseSqlSync(script.text, { file: script.file });
  const [error] = parsed.syntaxErrors;
  if (error)
    throw new Error(`${script.file}:${error.position.line}:${error.position.column}: ${error.message}`);
  return [...parsed.statements];
}

/**
 * Runs the statements one by one (an error names its line). `before` (BEGIN, SAVEPOINT) goes in with the first
 * statement and `after` (COMMIT) with the last, in the same round trip: the server runs nothing after a statement
 * that fails.
 */
async function runAll(
  connection: Connection,
  statements: readonly SqlStatement[],
  wrap: { before?: string; after?: string } = {},
): Promise<void> {
  if (statements.length === 0) {
    const sql = [wrap.before, wrap.after].filter((part) => part !== undefined).join(';\n');
    if (sql) await connection.query(sql);
    return;
  }
  for (const [i, statement] of statements.entries()) {
    const head = i === 0 && wrap.before !== undefined ? `${wrap.before};\n` : '';
    // a newline before the semicolon: a statement may end in a -- comment
    const tail = i === statements.length - 1 && wrap.after !== undefined ? `\n;\n${wrap.after}` : '';
    try {
      await connection.query(`${head}${statement.text}${tail}`);
    } catch (error) {
      throw new Error(`line ${statement.start.line}: ${(error as Error).message}`);
    }
  }
}

/**
 * The fingerprint of the state the connection sees (its own transaction's changes included), computed by the
 * server in one query. Only the total comes back unless `objects`: a state compared later, once it is gone (the
 * state after up), keeps its per-object hashes; another state needs them only when its total differs, and is
 * still there to ask (`withObjects`).
 */
async function print(connection: Connection, objects: boolean): Promise<SchemaFingerprint> {
  return serverFingerprint(connection, [], { withObjects: objects });
}

/** `state` with its per-object hashes, read now (the connection is still in that state) if it differs from `other`. */
async function detailedIfDifferent(
  connection: Connection,
  state: SchemaFingerprint,
  other: SchemaFingerprint,
): Promise<SchemaFingerprint> {
  return state.hash === other.hash ? state : print(connection, true);
}

function downLine(migration: Migration): number {
  if (!migration.down) return 1;
  const index = migration.down.text.search(/\S/);
  return index < 0 ? 1 : migration.down.text.slice(0, index).split('\n').length;
}

/**
 * Down, then up again, on `connection`, after up left the schema at `afterUp`: the verdict of one migration. In a
 * transaction (the caller rolls it back) a failing up-again is undone to a savepoint; outside one (a copy of the
 * database, for what cannot run in a transaction) nothing needs undoing.
 */
async function roundTrip(
  connection: Connection,
  statements: { readonly down: readonly SqlStatement[]; readonly up: readonly SqlStatement[] },
  fingerprints: { readonly before: SchemaFingerprint; readonly afterUp: SchemaFingerprint },
  inTransaction: boolean,
): Promise<Pick<ReversibilityResult, 'verdict' | 'differences' | 'error'>> {
  const { before, afterUp } = fingerprints;
  try {
    await runAll(connection, statements.down, inTransaction ? { before: 'BEGIN' } : {});
    const afterDown = await detailedIfDifferent(connection, await print(connection, false), before);
    let afterUpAgain: SchemaFingerprint | null = null;
    let upAgainError: string | null = null;
    try {
      await runAll(connection, statements.up, inTransaction ? { before: 'SAVEPOINT pgwarden_up_again' } : {});
      afterUpAgain = await detailedIfDifferent(connection, await print(connection, false), afterUp);
    } catch (error) {
      upAgainError = (error as Error).message;
      if (inTransaction) await connection.query('ROLLBACK TO SAVEPOINT pgwarden_up_again');
    }
    const verdict = verdictOf(afterDown, before, afterUpAgain, afterUp);
    return {
      ...(upAgainError && verdict.verdict === 'reversible'
        ? { verdict: 'not repeatable' as const, differences: null }
        : verdict),
      error: upAgainError ? `up again: ${upAgainError}` : null,
    };
  } catch (error) {
    return { verdict: 'down failed', differences: null, error: (error as Error).message };
  }
}

function verdictOf(
  afterDown: SchemaFingerprint,
  before: SchemaFingerprint,
  afterUpAgain: SchemaFingerprint | null,
  afterUp: SchemaFingerprint,
) {
  // equal totals: the same schema (the per-object hashes are compared only when the totals differ)
  const back = before.hash === afterDown.hash ? null : diffFingerprints(before, afterDown);
  if (back && back.added.length + back.removed.length + back.changed.length > 0) {
    return {
      verdict: back.orderOnly ? ('column order' as const) : ('not reversible' as const),
      differences: back,
    };
  }
  if (afterUpAgain) {
    const again = afterUp.hash === afterUpAgain.hash ? null : diffFingerprints(afterUp, afterUpAgain);
    if (again && again.added.length + again.removed.length + again.changed.length > 0) {
      return {
        verdict: again.orderOnly ? ('column order' as const) : ('not repeatable' as const),
        differences: again,
      };
    }
  }
  return { verdict: 'reversible' as const, differences: null };
}

/**
 * `pgwarden migrate verify`: on a scratch database, applies the migrations in order and checks each one: its down,
 * run in the exact state its own up produced, must bring the schema back to what it was before that up, and up
 * again must rebuild the same schema. Each migration is tested on its own state — transactional ones inside a
 * transaction that is rolled back, the others on a copy of the database — so one irreversible migration neither
 * hides nor fakes the verdict of the others.
 */
export async function verifyMigrations(
  target: DatabaseTarget,
  config: LoadedConfig,
  options: { dir?: string; log?: (message: string) => void } = {},
): Promise<VerifyResult> {
  await loadParser();
  const started = performance.now();
  const migrations = await readMigrations(migrationsFolder(config, options.dir));
  const scratch = await createScratchDatabase(target);
  const results: ReversibilityResult[] = [];
  let server = target.display;
  let pgVersion: number;
  try {
    let connection = await scratch.connect();
    const [row] = await connection.rows<{ v: string; num: string }>(
      'verify',
      `SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS num`,
    );
    pgVersion = Math.floor(Number(row!.num) / 10_000);
    server = `PostgreSQL ${row!.v} (${target.display})`;
    let before = await print(connection, true);
    for (const migration of migrations) {
      const t0 = performance.now();
      const base = {
        version: migration.version,
        name: migration.name,
        file: migration.up.file,
        downLine: downLine(migration),
        runnerHasDowns: layoutHasDowns(migration.layout),
      };
      options.log?.(`verifying ${migration.version}_${migration.name}`);
      let up: SqlStatement[];
      try {
        // a file PostgreSQL cannot parse is a failed up, not an internal error
        up = statementsOf(migration.up);
        if (migration.up.transaction) {
          await runAll(connection, up, { before: 'BEGIN', after: 'COMMIT' }).catch(async (error) => {
            await connection.query('ROLLBACK').catch(() => {});
            throw error;
          });
        } else {
          await runAll(connection, up);
        }
      } catch (error) {
        results.push({
          ...base,
          verdict: 'up failed',
          differences: null,
          error: (error as Error).message,
          ms: performance.now() - t0,
        });
        break;
      }
      const afterUp = await print(connection, true);
      if (!migration.down) {
        results.push({
          ...base,
          verdict: 'no down',
          differences: null,
          error: null,
          ms: performance.now() - t0,
        });
        before = afterUp;
        continue;
      }
      let down: SqlStatement[];
      try {
        down = statementsOf(migration.down);
      } catch (error) {
        // a down PostgreSQL cannot parse fails: a finding, not an internal error
        results.push({
          ...base,
          verdict: 'down failed',
          differences: null,
          error: (error as Error).message,
          ms: performance.now() - t0,
        });
        before = afterUp;
        continue;
      }
      if (migration.up.transaction && migration.down.transaction) {
        // transactional DDL: test down and up again, then roll both back to the state up produced
        try {
          const outcome = await roundTrip(connection, { down, up }, { before, afterUp }, true);
          results.push({ ...base, ...outcome, ms: performance.now() - t0 });
        } finally {
          await connection.query('ROLLBACK').catch(() => {});
        }
      } else {
        // CONCURRENTLY and friends cannot be rolled back: test on a copy of the database
        await scratch.closeConnections();
        const copy = await copyDatabase(target, scratch);
        try {
          const outcome = await roundTrip(await copy.connect(), { down, up }, { before, afterUp }, false);
          results.push({ ...base, ...outcome, ms: performance.now() - t0 });
        } finally {
          await copy.drop();
        }
        connection = await scratch.connect();
      }
      before = afterUp;
    }
  } finally {
    await scratch.drop();
  }
  return { server, pgVersion, results, ms: performance.now() - started };
}

async function copyDatabase(target: DatabaseTarget, source: ScratchDatabase): Promise<ScratchDatabase> {
  // a copy per migration that cannot run in a transaction: each is dropped at once, even where the scratch
  // databases' drops wait (they would pile up)
  return createScratchDatabase({ ...target, scratchDrops: undefined }, { template: source.name });
}

/** `pgwarden migrate verify` as a report: one finding per migration that is not reversible. */
export async function verifyReport(
  target: DatabaseTarget,
  config: LoadedConfig,
  options: {
    dir?: string;
    log?: (message: string) => void;
    /** The rules to run; default: every rule, with the config's settings. */
    ruleSet?: RuleSet;
    /** The target major (`--pg-version`); default: the server's the migrations were verified on. */
    pgVersion?: number;
  } = {},
): Promise<Report<VerifyData>> {
  const ruleSet = options.ruleSet ?? createRuleSet(allRules, config.config);
  const result = await verifyMigrations(target, config, options);
  const { major, warning } = targetMajor({ given: options.pgVersion, server: result.pgVersion });
  if (warning) options.log?.(warning);
  const run = ruleSet.run('reversibility', result, { pgVersion: major });
  return createReport({
    version: VERSION,
    command: 'migrate verify',
    findings: run.findings,
    data: { verify: result },
  });
}

export interface VerifyData extends Record<string, unknown> {
  readonly verify: VerifyResult;
}
