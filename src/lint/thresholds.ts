/** The table sizes that decide how much a lock or a rewrite costs (rows), shared by the migration rules. */
export interface Thresholds {
  readonly smallTableRows: number;
  readonly largeTableRows: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { smallTableRows: 10_000, largeTableRows: 1_000_000 };
