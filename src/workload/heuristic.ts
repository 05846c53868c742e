/**
 * Advice without what-if costs, for a server without HypoPG: per query, the widest plain B-tree candidate the
 * parser found for it (equality columns first, then a range or the ORDER BY), with the narrower ones it serves left
 * out. Unproven: nothing says the planner would use these indexes or that they pay for their writes.
 */
import type { IndexCandidate, WorkloadQuery } from './model.js';
import { extendsIndex } from './select.js';

export function heuristicAdvice(
  queries: readonly WorkloadQuery[],
  candidates: readonly IndexCandidate[],
): IndexCandidate[] {
  const picked = new Map<string, IndexCandidate>();
  for (const query of queries) {
    const own = candidates.filter(
      (c) => c.costable && c.where === null && c.include.length === 0 && c.queries.includes(query.id),
    );
    const widest = own.sort((a, b) => b.elements.length - a.elements.length)[0];
    if (widest) picked.set(widest.key, widest);
  }
  const all = [...picked.values()];
  return all.filter((narrow) => !all.some((wide) => extendsIndex(wide, narrow)));
}
