export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const RULE_LEVELS = ['off', ...SEVERITIES] as const;
export type RuleLevel = (typeof RULE_LEVELS)[number];

export const FAIL_ON_LEVELS = [...SEVERITIES, 'none'] as const;
export type FailOn = (typeof FAIL_ON_LEVELS)[number];

const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export function severityRank(severity: Severity): number {
  return SEVERITY_RANK[severity];
}

/** True when a finding of `severity` reaches the `failOn` threshold. */
export function reachesThreshold(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'none' && severityRank(severity) >= severityRank(failOn);
}

/** A place in a file: 1-based line and column (UTF-16 code units, as editors and SARIF count them). */
export interface FileLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export type ObjectKind =
  | 'database'
  | 'schema'
  | 'table'
  | 'column'
  | 'index'
  | 'constraint'
  | 'sequence'
  | 'view'
  | 'function'
  | 'type'
  | 'policy'
  | 'role'
  | 'extension'
  | 'setting'
  | 'query'
  | 'plan-node'
  | 'migration';

/** A database object, named `schema.table[.column]` or by its own name for global objects. */
export interface ObjectLocation {
  readonly object: string;
  readonly kind: ObjectKind;
}

export type Location = FileLocation | ObjectLocation;

export function isFileLocation(location: Location): location is FileLocation {
  return 'file' in location;
}

/** What fixing a finding is estimated to save: ms, and the share (0 … 1) of the measured total. */
export interface Impact {
  readonly ms: number;
  readonly share: number;
}

/** The one output shape of every analysis in pgwarden. */
export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly location: Location;
  readonly fix: string | null;
  readonly docs: string;
  /** Optional (plan findings): the estimated time a fix saves. Absent, not null, when unknown. */
  readonly impact?: Impact;
  /** Optional (plan findings): the figures behind the finding, e.g. the node and its fields. */
  readonly evidence?: Readonly<Record<string, unknown>>;
}

export type SeverityCounts = Record<Severity, number> & { total: number };

export function countBySeverity(findings: readonly Finding[]): SeverityCounts {
  const counts: SeverityCounts = { error: 0, warning: 0, info: 0, total: findings.length };
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}

function locationKey(location: Location): string {
  return isFileLocation(location)
    ? `0|${location.file}|${String(location.line).padStart(9, '0')}|${String(location.column).padStart(9, '0')}`
    : `1|${location.object}|${location.kind}`;
}

/**
 * Largest estimated saving first; findings without an impact after those with one, by severity, in their
 * previous order otherwise (the sort is stable).
 */
export function sortFindingsByImpact(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => {
    if (a.impact && b.impact) return b.impact.ms - a.impact.ms;
    if (a.impact || b.impact) return a.impact ? -1 : 1;
    return severityRank(b.severity) - severityRank(a.severity);
  });
}

/** Stable order: by file and position (or object), then severity, then rule id. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => {
    const byLocation = locationKey(a.location).localeCompare(locationKey(b.location));
    if (byLocation !== 0) return byLocation;
    const bySeverity = severityRank(b.severity) - severityRank(a.severity);
    if (bySeverity !== 0) return bySeverity;
    return a.rule.localeCompare(b.rule);
  });
}
