import { z } from 'zod';

/**
 * The thresholds of an unused index, one set for the two rules that judge one (`schema/unused-index` in a schema
 * review, `health/unused-index` on a running server): the same index must not be unused to one and not the other.
 */
export const unusedIndexOptions = z.object({
  minStatsDays: z
    .number()
    .min(0)
    .default(7)
    .describe('Report only when the statistics counters have been counting for at least this many days'),
  maxScans: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('An index with at most this many scans counts as unused'),
  smallIndexBytes: z
    .number()
    .int()
    .min(0)
    .default(8 * 1024 * 1024)
    .describe('Indexes smaller than this get an info finding'),
});
