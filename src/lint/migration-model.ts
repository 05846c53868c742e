import { type Behaviour, behaviourAt, type TargetRole } from '../locks/model.js';
import { blocksReads, blocksWrites, type LockMode, strength } from '../locks/modes.js';
import { asNode, type Node, stringValues } from '../sql/ast.js';
import type { ParsedSql, SqlStatement } from '../sql/parser.js';
import { applyToState } from './apply-state.js';
import { type Operation, operationsOf } from './operations.js';
import type { SchemaState, TableState, TransactionRef } from './schema-state.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds.js';

export interface StatementLock {
  readonly relation: string;
  readonly role: TargetRole;
  readonly mode: LockMode;
  readonly blocksReads: boolean;
  readonly blocksWrites: boolean;
}

/** One statement of a migration, with what it does and what it holds, on the target PostgreSQL version. */
export interface AnalyzedStatement {
  readonly statement: SqlStatement;
  readonly operations: readonly Operation[];
  /** The transaction it runs in; statements in autocommit each have their own. */
  readonly transaction: TransactionRef;
  /** Inside a transaction block (the runner's or an explicit BEGIN): CONCURRENTLY and VACUUM cannot run there. */
  readonly inTransactionBlock: boolean;
  readonly lockTimeoutSet: boolean;
  readonly statementTimeoutSet: boolean;
  /** Locks on relations that existed before this migration (new tables are nobody else's yet). */
  readonly locks: readonly StatementLock[];
  readonly rewrites: readonly string[];
  readonly scans: readonly string[];
  /** Statement kinds the target version does not have (e.g. DETACH … CONCURRENTLY before 14). */
  readonly unsupported: readonly Operation[];
  /** From a PL/pgSQL body: a DO block (runs here) or a function (runs when called). */
  readonly embeddedIn: 'do' | 'function' | undefined;
}

/**
 * The lines that take a migration out of its runner's transaction, as fixes write them: pgwarden's own (which its
 * runner honours in every layout), and the runners' own where they have one in the file (migrate/layouts.ts picks
 * one per layout; rules word their messages by it).
 */
export const NO_TRANSACTION_LINES = {
  pgwarden: '-- pgwarden:no-transaction',
  dbmate: '-- migrate:up transaction:false',
  goose: '-- +goose NO TRANSACTION',
  /** Read only as a file's very first bytes. */
  sqlx: '-- no-transaction',
} as const;

/** The model of migration rules: one migration script, statement by statement. */
export interface MigrationModel {
  readonly file: string;
  readonly parsed: ParsedSql;
  readonly pgVersion: number;
  /** The runner wraps the script in one transaction (pgwarden's default; off with `-- pgwarden:no-transaction`). */
  readonly runnerTransaction: boolean;
  /**
   * Without the runner's transaction, the script is still sent as one string (its layout's runner does so:
   * golang-migrate, Prisma, diesel and dbmate opt-outs): several statements then share PostgreSQL's implicit
   * transaction block, each COMMIT starting a new one.
   */
  readonly sentWhole: boolean;
  /**
   * What the runner's transaction covers: this migration (`migration`), or every pending migration of the run
   * (`run`: node-pg-migrate's default), so that a failure here rolls back the migrations before it in the run too,
   * and a COMMIT in the file commits them.
   */
  readonly runnerTransactionSpan: 'migration' | 'run';
  /**
   * The line that takes a migration of this script's layout out of the runner's transaction, as fixes write it:
   * pgwarden's `-- pgwarden:no-transaction` unless the layout's runner has its own (dbmate, goose…).
   */
  readonly noTransactionLine: string;
  /**
   * Offsets where the layout's runner ends a statement by itself, without parsing (goose: each line ending in `;`
   * outside a StatementBegin … StatementEnd block); empty when it sends statements as PostgreSQL's parser ends them.
   */
  readonly runnerCuts: readonly number[];
  /**
   * With `runnerTransaction`: the transaction is PostgreSQL's implicit one for a string of several statements, sent
   * without BEGIN (golang-migrate, Prisma, an opt-out such as sqlx's `-- no-transaction`), not one the runner begins.
   */
  readonly implicitTransaction: boolean;
  readonly statements: readonly AnalyzedStatement[];
  /** Facts on a table as they were before this script (size from --db, partitioning), or undefined if unknown. */
  table(name: string): TableFacts | undefined;
  /** The table was created by this script. */
  createdHere(name: string): boolean;
  /** The facts come from a real database (--db). */
  readonly fromDatabase: boolean;
  readonly thresholds: Thresholds;
}

export interface TableFacts {
  readonly rows: number | null;
  readonly bytes: number | null;
  readonly partitioned: boolean;
  /** Created by an earlier script of this run: not in the database yet, so empty when this one runs. */
  readonly createdByLint: boolean;
}

/** pgwarden's directive, or dbmate's option exactly as dbmate reads it (no space, lower case). */
const NO_TRANSACTION =
  /--\s*pgwarden:no-transaction\b|^--\s*migrate:up[ \t](?:[^\n]*[ \t])?transaction:false(?=\s|$)/im;

/** Whether the file asks to run without the runner's transaction. */
export function wantsNoTransaction(text: string): boolean {
  return NO_TRANSACTION.test(text);
}

function settingName(
  statement: SqlStatement,
): { name: string; value: string | null; local: boolean } | undefined {
  const set = asNode<{ kind?: string; name?: string; args?: Node[]; is_local?: boolean }>(
    statement.ast,
    'VariableSetStmt',
  );
  if (set) {
    if (set.kind === 'VAR_RESET' || set.kind === 'VAR_SET_DEFAULT')
      return { name: set.name ?? '', value: null, local: false };
    const arg = set.args?.[0];
    const constant = asNode<{ sval?: { sval?: string }; ival?: { ival?: number } }>(arg, 'A_Const');
    const value =
      constant?.sval?.sval ??
      (constant?.ival?.ival !== undefined ? String(constant.ival.ival) : constant ? '0' : null);
    return { name: set.name ?? '', value, local: set.is_local === true };
  }
  // SELECT set_config('lock_timeout', '2s', false)
  const match = /set_config\s*\(\s*'(\w+)'\s*,\s*'([^']*)'\s*,\s*(true|false)/i.exec(statement.text);
  if (match && statement.kind === 'SelectStmt')
    return { name: match[1]!, value: match[2]!, local: match[3]!.toLowerCase() === 'true' };
  return undefined;
}

const isZero = (value: string | null) => value === null || /^\s*0+\s*(ms|s|min)?\s*$/i.test(value);

function effects(
  operations: readonly Operation[],
  pgVersion: number,
  createdHere: (name: string) => boolean,
) {
  const locks = new Map<string, StatementLock>();
  const rewrites = new Set<string>();
  const scans = new Set<string>();
  const unsupported: Operation[] = [];
  for (const operation of operations) {
    if (!operation.entry) continue;
    let behaviour: Behaviour | undefined;
    try {
      behaviour = behaviourAt(operation.entry, pgVersion);
    } catch {
      continue;
    }
    if (!behaviour) {
      unsupported.push(operation);
      continue;
    }
    for (const { role, mode: modelMode } of behaviour.locks) {
      const relation = operation.relations[role];
      if (!relation || createdHere(relation)) continue;
      const mode = operation.entry === 'lock-table' && operation.lockMode ? operation.lockMode : modelMode;
      const previous = locks.get(relation);
      if (!previous || strength(mode) > strength(previous.mode)) {
        locks.set(relation, {
          relation,
          role,
          mode,
          blocksReads: blocksReads(mode),
          blocksWrites: blocksWrites(mode),
        });
      }
    }
    const main = operation.relations.table ?? operation.relations.index;
    if (behaviour.rewrite && main && !createdHere(main)) rewrites.add(main);
    // a type change that keeps the table's files still rebuilds the indexes on the column: it reads the table
    if (operation.rebuildsIndexes?.length && main && !createdHere(main)) scans.add(main);
    const proofSkipsScan = operation.provenNotNull === true && pgVersion >= 12;
    for (const role of proofSkipsScan ? [] : behaviour.scans) {
      const relation = operation.relations[role];
      if (relation && !createdHere(relation)) scans.add(relation);
    }
  }
  return { locks: [...locks.values()], rewrites: [...rewrites], scans: [...scans], unsupported };
}

/**
 * Analyses a migration script statement by statement: transactions (the runner's and explicit ones), timeouts,
 * what each statement does and the locks it takes on the target version. `state` is the schema before the
 * script; it is updated as statements are analysed, so the next script sees their effect — except when the
 * script has a syntax error and runs in the runner's transaction: PostgreSQL then applies none of it (the whole
 * migration fails), so its statements are analysed (and linted) as written, but the next script does not see
 * their effect. Run without a transaction, the statements that parsed are taken to have run.
 */
export function analyzeMigration(
  parsed: ParsedSql,
  options: {
    pgVersion: number;
    runnerTransaction: boolean;
    /** See MigrationModel.sentWhole (default false: statement by statement). */
    sentWhole?: boolean;
    /** See MigrationModel.runnerTransactionSpan (default `migration`). */
    runnerTransactionSpan?: 'migration' | 'run';
    /** See MigrationModel.noTransactionLine (default pgwarden's directive). */
    noTransactionLine?: string;
    /** See MigrationModel.runnerCuts (default none). */
    runnerCuts?: readonly number[];
    /** See MigrationModel.implicitTransaction (default false). */
    implicitTransaction?: boolean;
    state: SchemaState;
    thresholds?: Thresholds;
  },
): MigrationModel {
  const { pgVersion, runnerTransaction, state } = options;
  const sentWhole = !runnerTransaction && options.sentWhole === true;
  const file = parsed.file;
  const before = new Map<string, TableState>(state.tables);
  const fails = (runnerTransaction || sentWhole) && parsed.syntaxErrors.length > 0;
  const restore = fails ? state.checkpoint() : undefined;
  const created = new Set<string>();
  const statements: AnalyzedStatement[] = [];
  let transactionIndex = 0;
  // one string of several statements: PostgreSQL runs them in an implicit transaction block (a single statement
  // runs alone, outside any block); the script's own BEGIN turns it into an explicit block, COMMIT ends it and the
  // statements after it share a new implicit one
  const implicit = sentWhole && parsed.statements.length + parsed.syntaxErrors.length > 1;
  let inBlock = runnerTransaction || implicit;
  /** Within the runner's transaction or the script's own BEGIN (what makes a BEGIN nested). */
  let explicit = runnerTransaction;
  let lockTimeout = false;
  let statementTimeout = false;
  let localLock = false;
  let localStatement = false;
  // the session's TimeZone (decides whether timestamp ↔ timestamptz rewrites), and a SET LOCAL's until COMMIT
  let timeZone = state.sessionTimeZone;
  let localTimeZone: string | undefined;

  const embeddedByParent = new Map<number, SqlStatement[]>();
  for (const statement of parsed.embedded) {
    if (statement.origin.kind !== 'function-body') continue;
    const list = embeddedByParent.get(statement.origin.parent) ?? [];
    list.push(statement);
    embeddedByParent.set(statement.origin.parent, list);
  }

  const analyze = (
    statement: SqlStatement,
    transaction: TransactionRef,
    embeddedIn: AnalyzedStatement['embeddedIn'],
  ) => {
    const operations = operationsOf(statement.kind, statement.ast, {
      state,
      transaction,
      pgVersion,
      timeZone: localTimeZone ?? timeZone,
    });
    const createdHere = (name: string) => created.has(name);
    const effect = effects(operations, pgVersion, createdHere);
    statements.push({
      statement,
      operations,
      transaction,
      inTransactionBlock: inBlock,
      lockTimeoutSet: lockTimeout || localLock,
      statementTimeoutSet: statementTimeout || localStatement,
      ...effect,
      embeddedIn,
    });
    if (embeddedIn !== 'function') {
      const change = applyToState(statement.kind, statement.ast, state, transaction);
      for (const name of change.created) created.add(name);
      // a renamed table is the same table: new if it was new, and with the facts it had before the script
      for (const { from, to } of change.renamed) {
        if (created.has(from)) created.add(to);
        const facts = before.get(from);
        if (facts && !before.has(to)) before.set(to, facts);
      }
    }
  };

  for (const statement of parsed.statements) {
    const control = asNode<{ kind?: string }>(statement.ast, 'TransactionStmt')?.kind;
    const transaction: TransactionRef = { file, index: transactionIndex };
    if (control === 'TRANS_STMT_BEGIN' || control === 'TRANS_STMT_START') {
      statements.push(
        emptyAnalysis(
          statement,
          transaction,
          explicit,
          lockTimeout || localLock,
          statementTimeout || localStatement,
        ),
      );
      if (!inBlock) {
        transactionIndex++;
        inBlock = true;
      }
      explicit = true;
      continue;
    }
    if (control === 'TRANS_STMT_COMMIT' || control === 'TRANS_STMT_ROLLBACK') {
      statements.push(
        emptyAnalysis(
          statement,
          transaction,
          inBlock,
          lockTimeout || localLock,
          statementTimeout || localStatement,
        ),
      );
      inBlock = implicit;
      explicit = false;
      localLock = false;
      localStatement = false;
      localTimeZone = undefined;
      transactionIndex++;
      continue;
    }
    const setting = settingName(statement);
    if (setting) {
      const on = !isZero(setting.value);
      const effective = !setting.local || inBlock;
      if (setting.name === 'lock_timeout' && effective) {
        if (setting.local) localLock = on;
        else lockTimeout = on;
      }
      if (setting.name === 'statement_timeout' && effective) {
        if (setting.local) localStatement = on;
        else statementTimeout = on;
      }
      if (setting.name.toLowerCase() === 'timezone' && effective) {
        // SET TIME ZONE LOCAL / DEFAULT / RESET: back to the session's default
        const zone = setting.value ?? state.sessionTimeZone;
        if (setting.local) localTimeZone = zone;
        else timeZone = zone;
      }
    }
    const current: TransactionRef = inBlock
      ? { file, index: transactionIndex }
      : { file, index: ++transactionIndex };
    analyze(statement, current, undefined);
    for (const inner of embeddedByParent.get(statement.index) ?? []) {
      analyze(inner, current, statement.kind === 'DoStmt' ? 'do' : 'function');
    }
    if (!inBlock) transactionIndex++;
  }
  restore?.();

  return {
    file,
    parsed,
    pgVersion,
    runnerTransaction,
    sentWhole,
    runnerTransactionSpan: runnerTransaction ? (options.runnerTransactionSpan ?? 'migration') : 'migration',
    noTransactionLine: options.noTransactionLine ?? NO_TRANSACTION_LINES.pgwarden,
    runnerCuts: options.runnerCuts ?? [],
    implicitTransaction: runnerTransaction && options.implicitTransaction === true,
    statements,
    fromDatabase: state.fromDatabase,
    thresholds: options.thresholds ?? DEFAULT_THRESHOLDS,
    createdHere: (name) => created.has(name),
    table(name) {
      const table = before.get(name) ?? (created.has(name) ? undefined : state.table(name));
      if (!table) return undefined;
      return {
        rows: table.rows,
        bytes: table.bytes,
        partitioned: table.partitioned,
        createdByLint: table.createdIn !== undefined && table.onServer !== true,
      };
    },
  };
}

function emptyAnalysis(
  statement: SqlStatement,
  transaction: TransactionRef,
  inTransactionBlock: boolean,
  lockTimeoutSet: boolean,
  statementTimeoutSet: boolean,
): AnalyzedStatement {
  return {
    statement,
    operations: [],
    transaction,
    inTransactionBlock,
    lockTimeoutSet,
    statementTimeoutSet,
    locks: [],
    rewrites: [],
    scans: [],
    unsupported: [],
    embeddedIn: undefined,
  };
}

/** Statement-level facts rules ask for often. */
export function transactionControl(statement: SqlStatement): string | undefined {
  return asNode<{ kind?: string }>(statement.ast, 'TransactionStmt')?.kind;
}

export function relationNames(nodes: readonly Node[] | undefined): string[] {
  return stringValues(nodes as Node[] | undefined);
}
