import { z } from 'zod';
import type { ColumnInfo, IndexInfo, TableInfo } from '../../catalog/model.js';
import { formatBytes, formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { isTimeColumn, writeMix } from '../../schema/growth.js';
import {
  buildIndexStatements,
  dropIndexStatement,
  generatesValues,
  identSql,
  NameRegistry,
  objectName,
} from '../../schema/keys.js';
import { templateName } from '../../schema/naming.js';
import type { SchemaModel } from '../models.js';

interface Options {
  minRows: number;
  minCorrelation: number;
}

const INTEGER_TYPES = new Set(['int2', 'int4', 'int8']);

/** A column that grows with the inserts: a date or timestamp, or an integer its default or identity generates. */
function growingColumn(column: ColumnInfo): boolean {
  if (column.generated !== null) return false;
  if (isTimeColumn(column)) return true;
  return !column.isArray && INTEGER_TYPES.has(column.typeName) && generatesValues(column);
}

export default defineRule<SchemaModel, Options>({
  id: 'schema/brin-candidate',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'info',
  summary:
    'Large append-only table whose time or serial column follows the physical order: a BRIN index fits',
  reportsOn: ['column'],
  docs: {
    why: "In a table that is only appended to, a column like created_at (or a generated id) grows with the rows, so its values follow the physical order of the table: ANALYZE measures that as the column's correlation, close to 1. A BRIN index keeps only the smallest and largest value of each block range (128 pages by default) — kilobytes where a btree on the same column takes gigabytes — and a range query (WHERE created_at >= now() - interval '1 day') reads only the ranges that can match. The btree's size is paid in memory, in WAL and write amplification on every insert, and in time for every VACUUM and REINDEX. On a live database the rule reports a date, timestamp or generated integer column of a table with at least `minRows` rows, whose correlation is at least `minCorrelation`, in a table that is rarely updated (updates at most 5% of inserts: updates and deletes scatter new rows over old pages and break the order), with no index on the column or only a plain btree on it alone. A column with a BRIN index already, a btree that enforces a key, or a btree that leads a multi-column index is left alone; so are partitioned tables (each partition is a table of its own).",
    howToFix:
      "Build the BRIN index without blocking writes: `CREATE INDEX CONCURRENTLY idx_events_created_at_brin ON events USING brin (created_at)`. Check with EXPLAIN that the range queries use it (a Bitmap Heap Scan with a Recheck; lower `pages_per_range` for narrower ranges), then drop the btree it replaces with DROP INDEX CONCURRENTLY — unless queries need the btree's order (ORDER BY created_at DESC LIMIT 20) or look up single values, which a BRIN index does not serve well. The finding's fix builds the index; dropping the btree is left as a comment to decide.",
    examples: {
      bad: 'CREATE INDEX idx_events_created_at ON events (created_at);  -- 2 GB on 100 million appended rows',
      good: 'CREATE INDEX idx_events_created_at_brin ON events USING brin (created_at);  -- a few hundred kB',
    },
  },
  options: z.object({
    minRows: z
      .number()
      .int()
      .min(0)
      .default(1_000_000)
      .describe('Tables with fewer rows are left alone (a btree is small there)'),
    minCorrelation: z
      .number()
      .min(0)
      .max(1)
      .default(0.9)
      .describe("The column's correlation with the physical order (absolute value) from which BRIN fits"),
  }),
  check({ model, options, report }) {
    if (model.source !== 'live') return;
    const names = new NameRegistry(model);
    for (const table of model.tables) {
      if (table.kind !== 'table') continue;
      const rows = table.rowEstimate;
      if (rows === null || rows < options.minRows) continue;
      const mix = writeMix(model, table);
      if (!mix?.insertOnly) continue;
      for (const column of table.columns) {
        if (!growingColumn(column)) continue;
        const correlation = model.columnStats(table.qualifiedName, column.name)?.correlation ?? null;
        if (correlation === null || Math.abs(correlation) < options.minCorrelation) continue;
        const on = table.indexes.filter((i) => i.columns.includes(column.name));
        if (on.some((i) => i.method === 'brin')) continue;
        // replaceable: plain btree indexes on the column alone; anything else on it does another job
        const replaceable = on.filter(
          (i) =>
            i.method === 'btree' &&
            !i.unique &&
            i.constraint === null &&
            i.columns.length === 1 &&
            i.include.length === 0 &&
            i.predicate === null,
        );
        if (replaceable.length !== on.length) continue;
        reportColumn(table, column, correlation, rows, mix.text, replaceable);
      }
    }

    function reportColumn(
      table: TableInfo,
      column: ColumnInfo,
      correlation: number,
      rows: number,
      writes: string,
      btrees: readonly IndexInfo[],
    ) {
      const base = objectName('idx', templateName(table.name), templateName(column.name));
      // another index on the column alone takes the plain name's place: this one says what it is
      const sameKey = table.indexes.some((i) => i.columns.length === 1 && i.columns[0] === column.name);
      const name = names.free(table.schema, sameKey ? objectName(base, 'brin') : base);
      const build = buildIndexStatements(
        model,
        table,
        { name, method: 'brin', keys: identSql(column.name) },
        names,
      );
      const fix = [
        ...build,
        ...btrees.map(
          (i) =>
            `-- then, once EXPLAIN shows the range queries use it and nothing needs ${i.name}'s order (ORDER BY … LIMIT) or single-value lookups: ${dropIndexStatement(table, i)}`,
        ),
      ].join('\n');
      const what =
        btrees.length > 0
          ? `a BRIN index on it is a small fraction of the size of ${btrees.map((i) => `${i.name} (btree, ${formatBytes(i.size)})`).join(' and ')} and serves range queries nearly as well`
          : 'no index serves range queries on it; a BRIN index of a few pages does';
      report({
        message: `${table.qualifiedName}.${column.name} follows the physical order of the rows (correlation ${correlation.toFixed(2)}) in a table of ~${formatCount(rows)} rows that is only appended to (${writes}): ${what}`,
        location: { object: `${table.qualifiedName}.${column.name}`, kind: 'column' },
        fix,
      });
    }
  },
});
