/**
 * Choosing the index set for a whole workload, Extend-style (Schlosser et al., ICDE 2019): start from no new index;
 * each step either adds a candidate or replaces a chosen index by a candidate that extends it (more key columns,
 * INCLUDE columns), taking the step with the best net benefit per byte added, while the set fits the storage budget
 * and the step lowers the workload's cost by at least `minImprovement`. Net benefit counts the planner's costs of
 * the queries (weights × cost) and the write cost of the indexes. After each step, a chosen index the others make
 * useless (dropping it costs the workload nothing more) is dropped.
 */
import type { IndexCandidate, WorkloadQuery } from './model.js';

/** The costs the selection reads: a what-if session (whatif.ts), or anything that answers the same way. */
export interface CostOracle {
  relevant(query: string, candidate: IndexCandidate): boolean;
  size(candidate: IndexCandidate): number;
  /** Σ weight × cost of `queries` with `configuration`. */
  workloadCost(queries: readonly WorkloadQuery[], configuration: readonly IndexCandidate[]): Promise<number>;
}

export interface SelectionOptions {
  /** Bytes the new indexes may take; null: no limit. */
  readonly budgetBytes: number | null;
  /** The write cost of an index, in the workload's cost units. */
  readonly writeCost: (candidate: IndexCandidate) => number;
  /** A step must divide the total cost by at least this. Default 1.003 (Extend's). */
  readonly minImprovement?: number;
  /** Stop after this many steps. Default 50. */
  readonly maxSteps?: number;
}

export interface SelectionStep {
  readonly action: 'add' | 'extend' | 'drop';
  readonly index: string;
  /** For extend: the chosen index it replaces. */
  readonly replaces: string | null;
  /** Total cost (queries + writes) after the step. */
  readonly totalCost: number;
}

export interface Selection {
  readonly chosen: readonly IndexCandidate[];
  /** Σ weight × cost without any new index, and with the chosen ones. */
  readonly baseCost: number;
  readonly queryCost: number;
  readonly writeCost: number;
  readonly steps: readonly SelectionStep[];
}

/** True when `wider` serves everything `narrow` does: same table and kind, narrow's keys first, no other predicate. */
export function extendsIndex(wider: IndexCandidate, narrow: IndexCandidate): boolean {
  if (wider.key === narrow.key || wider.table !== narrow.table || wider.method !== narrow.method)
    return false;
  if ((wider.where ?? '') !== (narrow.where ?? '')) return false;
  if (wider.elements.length < narrow.elements.length) return false;
  if (!narrow.elements.every((e, i) => wider.elements[i] === e)) return false;
  const columns = new Set([...wider.elements, ...wider.include]);
  return narrow.include.every((c) => columns.has(c));
}

/**
 * The better of two greedy runs: by net benefit per byte (Extend's criterion) and by net benefit alone. Per byte
 * alone can fill a tight budget with small indexes and leave out the one large index that matters most (the
 * knapsack greedy's known failure); the second run covers it, mostly from the cost cache.
 */
export async function selectIndexes(
  oracle: CostOracle,
  queries: readonly WorkloadQuery[],
  candidates: readonly IndexCandidate[],
  options: SelectionOptions,
): Promise<Selection> {
  const perByte = await greedy(oracle, queries, candidates, options, 'per-byte');
  if (options.budgetBytes === null) return perByte;
  const absolute = await greedy(oracle, queries, candidates, options, 'absolute');
  const total = (s: Selection) => s.queryCost + s.writeCost;
  return total(absolute) < total(perByte) ? absolute : perByte;
}

async function greedy(
  oracle: CostOracle,
  queries: readonly WorkloadQuery[],
  candidates: readonly IndexCandidate[],
  options: SelectionOptions,
  criterion: 'per-byte' | 'absolute',
): Promise<Selection> {
  const minImprovement = options.minImprovement ?? 1.003;
  const budget = options.budgetBytes ?? Number.POSITIVE_INFINITY;
  const relevantQueries = (indexes: readonly IndexCandidate[]) =>
    queries.filter((q) => indexes.some((c) => oracle.relevant(q.id, c)));
  const writes = (set: readonly IndexCandidate[]) => set.reduce((sum, c) => sum + options.writeCost(c), 0);
  const size = (set: readonly IndexCandidate[]) => set.reduce((sum, c) => sum + oracle.size(c), 0);

  const baseCost = await oracle.workloadCost(queries, []);
  let chosen: IndexCandidate[] = [];
  let queryCost = baseCost;
  const steps: SelectionStep[] = [];

  for (let step = 0; step < (options.maxSteps ?? 50); step++) {
    const total = queryCost + writes(chosen);
    let best: {
      set: IndexCandidate[];
      queryCost: number;
      ratio: number;
      action: 'add' | 'extend';
      index: IndexCandidate;
      replaces: IndexCandidate | null;
    } | null = null;
    for (const candidate of candidates) {
      if (chosen.some((c) => c.key === candidate.key)) continue;
      const moves: { replaces: IndexCandidate | null }[] = [{ replaces: null }];
      for (const narrow of chosen) if (extendsIndex(candidate, narrow)) moves.push({ replaces: narrow });
      for (const move of moves) {
        const set = [...chosen.filter((c) => c !== move.replaces), candidate];
        const added = oracle.size(candidate) - (move.replaces ? oracle.size(move.replaces) : 0);
        if (size(set) > budget) continue;
        const touched = relevantQueries(move.replaces ? [candidate, move.replaces] : [candidate]);
        if (touched.length === 0) continue;
        const before = await oracle.workloadCost(touched, chosen);
        const after = await oracle.workloadCost(touched, set);
        const newQueryCost = queryCost - before + after;
        const newTotal = newQueryCost + writes(set);
        if (newTotal * minImprovement >= total) continue;
        const ratio = criterion === 'per-byte' ? (total - newTotal) / Math.max(1, added) : total - newTotal;
        if (!best || ratio > best.ratio) {
          best = {
            set,
            queryCost: newQueryCost,
            ratio,
            action: move.replaces ? 'extend' : 'add',
            index: candidate,
            replaces: move.replaces,
          };
        }
      }
    }
    if (!best) break;
    chosen = best.set;
    queryCost = best.queryCost;
    steps.push({
      action: best.action,
      index: best.index.key,
      replaces: best.replaces?.key ?? null,
      totalCost: queryCost + writes(chosen),
    });
    // an earlier pick the new one made useless: dropping it saves its writes and its bytes
    for (const earlier of [...chosen]) {
      if (earlier === best.index) continue;
      const without = chosen.filter((c) => c !== earlier);
      const touched = relevantQueries([earlier]);
      const before = await oracle.workloadCost(touched, chosen);
      const after = await oracle.workloadCost(touched, without);
      const newQueryCost = queryCost - before + after;
      if (newQueryCost + writes(without) <= queryCost + writes(chosen)) {
        chosen = without;
        queryCost = newQueryCost;
        steps.push({
          action: 'drop',
          index: earlier.key,
          replaces: null,
          totalCost: queryCost + writes(chosen),
        });
      }
    }
  }
  return { chosen, baseCost, queryCost, writeCost: writes(chosen), steps };
}

/**
 * Advice one query at a time, as dexter gives it: for each query costing at least `minCost`, the one candidate that
 * lowers its cost most, kept when it saves at least `minSaving` (dexter's default: half). The union is the advice.
 */
export async function perQueryAdvice(
  oracle: CostOracle,
  queries: readonly WorkloadQuery[],
  candidates: readonly IndexCandidate[],
  minSaving = 0.5,
  minCost = 100,
): Promise<IndexCandidate[]> {
  const picked = new Map<string, IndexCandidate>();
  for (const query of queries) {
    // per execution, as dexter sees a query (its --min-cost, default 100)
    const base = await oracle.workloadCost([query], []);
    if (base / query.weight < minCost) continue;
    let best: { candidate: IndexCandidate; cost: number } | null = null;
    for (const candidate of candidates) {
      if (!oracle.relevant(query.id, candidate)) continue;
      const cost = await oracle.workloadCost([query], [candidate]);
      if (!best || cost < best.cost) best = { candidate, cost };
    }
    if (best && best.cost <= base * (1 - minSaving)) picked.set(best.candidate.key, best.candidate);
  }
  return [...picked.values()];
}
