import type { SkippedRule } from './engine.js';
import type { FailOn, Finding, SeverityCounts } from './finding.js';
import { countBySeverity, reachesThreshold, sortFindings, sortFindingsByImpact } from './finding.js';

/** What every command produces: findings plus the command's own data, rendered by any reporter. */
export interface Report<D extends Record<string, unknown> = Record<string, unknown>> {
  readonly tool: 'pgwarden';
  readonly version: string;
  readonly command: string;
  readonly findings: readonly Finding[];
  readonly summary: SeverityCounts;
  /** Rules that did not run, and why. */
  readonly skipped: readonly SkippedRule[];
  /** The command's own payload (a snapshot, a plan, a checklist), keyed by name; JSON output spreads it. */
  readonly data?: D;
}

export function createReport<D extends Record<string, unknown>>(input: {
  version: string;
  command: string;
  findings: readonly Finding[];
  skipped?: readonly SkippedRule[];
  data?: D;
  /** `location` (default): by file and position; `impact`: largest estimated saving first (explain). */
  order?: 'location' | 'impact';
}): Report<D> {
  const findings =
    input.order === 'impact'
      ? sortFindingsByImpact(sortFindings(input.findings))
      : sortFindings(input.findings);
  return {
    tool: 'pgwarden',
    version: input.version,
    command: input.command,
    findings,
    summary: countBySeverity(findings),
    skipped: input.skipped ?? [],
    ...(input.data === undefined ? {} : { data: input.data }),
  };
}

/** 0 when nothing reaches `failOn`, 1 otherwise. Errors (2) and guard refusals (3) are thrown, not reported. */
export function exitCodeFor(report: Report, failOn: FailOn): 0 | 1 {
  return report.findings.some((f) => reachesThreshold(f.severity, failOn)) ? 1 : 0;
}
