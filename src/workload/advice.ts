/**
 * The model the `advise` rules read: the index set the advisor chose for a workload, and the tables it is for with
 * their existing indexes.
 */
import type { IndexInfo, TableInfo } from '../catalog/model.js';
import type { QuerySchema } from '../query/schema.js';
import { dropIndexStatement } from '../schema/keys.js';
import type { IndexCandidate } from './model.js';

export interface AdviceModel {
  /** `what-if`: chosen on HypoPG costs; `heuristic`: unproven. */
  readonly method: 'what-if' | 'heuristic';
  readonly chosen: readonly IndexCandidate[];
  /** The tables the chosen indexes are on, as the catalog has them. */
  readonly tables: readonly TableInfo[];
}

export function adviceModel(
  schema: QuerySchema,
  chosen: readonly IndexCandidate[],
  method: AdviceModel['method'],
): AdviceModel {
  const names = new Set(chosen.map((c) => c.table));
  return { method, chosen, tables: schema.model.snapshot.tables.filter((t) => names.has(t.qualifiedName)) };
}

export interface RedundantIndex {
  readonly table: TableInfo;
  readonly index: IndexInfo;
  readonly servedBy: IndexCandidate;
  /** DROP INDEX CONCURRENTLY … (plain DROP INDEX on a partitioned table). */
  readonly statement: string;
}

/**
 * Existing indexes a chosen one serves: a plain B-tree (no predicate, no expression, not unique, not behind a
 * constraint) whose key columns lead the chosen index's keys and whose INCLUDE columns it has.
 */
export function redundantIndexes(model: AdviceModel): RedundantIndex[] {
  const found: RedundantIndex[] = [];
  for (const table of model.tables) {
    for (const index of table.indexes) {
      if (index.method !== 'btree' || index.predicate !== null || index.expressions !== null) continue;
      if (index.unique || index.primary || index.constraint !== null || !index.valid) continue;
      const keys = index.columns as readonly string[];
      const servedBy = model.chosen.find((c) => {
        if (c.table !== table.qualifiedName || c.method !== 'btree' || c.where !== null) return false;
        if (keys.length > c.targets.length || !keys.every((k, i) => c.targets[i] === k)) return false;
        const columns = new Set([...c.targets, ...c.include.map((i) => i.replace(/^"|"$/g, ''))]);
        return index.include.every((i) => columns.has(i));
      });
      if (servedBy) found.push({ table, index, servedBy, statement: dropIndexStatement(table, index) });
    }
  }
  return found;
}
