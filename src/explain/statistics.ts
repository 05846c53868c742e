import { formatCount } from '../core/format.js';
/**
 * The action for a row estimate gone wrong at a node: ANALYZE when the table's statistics are stale or missing,
 * CREATE STATISTICS when several columns of one table are tested together (the planner multiplies their
 * selectivities as if they were independent), a larger statistics target for one column otherwise.
 */

import { quoteIdent } from '../sql/quote.js';
import type { TableFacts } from './facts.js';
import { type PlanModel, tableOf, tableSql } from './model.js';
import type { PlanNode } from './plan.js';

export type StatisticsCause = 'stale' | 'never-analyzed' | 'correlated' | 'skewed' | 'unknown';

export interface StatisticsFix {
  readonly cause: StatisticsCause;
  readonly fix: string;
  /** A few words for the message. */
  readonly why: string;
}

/** Statistics are stale when more than this share of the rows changed since the last ANALYZE. */
export const STALE_SHARE = 0.1;

function stale(table: TableFacts): 'never-analyzed' | 'stale' | null {
  if (table.lastAnalyze === null) return 'never-analyzed';
  const rows = Math.max(table.rowEstimate ?? 0, table.liveRows ?? 0, 1);
  if ((table.modifiedSinceAnalyze ?? 0) > STALE_SHARE * rows) return 'stale';
  return null;
}

/** Columns of the scanned relation that the node's conditions test for equality (or IN), in order. */
function equalityColumns(model: PlanModel, node: PlanNode): string[] {
  const c = model.conditions[node.id];
  const conjuncts = [
    ...(c?.indexCond?.conjuncts ?? []),
    ...(c?.recheckCond?.conjuncts ?? []),
    ...(c?.filter?.conjuncts ?? []),
  ];
  const columns: string[] = [];
  for (const conjunct of conjuncts) {
    if (!conjunct.column || conjunct.joinsTo) continue;
    if (!['eq', 'in', 'range', 'null'].includes(conjunct.kind)) continue;
    if (conjunct.wrap && conjunct.wrap !== 'cast') continue;
    if (!columns.includes(conjunct.column)) columns.push(conjunct.column);
  }
  return columns;
}

function tablesBelow(model: PlanModel, node: PlanNode): PlanNode[] {
  const scans: PlanNode[] = [];
  const stack = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (current.relationName && !scans.some((s) => s.relationName === current.relationName))
      scans.push(current);
    for (const id of current.childIds) stack.push(model.plan.nodes[id]!);
  }
  return scans;
}

/** The statistics action for a node whose row estimate is off. */
export function statisticsFix(model: PlanModel, node: PlanNode): StatisticsFix {
  if (!node.relationName) {
    const tables = [...new Set(tablesBelow(model, node).map((scan) => tableSql(model, scan)))];
    return {
      cause: 'unknown',
      fix: tables.length > 0 ? `ANALYZE ${tables.join(', ')};` : 'ANALYZE;',
      why: 'refresh the statistics of the tables below it',
    };
  }
  const table = tableOf(model, node);
  const sql = tableSql(model, node);
  const staleness = table ? stale(table) : null;
  if (staleness) {
    return {
      cause: staleness,
      fix: `ANALYZE ${sql};`,
      why:
        staleness === 'never-analyzed'
          ? `${sql} was never analyzed`
          : `${formatCount(table!.modifiedSinceAnalyze ?? 0)} rows of ${sql} changed since its last ANALYZE`,
    };
  }
  const columns = equalityColumns(model, node);
  if (columns.length >= 2) {
    const covered = table?.statistics.some((s) => columns.every((c) => s.columns.includes(c)));
    if (!covered) {
      const name = quoteIdent(
        `${(table?.name ?? node.relationName).slice(0, 40)}_${columns.join('_')}_stats`.slice(0, 63),
      );
      return {
        cause: 'correlated',
        fix: `CREATE STATISTICS ${name} (dependencies, mcv) ON ${columns.map(quoteIdent).join(', ')} FROM ${sql};\nANALYZE ${sql};`,
        why: `it tests ${columns.join(', ')} together and the planner treats them as independent`,
      };
    }
  }
  if (columns.length === 1 && table) {
    return {
      cause: 'skewed',
      fix: `ALTER TABLE ${sql} ALTER COLUMN ${quoteIdent(columns[0]!)} SET STATISTICS 1000;\nANALYZE ${sql};`,
      why: `the statistics of ${columns[0]} are fresh but too coarse for this value`,
    };
  }
  return { cause: 'unknown', fix: `ANALYZE ${sql};`, why: `refresh the statistics of ${sql}` };
}
