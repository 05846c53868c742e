import type { FileLocation, Severity } from '../core/finding.js';
import { formatBytes, formatCount } from '../core/format.js';
import type { LockEntryId } from '../locks/model.js';
import { qualifiedIdent, quoteIdent } from '../sql/quote.js';
import {
  type AnalyzedStatement,
  type MigrationModel,
  NO_TRANSACTION_LINES,
  type TableFacts,
} from './migration-model.js';
import type { Operation } from './operations.js';

const SMALL_BYTES = 100 * 1024 * 1024;
const LARGE_BYTES = 1024 * 1024 * 1024;

/**
 * The operations of a migration whose lock model entry is one of `entries` (every operation when none is given),
 * in statement order, each with its statement: `for (const { analyzed, operation } of operations(model,
 * 'create-index'))` instead of two nested loops and an entry test.
 */
export function* operations(
  model: MigrationModel,
  ...entries: LockEntryId[]
): Generator<{ readonly analyzed: AnalyzedStatement; readonly operation: Operation }> {
  for (const analyzed of model.statements) {
    for (const operation of analyzed.operations) {
      if (entries.length > 0 && (operation.entry === undefined || !entries.includes(operation.entry)))
        continue;
      yield { analyzed, operation };
    }
  }
}

export function locationOf(model: MigrationModel, analyzed: AnalyzedStatement): FileLocation {
  return { file: model.file, line: analyzed.statement.start.line, column: analyzed.statement.start.column };
}

/**
 * How serious a blocking or slow operation on `table` is. Without a database the rule's own severity stands;
 * with one (--db), the table's size decides: a lock on 10 rows is over in moments, on 10 million it is an outage.
 */
export function sizedSeverity(model: MigrationModel, table: string | undefined, base: Severity): Severity {
  const thresholds = model.thresholds;
  if (!model.fromDatabase || !table) return base;
  const facts = model.table(table);
  // not in the database yet: created by an earlier migration of this run, so empty when this one runs
  if (!facts || facts.createdByLint) return 'info';
  const rows = facts.rows ?? 0;
  const bytes = facts.bytes ?? 0;
  if (rows >= thresholds.largeTableRows || bytes >= LARGE_BYTES) return 'error';
  if (rows < thresholds.smallTableRows && bytes < SMALL_BYTES) return 'info';
  return 'warning';
}

/** ` (~1,234,567 rows, 1.2 GB)` when the size is known, else empty. */
export function sizeText(facts: TableFacts | undefined): string {
  if (!facts || (facts.rows === null && facts.bytes === null)) return '';
  const parts = [
    facts.rows !== null ? `~${formatCount(facts.rows)} rows` : '',
    facts.bytes !== null ? formatBytes(facts.bytes) : '',
  ];
  return ` (${parts.filter(Boolean).join(', ')})`;
}

/** `"orders"` (the name as the statement wrote it, without the default schema). */
export function display(relation: string | undefined): string {
  if (!relation) return 'the table';
  return `"${relation.startsWith('public.') ? relation.slice(7) : relation}"`;
}

/**
 * A relation as the lint names it (`schema.name`, the names as PostgreSQL stores them) written as SQL, each part
 * quoted as PostgreSQL needs: `public."Signature"`, `public."group"`, `public.orders`.
 */
export function sqlRelation(relation: string): string {
  const dot = relation.indexOf('.');
  return dot < 0 ? quoteIdent(relation) : qualifiedIdent(relation.slice(0, dot), relation.slice(dot + 1));
}

/** The statement with CONCURRENTLY added where PostgreSQL expects it. */
export function withConcurrently(text: string): string {
  return text
    .replace(/^(\s*CREATE\s+(?:UNIQUE\s+)?INDEX)(?!\s+CONCURRENTLY)/i, '$1 CONCURRENTLY')
    .replace(/^(\s*DROP\s+INDEX)(?!\s+CONCURRENTLY)/i, '$1 CONCURRENTLY')
    .replace(
      /^(\s*REINDEX\s+(?:\([^)]*\)\s*)?(?:INDEX|TABLE|SCHEMA|DATABASE))(?!\s+CONCURRENTLY)/i,
      '$1 CONCURRENTLY',
    );
}

/** What a CONCURRENTLY fix adds as a comment: how to take it out of the transaction, in the layout's own terms. */
export function noTransactionNote(model: MigrationModel): string {
  return model.noTransactionLine === NO_TRANSACTION_LINES.pgwarden
    ? "CONCURRENTLY cannot run in a transaction block: put it in its own migration with `-- pgwarden:no-transaction` (or your runner's equivalent)"
    : `CONCURRENTLY cannot run in a transaction block: put it in its own migration, out of the runner's transaction (\`${model.noTransactionLine}\`)`;
}

/**
 * The first line of a fix that moves a statement to a migration of its own, out of the runner's transaction: the
 * layout's opt-out line, and the note on a line of its own where the runner reads its line exactly (goose).
 */
export function ownMigrationNoTransaction(model: MigrationModel): string {
  return model.noTransactionLine === NO_TRANSACTION_LINES.pgwarden
    ? '-- pgwarden:no-transaction (own migration)'
    : // the runner's line first: sqlx reads its opt-out only as a file's first bytes
      `${model.noTransactionLine}\n-- (a migration of its own)`;
}

export function oneLine(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
