/**
 * How plan rules report: one finding per problem, on a node (or the whole query), with the estimated time a
 * fix saves, the evidence behind it and one action.
 */
import type { RuleContext } from '../core/rule.js';
import { impactOf, nodeEvidence, nodeLocation, type PlanModel, severityFor } from './model.js';
import type { PlanNode } from './plan.js';

export interface PlanFinding {
  /** The node the finding is about; null for the whole query (JIT, planning time). */
  readonly node: PlanNode | null;
  readonly message: string;
  readonly fix: string | null;
  /** Estimated ms a fix saves (see docs/explain-coverage.md for each rule's estimate). */
  readonly savedMs: number;
  /** How the saving was estimated, in a few words (kept in the evidence). */
  readonly estimate: string;
  readonly evidence?: Readonly<Record<string, unknown>>;
  /** Overrides the severity the impact gives (warning from 10% of the total, info below). */
  readonly severity?: 'warning' | 'info';
}

export function reportPlanFinding<O>(context: RuleContext<PlanModel, O>, finding: PlanFinding): void {
  const impact = impactOf(context.model, finding.savedMs);
  context.report({
    message: finding.message,
    location: finding.node ? nodeLocation(finding.node) : { object: 'query', kind: 'query' },
    fix: finding.fix,
    severity: finding.severity ?? severityFor(impact),
    ...(impact ? { impact } : {}),
    evidence: {
      ...(finding.node ? nodeEvidence(finding.node) : {}),
      ...finding.evidence,
      saving: finding.estimate,
    },
  });
}

/** What the finding says about the hypopg proof of `statement`, and the figures for its evidence. */
export function hypopgProof(
  model: PlanModel,
  statement: string,
): { text: string; evidence: Record<string, unknown> | null } {
  const result = model.hypothetical.find((h) => h.statement === statement);
  if (result) {
    const cost = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });
    const change = result.costBefore > 0 ? (result.costAfter - result.costBefore) / result.costBefore : 0;
    return {
      text: result.used
        ? `; hypopg: with it the planner's estimated cost drops from ${cost(result.costBefore)} to ${cost(result.costAfter)} (${(change * 100).toFixed(0)}%)`
        : `; hypopg: the planner would not use it (estimated cost ${cost(result.costBefore)})`,
      evidence: { ...result },
    };
  }
  const how: Record<PlanModel['hypopg'], string> = {
    used: '',
    'no-candidates': '',
    'no-database': '; with --db, pgwarden costs it first with hypopg when the database has that extension',
    'not-installed':
      '; CREATE EXTENSION hypopg in this database lets pgwarden cost it first (hypothetical index)',
    'not-available': `; to cost it first, run with --db on a server with the hypopg extension (Debian/Ubuntu package postgresql-${model.pgVersion}-hypopg, then CREATE EXTENSION hypopg): the embedded server does not ship it`,
    'no-query': '; pass the query itself (not only its plan) with --db to cost it with hypopg',
    failed: '; hypopg could not cost it',
  };
  return { text: how[model.hypopg], evidence: null };
}
