import { z } from 'zod';
import { formatTuneKb } from '../health/tune/pgtune.js';

/**
 * One condition, two commands: health/checkpoints-requested (`pgwarden health`) and
 * health/tune-checkpoints-requested (`pgwarden tune`) judge the same counters with these thresholds, and raise
 * max_wal_size the same way, so that the two never disagree on a server.
 */
export const checkpointOptions = z.object({
  minCheckpoints: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('Report from this many checkpoints (timed and requested) since the statistics were reset'),
  maxRequestedShare: z
    .number()
    .min(0)
    .max(1)
    .default(0.2)
    .describe('Report when requested checkpoints exceed this share of all checkpoints'),
});

export type CheckpointOptions = z.infer<typeof checkpointOptions>;

/** Whether the counters show checkpoints forced by WAL volume (or CHECKPOINT commands) more than the thresholds allow. */
export function checkpointsTooOften(timed: number, requested: number, options: CheckpointOptions): boolean {
  const total = timed + requested;
  return total >= options.minCheckpoints && total > 0 && requested / total > options.maxRequestedShare;
}

const GB = 1024 * 1024;

/**
 * The max_wal_size to set: twice the current one, or PGTune's when larger (tune knows it), in whole GB above
 * 1 GB as a DBA writes it.
 */
export function raisedMaxWalSize(currentKb: number, recommendedKb: number | null): string {
  const targetKb = Math.max(recommendedKb ?? 0, currentKb * 2);
  return formatTuneKb(targetKb >= GB ? Math.ceil(targetKb / GB) * GB : Math.ceil(targetKb / 1024) * 1024);
}
