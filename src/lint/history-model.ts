import type { SchemaDiff } from '../catalog/fingerprint.js';

export type MigrationState = 'applied' | 'pending' | 'changed' | 'missing' | 'failed';

/** One migration as `migrate status` sees it: its file beside its history row. */
export interface HistoryEntry {
  readonly version: string;
  readonly name: string;
  readonly state: MigrationState;
  /** Its up script (null: the history has a row without a file). */
  readonly file: string | null;
  readonly appliedAt: string | null;
  /** A pending migration older than the newest applied one. */
  readonly outOfOrder: boolean;
  /** How far a migration without a transaction got before it failed (null: it did not fail part-way). */
  readonly progress: {
    readonly done: number;
    readonly total: number;
    readonly failedAt?: { readonly line: number; readonly statement: string; readonly error: string };
  } | null;
}

/**
 * The model of the `history` rules: the migrations folder against the history table of one database, and how the
 * live schema differs from the fingerprint the last run recorded (null: it does not, or none was recorded).
 */
export interface HistoryModel {
  /** `"schema"."table"` of the history. */
  readonly table: string;
  readonly entries: readonly HistoryEntry[];
  readonly drift: SchemaDiff | null;
}
