import type { ColumnInfo, TableInfo } from '../catalog/model.js';
import { formatCount } from '../core/format.js';
import type { SchemaModel } from './model.js';

/**
 * How tables grow, from what a live database knows (pg_stat_user_tables and pg_stats): whether rows are only
 * appended, and which column orders them in time. Shared by schema/partition-candidate and schema/brin-candidate.
 */

/** Share of updates (to inserts) under which a table counts as insert-only. */
const UPDATE_SHARE = 0.05;

export interface WriteMix {
  readonly inserts: number;
  readonly updates: number;
  readonly deletes: number;
  /** Rows are inserted and (almost) never updated: some inserts, and updates at most 5% of them. */
  readonly insertOnly: boolean;
  /** The counts in words: `1,000 inserts, 0 updates, 0 deletes` (since the statistics counters were reset). */
  readonly text: string;
}

/** The table's writes since the statistics counters were reset; null without statistics (shadow, no access). */
export function writeMix(model: SchemaModel, table: TableInfo): WriteMix | null {
  const stats = table.stats;
  if (model.source !== 'live' || stats === null) return null;
  const { inserts, updates, deletes } = stats;
  return {
    inserts,
    updates,
    deletes,
    insertOnly: inserts > 0 && updates <= UPDATE_SHARE * inserts,
    text: `${formatCount(inserts)} inserts, ${formatCount(updates)} updates, ${formatCount(deletes)} deletes`,
  };
}

const TIME_TYPES = new Set(['timestamptz', 'timestamp', 'date']);
const CREATION_NAMES = new Set([
  'created_at',
  'created_on',
  'created',
  'inserted_at',
  'occurred_at',
  'recorded_at',
  'logged_at',
  'happened_at',
  'event_time',
  'timestamp',
  'ts',
]);
const NOW_DEFAULT =
  /\b(?:now|clock_timestamp|statement_timestamp|transaction_timestamp)\(\)|\bCURRENT_TIMESTAMP\b|\bCURRENT_DATE\b|\bLOCALTIMESTAMP\b|'now'::/i;

/** A date or timestamp column. */
export function isTimeColumn(column: ColumnInfo): boolean {
  return !column.isArray && TIME_TYPES.has(column.typeName);
}

/** The column's default is the time of the insert (now(), CURRENT_TIMESTAMP, clock_timestamp()…). */
export function defaultsToNow(column: ColumnInfo): boolean {
  return column.default !== null && NOW_DEFAULT.test(column.default);
}

export interface TimeKey {
  readonly column: ColumnInfo;
  /** Why this column: `created_at, NOT NULL DEFAULT now()`. */
  readonly reason: string;
  /** Its correlation with the rows' physical order, when ANALYZE measured it. */
  readonly correlation: number | null;
}

/**
 * The column that records when each row was inserted: a date or timestamp column named like created_at, or NOT
 * NULL with a default of now(). Among several, the one NOT NULL with now() as default wins, then the name, then the
 * one that follows the physical order best.
 */
export function creationTimeColumn(model: SchemaModel, table: TableInfo): TimeKey | null {
  let best: { key: TimeKey; score: number } | null = null;
  for (const column of table.columns) {
    if (!isTimeColumn(column) || column.generated !== null) continue;
    const named = CREATION_NAMES.has(column.name.toLowerCase());
    const stamped = column.notNull && defaultsToNow(column);
    if (!named && !stamped) continue;
    const correlation = model.columnStats(table.qualifiedName, column.name)?.correlation ?? null;
    const score =
      (stamped ? 4 : 0) + (named ? 2 : 0) + (correlation !== null && Math.abs(correlation) >= 0.9 ? 1 : 0);
    if (best && best.score >= score) continue;
    const reason = [
      column.type,
      ...(column.notNull ? ['NOT NULL'] : []),
      ...(column.default !== null && defaultsToNow(column) ? [`DEFAULT ${column.default}`] : []),
    ].join(' ');
    best = { key: { column, reason, correlation }, score };
  }
  return best?.key ?? null;
}
