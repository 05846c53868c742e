import type { SchemaDiff } from '../catalog/fingerprint.js';

export type Reversibility =
  /** down restores the schema as it was before up, and up again rebuilds it exactly. */
  | 'reversible'
  /** The same objects, but columns in another order (a down that re-adds a dropped column at the end). */
  | 'column order'
  /** down leaves the schema different from before up. */
  | 'not reversible'
  /** up after down does not rebuild what the first up built. */
  | 'not repeatable'
  | 'down failed'
  | 'no down'
  /** up itself failed: the migrations after it could not be checked. */
  | 'up failed';

export interface ReversibilityResult {
  readonly version: string;
  readonly name: string;
  readonly file: string;
  /** Where the down section starts (for findings). */
  readonly downLine: number;
  readonly verdict: Reversibility;
  /**
   * The migration's runner has down migrations (its layout's fact, LAYOUTS' `downs`): false for Prisma and Flyway
   * community, where no migration has one and a missing down is no finding. Absent: true.
   */
  readonly runnerHasDowns?: boolean;
  readonly differences: SchemaDiff | null;
  readonly error: string | null;
  readonly ms: number;
}

export interface VerifyResult {
  readonly server: string;
  /** The server's PostgreSQL major: the reversibility rules run for it. */
  readonly pgVersion: number;
  readonly results: readonly ReversibilityResult[];
  readonly ms: number;
}
