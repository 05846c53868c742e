import { z } from 'zod';
import { formatBytes, formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import type { SchemaModel } from '../models.js';

interface Options {
  maxIndexes: number;
  writeShare: number;
}

export default defineRule<SchemaModel, Options>({
  id: 'schema/too-many-indexes',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Write-heavy table with many indexes',
  reportsOn: ['table'],
  docs: {
    why: "Every index is written on every INSERT, on every UPDATE that is not HOT — and an update can be HOT (no index touched) only when it changes no indexed column and the new row version fits on the same page, which each added index makes rarer — and cleaned by every VACUUM. Each one adds WAL, checkpoint and replication traffic, takes memory from the cache, and gives the planner one more path to cost. On a table that is mostly written (events, logs, queues, counters), a dozen indexes can cost more than the queries they speed up. On a live database with statistics the rule weighs the table's writes (rows inserted, updated, deleted) against its reads (sequential and index scans): beyond `maxIndexes` indexes, a table whose writes are at least `writeShare` of the two gets a warning, another one information. Without statistics (a shadow database, or a table nobody has touched) only tables with more than twice `maxIndexes` indexes are reported, as information.",
    howToFix:
      'There is no statement to run: review the indexes. Drop the ones schema/unused-index, schema/duplicate-index and schema/redundant-index report; merge indexes that share leading columns into one multi-column index; make indexes partial where queries only ask for some rows; leave out of indexes the columns that change on every update (they prevent HOT updates); and consider whether the reads could go to a replica or a summary table. Check `n_tup_hot_upd` against `n_tup_upd` in pg_stat_user_tables after each change.',
    examples: {
      bad: '-- events: 14 indexes, 2 million inserts a day, 50 reads a day',
      good: '-- events: the primary key and the 2 indexes the reads need',
    },
  },
  options: z.object({
    maxIndexes: z.number().int().min(1).default(10).describe('More indexes than this on one table are many'),
    writeShare: z
      .number()
      .gt(0)
      .lte(1)
      .default(0.5)
      .describe('Share of writes among writes and reads from which a table is write-heavy'),
  }),
  check({ model, options, report }) {
    for (const table of model.tables) {
      const count = table.indexes.length;
      if (count <= options.maxIndexes) continue;
      const stats = model.source === 'live' ? table.stats : null;
      const writes = stats ? stats.inserts + stats.updates + stats.deletes : 0;
      const reads = stats ? stats.seqScans + (stats.indexScans ?? 0) : 0;
      const sizes = `${formatBytes(table.sizes.indexes)} of indexes for ${formatBytes(table.sizes.table)} of table`;
      const location = { object: table.qualifiedName, kind: 'table' as const };
      if (writes + reads === 0) {
        if (count <= 2 * options.maxIndexes) continue;
        report({
          message: `${table.qualifiedName} has ${count} indexes (more than twice ${options.maxIndexes})${table.sizes.indexes !== null ? `, ${sizes}` : ''}: every write maintains all of them`,
          location,
          severity: 'info',
          fix: null,
        });
        continue;
      }
      const share = writes / (writes + reads);
      const heavy = share >= options.writeShare;
      const hot =
        stats && stats.updates > 0
          ? `, ${Math.round((stats.hotUpdates / stats.updates) * 100)}% of updates HOT`
          : '';
      const unused = table.indexes.filter((i) => i.scans === 0 && i.constraint === null && !i.unique);
      report({
        message: `${table.qualifiedName} has ${count} indexes, ${sizes}, and is ${heavy ? 'mostly written' : 'read more than written'}: ${formatCount(writes)} rows written (${Math.round(share * 100)}% of activity) against ${formatCount(reads)} scans${hot}${unused.length > 0 ? `; without a scan: ${unused.map((i) => i.name).join(', ')}` : ''}`,
        location,
        severity: heavy ? undefined : 'info',
        fix: null,
      });
    }
  },
});
