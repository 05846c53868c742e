/**
 * What an index costs the writes: every inserted row, every update that is not HOT and every deleted row gives each
 * index of the table an entry to maintain; an index on a column that UPDATEs change also turns those updates from HOT
 * (no index touched) into ordinary ones, which then maintain every index of the table. The planner's cost of a query
 * counts none of this, so the advisor adds it, in the workload's own units.
 */
import type { TableInfo } from '../catalog/model.js';
import type { QueryShape } from './candidates.js';
import type { IndexCandidate, WorkloadQuery } from './model.js';

/** Rows written to one table per run of the workload (its weights), and what UPDATEs change. */
export interface TableWrites {
  readonly table: string;
  readonly inserts: number;
  readonly updates: number;
  readonly deletes: number;
  /** Share of updates that were HOT (pg_stat_user_tables), 0 when unknown. */
  readonly hotShare: number;
  /** Columns the workload's UPDATEs set. */
  readonly updatedColumns: readonly string[];
  /** Indexes the table has now. */
  readonly indexes: number;
  /** Where the rates come from: the table's statistics scaled to the workload's reads, or the workload's DML. */
  readonly from: 'statistics' | 'workload' | 'none';
}

/**
 * Fewer scans than this since the statistics were reset, and the table's rows written per scan say nothing yet (a
 * table just loaded has every row inserted and no read): its statistics are not used.
 */
export const MIN_SCANS = 10;

/**
 * The write rates of each table the workload touches. From pg_stat_user_tables: rows written per scan of the table
 * since the statistics were reset (once it has MIN_SCANS scans), times the workload's weight of queries reading it;
 * from the workload: the
 * weight of its INSERT, UPDATE and DELETE statements times their rows per call (1 when unknown). The larger wins.
 */
export function tableWrites(
  tables: readonly TableInfo[],
  queries: readonly WorkloadQuery[],
  shapes: ReadonlyMap<string, QueryShape>,
): Map<string, TableWrites> {
  const result = new Map<string, TableWrites>();
  for (const table of tables) {
    let readWeight = 0;
    const workload = { inserts: 0, updates: 0, deletes: 0 };
    const updated = new Set<string>();
    for (const query of queries) {
      const shape = shapes.get(query.id);
      if (!shape?.tables.has(table.qualifiedName)) continue;
      if (query.kind !== 'insert') readWeight += query.weight;
      const rows = query.weight * (query.rowsPerCall ?? 1);
      if (query.kind === 'insert' && shape.tables.size >= 1) workload.inserts += rows;
      if (query.kind === 'update' && shape.updates?.table === table.qualifiedName) {
        workload.updates += rows;
        for (const column of shape.updates.columns) updated.add(column);
      }
      if (query.kind === 'delete') workload.deletes += rows;
    }
    if (readWeight === 0 && workload.inserts + workload.updates + workload.deletes === 0) continue;
    const scans = table.stats ? table.stats.seqScans + (table.stats.indexScans ?? 0) : 0;
    const stats = scans >= MIN_SCANS ? table.stats : null;
    const fromStats = stats
      ? {
          inserts: (stats.inserts / scans) * readWeight,
          updates: (stats.updates / scans) * readWeight,
          deletes: (stats.deletes / scans) * readWeight,
        }
      : { inserts: 0, updates: 0, deletes: 0 };
    const statsTotal = fromStats.inserts + fromStats.updates + fromStats.deletes;
    const workloadTotal = workload.inserts + workload.updates + workload.deletes;
    const chosen = statsTotal >= workloadTotal ? fromStats : workload;
    result.set(table.qualifiedName, {
      table: table.qualifiedName,
      ...chosen,
      hotShare: table.stats && table.stats.updates > 0 ? table.stats.hotUpdates / table.stats.updates : 0,
      updatedColumns: [...updated].sort(),
      indexes: table.indexes.length,
      from:
        statsTotal === 0 && workloadTotal === 0
          ? 'none'
          : statsTotal >= workloadTotal
            ? 'statistics'
            : 'workload',
    });
  }
  return result;
}

/** The columns an index reads: its keys (inside expressions too), INCLUDE columns and predicate. */
export function candidateColumns(candidate: IndexCandidate): string[] {
  const columns = new Set<string>();
  for (const target of candidate.targets) {
    if (target.startsWith('expr:')) {
      for (const match of target.matchAll(/"column":"((?:[^"\\]|\\.)*)"/g))
        columns.add(JSON.parse(`"${match[1]}"`));
    } else columns.add(target.split(' ')[0]!);
  }
  for (const column of candidate.include) columns.add(column.replace(/^"|"$/g, '').replace(/""/g, '"'));
  return [...columns];
}

/** True when the index would read a column the workload's UPDATEs change (its updates could no longer be HOT). */
export function breaksHot(candidate: IndexCandidate, writes: TableWrites | undefined): boolean {
  if (!writes || writes.updatedColumns.length === 0) return false;
  const updated = new Set(writes.updatedColumns);
  if (candidateColumns(candidate).some((c) => updated.has(c))) return true;
  const where = candidate.where ?? '';
  return writes.updatedColumns.some((c) =>
    new RegExp(`\\b${c.replace(/[^a-zA-Z0-9_]/g, '')}\\b`).test(where),
  );
}

/**
 * The index's cost to the writes, in planner cost units per run of the workload: `entryCost` per index entry
 * maintained (default: random_page_cost, one page to find and change).
 */
export function writeCost(
  candidate: IndexCandidate,
  writes: TableWrites | undefined,
  entryCost: number,
): number {
  if (!writes) return 0;
  const hot = writes.updates * writes.hotShare;
  const entries =
    writes.inserts +
    writes.deletes +
    (writes.updates - hot) +
    (breaksHot(candidate, writes) ? hot * (writes.indexes + 1) : 0);
  return entries * entryCost;
}
