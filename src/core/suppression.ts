import type { FileLocation, Finding } from './finding.js';
import { isFileLocation } from './finding.js';

/**
 * An inline `-- pgwarden-ignore rule-id: reason` comment. It covers the statement that follows it (or the one it
 * trails): findings located in that line range, and findings on the objects that statement creates.
 */
export interface Suppression {
  readonly rules: readonly string[];
  readonly reason: string | null;
  /** Where the comment is. */
  readonly location: FileLocation;
  readonly scope: {
    readonly file: string;
    readonly fromLine: number;
    readonly toLine: number;
    /** Objects (`schema.table`) the covered statement creates or alters. */
    readonly objects: readonly string[];
  };
}

export interface SuppressionResult {
  readonly kept: Finding[];
  readonly suppressed: Finding[];
  /** Suppressions (per rule id) that matched no finding. */
  readonly unused: { readonly suppression: Suppression; readonly rule: string }[];
}

function covers(suppression: Suppression, rule: string, finding: Finding): boolean {
  if (finding.rule !== rule) return false;
  const { location } = finding;
  if (isFileLocation(location)) {
    return (
      location.file === suppression.scope.file &&
      location.line >= suppression.scope.fromLine &&
      location.line <= suppression.scope.toLine
    );
  }
  return suppression.scope.objects.some(
    (object) => location.object === object || location.object.startsWith(`${object}.`),
  );
}

export function applySuppressions(
  findings: readonly Finding[],
  suppressions: readonly Suppression[],
): SuppressionResult {
  const used = new Set<string>();
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  const key = (index: number, rule: string) => `${index}\u0000${rule}`;
  for (const finding of findings) {
    let hit = false;
    suppressions.forEach((suppression, index) => {
      if (suppression.reason === null) return; // an ignore without a reason suppresses nothing
      for (const rule of suppression.rules) {
        if (covers(suppression, rule, finding)) {
          hit = true;
          used.add(key(index, rule));
        }
      }
    });
    (hit ? suppressed : kept).push(finding);
  }
  const unused: SuppressionResult['unused'] = [];
  suppressions.forEach((suppression, index) => {
    if (suppression.reason === null) return;
    for (const rule of suppression.rules) {
      if (!used.has(key(index, rule))) unused.push({ suppression, rule });
    }
  });
  return { kept, suppressed, unused };
}

/** The model of `suppressions` rules: what the inline ignores of one file did. */
export interface SuppressionsModel {
  readonly file: string;
  readonly suppressions: readonly Suppression[];
  /** Ignore comments (per rule id) that silenced nothing. */
  readonly unused: readonly { readonly suppression: Suppression; readonly rule: string }[];
  /** Every rule id pgwarden knows. */
  readonly knownRules: ReadonlySet<string>;
}
