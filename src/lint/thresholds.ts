import { DEFAULT_THRESHOLDS as CONFIG_THRESHOLDS } from '../core/config.js';

/** The table sizes that decide how much a lock or a rewrite costs (rows), shared by the migration rules. */
export interface Thresholds {
  readonly smallTableRows: number;
  readonly largeTableRows: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = CONFIG_THRESHOLDS;
