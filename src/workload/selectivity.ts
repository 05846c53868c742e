import type { TableInfo } from '../catalog/model.js';
import type { SchemaModel } from '../schema/model.js';
import type { ConstantTest } from './candidates.js';

/** Above this many distinct values a column is key-like: a partial index on one of its values serves one query. */
const FEW_DISTINCT = 1000;

/** The share of rows a constant predicate keeps, from pg_stats (null when ANALYZE has not seen the column). */
export function constantSelectivity(
  model: SchemaModel,
): (table: TableInfo, test: ConstantTest) => number | null {
  return (table, test) => {
    const stats = model.columnStats(table.qualifiedName, test.column);
    if (!stats) return null;
    switch (test.kind) {
      case 'null':
        return stats.nullFraction;
      case 'not-null':
        return 1 - stats.nullFraction;
      case 'true':
      case 'false':
        return (
          stats.mostCommon?.find((m) => m.value === (test.kind === 'true' ? 't' : 'f'))?.frequency ?? null
        );
      case 'equals': {
        if (stats.distinctGrowsWithTable || stats.distinct === null || stats.distinct > FEW_DISTINCT)
          return 1;
        const common = stats.mostCommon ?? [];
        const found = common.find((m) => m.value === test.value);
        if (found) return found.frequency;
        return (1 - stats.commonFrequency - stats.nullFraction) / Math.max(1, stats.distinct - common.length);
      }
    }
  };
}
