/**
 * The model the `advise` rules read: the index set the advisor chose for a workload (with what each index saves in
 * the set) and the existing indexes of the tables it is on. Plain data, so a rule case can state it.
 */
import type { TableInfo } from '../catalog/model.js';
import { dropIndexStatement } from '../schema/keys.js';
import type { IndexCandidate } from './model.js';

export interface RecommendedIndex {
  /** `schema.name` of the table. */
  readonly table: string;
  /** `public.orders (customer_id, created_at DESC)`. */
  readonly definition: string;
  /** Key targets: column names, or `expr:…` for expressions. */
  readonly targets: readonly string[];
  readonly include: readonly string[];
  readonly where: string | null;
  readonly method: 'btree' | 'gin';
  /** CREATE INDEX CONCURRENTLY … (per partition on a partitioned table). */
  readonly statements: readonly string[];
  readonly sizeBytes: number | null;
  readonly usedBy: readonly string[];
  /**
   * The workload's planner cost the set would lose without this index (weights × cost), and that as a share of the
   * workload's cost without any new index; null without what-if costs.
   */
  readonly saving: number | null;
  readonly share: number | null;
}

export interface ExistingIndex {
  readonly table: string;
  /** `schema.name` of the index. */
  readonly name: string;
  readonly definition: string;
  /** Key columns; null for an expression key. */
  readonly keys: readonly (string | null)[];
  readonly include: readonly string[];
  readonly method: string;
  readonly partial: boolean;
  /** Unique, a primary key, or behind a constraint: it enforces something, never redundant. */
  readonly enforces: boolean;
  readonly valid: boolean;
  readonly sizeBytes: number | null;
  readonly scans: number | null;
  /** DROP INDEX CONCURRENTLY … (plain DROP INDEX on a partitioned table). */
  readonly drop: string;
}

export interface AdviceModel {
  /** `what-if`: chosen on HypoPG costs; `heuristic`: unproven. */
  readonly method: 'what-if' | 'heuristic';
  readonly workload: string;
  readonly recommended: readonly RecommendedIndex[];
  readonly existing: readonly ExistingIndex[];
}

export function existingIndexes(
  tables: readonly TableInfo[],
  chosen: readonly IndexCandidate[],
): ExistingIndex[] {
  const names = new Set(chosen.map((c) => c.table));
  return tables
    .filter((t) => names.has(t.qualifiedName))
    .flatMap((table) =>
      table.indexes.map((index) => ({
        table: table.qualifiedName,
        name: index.qualifiedName,
        definition: index.definition,
        keys: index.columns,
        include: index.include,
        method: index.method,
        partial: index.predicate !== null,
        enforces: index.unique || index.primary || index.constraint !== null || index.exclusion,
        valid: index.valid,
        sizeBytes: index.size,
        scans: index.scans,
        drop: dropIndexStatement(table, index),
      })),
    );
}

export interface Redundancy {
  readonly index: ExistingIndex;
  readonly servedBy: RecommendedIndex;
}

/**
 * Existing indexes a recommended one serves: a valid plain B-tree (no predicate, no expression, enforcing nothing)
 * whose key columns lead the recommended index's keys and whose INCLUDE columns it has.
 */
export function redundantIndexes(model: AdviceModel): Redundancy[] {
  const found: Redundancy[] = [];
  for (const index of model.existing) {
    if (index.method !== 'btree' || index.partial || index.enforces || !index.valid) continue;
    if (index.keys.some((k) => k === null)) continue;
    const keys = index.keys as readonly string[];
    const servedBy = model.recommended.find((r) => {
      if (r.table !== index.table || r.method !== 'btree' || r.where !== null) return false;
      if (keys.length > r.targets.length || !keys.every((k, i) => r.targets[i] === k)) return false;
      const columns = new Set([
        ...r.targets,
        ...r.include.map((c) => c.replace(/^"|"$/g, '').replace(/""/g, '"')),
      ]);
      return index.include.every((c) => columns.has(c));
    });
    if (servedBy) found.push({ index, servedBy });
  }
  return found;
}
