import { z } from 'zod';
import { formatBytes } from '../core/format.js';
import type { ReportInput } from '../core/rule.js';
import type { BloatEstimate } from '../health/bloat.js';
import { formatPercent } from '../health/format.js';

/** The thresholds of health/table-bloat and health/index-bloat: the same shape, each rule its own defaults. */
export function bloatOptions(warningShare: number, errorShare: number) {
  return z.object({
    minBytes: z
      .number()
      .min(0)
      .default(10 * 1024 ** 2)
      .describe('Report only relations with at least this many bytes of bloat'),
    warningShare: z
      .number()
      .min(0)
      .max(1)
      .default(warningShare)
      .describe('Report when this share of the relation is bloat'),
    errorShare: z
      .number()
      .min(0)
      .max(1)
      .default(errorShare)
      .describe('Error when this share of the relation is bloat'),
  });
}

export type BloatOptions = z.infer<ReturnType<typeof bloatOptions>>;

/**
 * The finding for one estimate, or null: a measured figure (`--exact`) decides when there is one; an estimate
 * flagged unreliable is reported as information, naming why and how to measure it.
 */
export function bloatFinding(
  estimate: BloatEstimate,
  options: BloatOptions,
  what: string,
  fix: string,
): Omit<ReportInput, 'location'> | null {
  const figure = estimate.measured ?? estimate;
  if (figure.bloatBytes < options.minBytes || figure.share < options.warningShare) return null;
  const basis = estimate.measured
    ? `measured by ${estimate.measured.by}: ${formatPercent(figure.share)} (estimated ${formatPercent(estimate.share)})`
    : `estimated ${formatPercent(estimate.share)}${estimate.unreliable ? `; the estimate is unreliable: ${estimate.unreliable} (measure it with health --exact and pgstattuple)` : ''}`;
  const toast =
    estimate.toastBloatBytes > 0 ? `, ${formatBytes(estimate.toastBloatBytes)} of it in TOAST` : '';
  return {
    message: `${what} ${estimate.name} has about ${formatBytes(figure.bloatBytes)} of bloat in ${formatBytes(estimate.sizeBytes)}${toast} (${basis}, fillfactor ${estimate.fillfactor})`,
    severity:
      !estimate.measured && estimate.unreliable
        ? 'info'
        : figure.share >= options.errorShare
          ? 'error'
          : 'warning',
    fix,
    evidence: { ...estimate },
  };
}
