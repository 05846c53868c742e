import { formatBytes, formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { backsConstraint, servesForeignKey } from '../../schema/indexes.js';
import { dropIndexStatement } from '../../schema/keys.js';
import type { SchemaModel } from '../models.js';
import { unusedIndexOptions } from '../unused-index-options.js';

interface Options {
  minStatsDays: number;
  maxScans: number;
  smallIndexBytes: number;
}

export default defineRule<SchemaModel, Options>({
  id: 'schema/unused-index',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Index that no query has used since the statistics began',
  reportsOn: ['index'],
  docs: {
    why: "An index no query reads still costs on every write: each INSERT, each UPDATE that is not HOT (and any indexed column makes fewer updates HOT) and each DELETE's VACUUM maintains it, it takes space in shared buffers, in WAL and in every backup, and the planner weighs it for every query. `pg_stat_user_indexes.idx_scan` counts the scans of each index since the statistics were reset; an index at zero over weeks of real traffic is dead weight. This rule reads live databases only, and only once the counters are old enough (`minStatsDays`, 7 by default): since the last `pg_stat_reset()`, or — never reset — since the later of the database's creation (read from its files when the role may call pg_stat_file) and the start of the server's own counters (initdb, or the last crash recovery, restore or failover, which discard every counter); without any of them it stays silent. A database younger than its server whose creation time cannot be read counts from the server's start: check the index's age. Not reported: unique indexes and those that back a constraint (they enforce something even if never scanned), invalid ones (schema/invalid-index), indexes of partitioned tables (counted per partition), and indexes that serve a foreign key — the foreign key's checks use them when a referenced row is deleted or its key updated, rare events that the counters may not have seen yet, and without the index each of them scans the table.",
    howToFix:
      "Statistics are per server: a replica's queries are not counted on the primary. Check `idx_scan` on every replica (and over a full business cycle: month-end reports, yearly jobs) before dropping. An expression index also gives the planner statistics on its expression (ANALYZE samples it): dropping one can change plans even though no query scanned it. Then `DROP INDEX CONCURRENTLY` (outside a transaction block; reads and writes go on). Keep its definition (in the finding) to re-create it CONCURRENTLY if a query turns out to need it. Indexes smaller than `smallIndexBytes` get an info finding.",
    examples: {
      bad: '-- idx_orders_note: 0 scans in 90 days, 2 GB, updated by every INSERT\nCREATE INDEX idx_orders_note ON orders (note);',
      good: 'DROP INDEX CONCURRENTLY idx_orders_note;',
    },
  },
  options: unusedIndexOptions,
  check({ model, options, report }) {
    if (model.source !== 'live' || model.statsAgeDays === null || model.statsAgeDays < options.minStatsDays)
      return;
    const days = model.statsAgeDays;
    const since = model.statsSince ? ` (since ${model.statsSince.slice(0, 10)})` : '';
    for (const table of model.tables) {
      if (table.kind === 'partitioned table') continue;
      for (const index of table.indexes) {
        if (index.scans === null || index.scans > options.maxScans) continue;
        if (!index.valid || index.unique || backsConstraint(index)) continue;
        if (servesForeignKey(table, index)) continue;
        const writes = table.stats
          ? table.stats.inserts + table.stats.updates - table.stats.hotUpdates
          : null;
        const small = index.size !== null && index.size < options.smallIndexBytes;
        report({
          message: `index ${index.qualifiedName} on ${table.qualifiedName} has had ${index.scans === 0 ? 'no scan' : `${formatCount(index.scans)} scans`} in ${days < 2 ? `${days.toFixed(1)} days` : `${Math.floor(days)} days`} of statistics${since}${index.size !== null ? ` and takes ${formatBytes(index.size)}` : ''}${writes ? `, while ${formatCount(writes)} inserted or (non-HOT) updated rows maintained it` : ''}${index.expressions !== null ? '; its expression statistics may still guide the planner' : ''} — check the replicas' statistics too: ${index.definition}`,
          location: { object: index.qualifiedName, kind: 'index' },
          severity: small ? 'info' : undefined,
          fix: dropIndexStatement(table, index),
        });
      }
    }
  },
});
