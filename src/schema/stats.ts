import type { Connection } from '../db/connection.js';
import type { ColumnStats, KeywordCategory } from './model.js';

const SAMPLE_LIMIT = 100;

const CATEGORY: Record<string, KeywordCategory> = {
  R: 'reserved',
  T: 'type or function name',
  C: 'column name',
  U: 'unreserved',
};

/** One row of pg_stats as `readColumnStatsRows` reads it. */
export interface ColumnStatsRow {
  readonly schema: string;
  readonly table: string;
  readonly column: string;
  readonly null_frac: number;
  readonly n_distinct: number;
  readonly correlation: number | null;
  readonly common: string[] | null;
  readonly common_freqs: number[] | null;
  readonly histogram: string[] | null;
}

/**
 * pg_stats for every column of the reviewed schemas, read-only: only what ANALYZE already sampled, never the
 * tables themselves. A role sees the statistics of the columns it may SELECT; the others are simply absent.
 */
export async function loadColumnStats(
  connection: Connection,
  schemas: readonly string[],
  rowEstimates: ReadonlyMap<string, number | null>,
): Promise<Map<string, ColumnStats>> {
  return columnStatsFromRows(await readColumnStatsRows(connection, schemas), rowEstimates);
}

/** The I/O half of `loadColumnStats`: the pg_stats rows of the schemas. */
export async function readColumnStatsRows(
  connection: Connection,
  schemas: readonly string[],
): Promise<ColumnStatsRow[]> {
  return connection.readOnly((c) =>
    c.rows<ColumnStatsRow>(
      'reading column statistics (pg_stats)',
      // DISTINCT ON keeps a partitioned table's statistics over its partitions (inherited) over its own (empty).
      `SELECT DISTINCT ON (schemaname, tablename, attname)
              schemaname AS schema, tablename AS table, attname AS column, null_frac, n_distinct, correlation,
              most_common_vals::text::text[] AS common, most_common_freqs::float8[] AS common_freqs,
              histogram_bounds::text::text[] AS histogram
         FROM pg_stats
        WHERE schemaname = ANY($1::text[])
        ORDER BY schemaname, tablename, attname, inherited DESC`,
      [schemas],
    ),
  );
}

/** The pure half of `loadColumnStats`: the statistics by `schema.table.column`. */
export function columnStatsFromRows(
  rows: readonly ColumnStatsRow[],
  rowEstimates: ReadonlyMap<string, number | null>,
): Map<string, ColumnStats> {
  const stats = new Map<string, ColumnStats>();
  for (const row of rows) {
    const table = `${row.schema}.${row.table}`;
    const rowsEstimate = rowEstimates.get(table) ?? null;
    const nDistinct = Number(row.n_distinct);
    // A negative n_distinct is the distinct count divided by all the rows, nulls included (a unique column
    // with 30% nulls has -0.7): ANALYZE already discounted the nulls.
    const distinct =
      nDistinct >= 0 ? nDistinct : rowsEstimate === null ? null : Math.round(-nDistinct * rowsEstimate);
    stats.set(`${table}.${row.column}`, {
      nullFraction: Number(row.null_frac),
      distinct,
      distinctGrowsWithTable: nDistinct < 0,
      correlation: row.correlation === null ? null : Number(row.correlation),
      sample: [...(row.common ?? []), ...(row.histogram ?? [])].slice(0, SAMPLE_LIMIT),
      commonFrequency: (row.common_freqs ?? []).reduce((sum, f) => sum + Number(f), 0),
      mostCommon: (row.common ?? []).map((value, i) => ({
        value,
        frequency: Number(row.common_freqs?.[i] ?? 0),
      })),
    });
  }
  return stats;
}

/** One row of pg_get_keywords() as `readKeywordRows` reads it. */
export interface KeywordRow {
  readonly word: string;
  readonly catcode: string;
}

/** The server's keywords and their categories. */
export async function loadKeywords(connection: Connection): Promise<Map<string, KeywordCategory>> {
  return keywordsFromRows(await readKeywordRows(connection));
}

/** The I/O half of `loadKeywords`. */
export async function readKeywordRows(connection: Connection): Promise<KeywordRow[]> {
  return connection.readOnly((c) =>
    c.rows<KeywordRow>('reading the SQL keywords', 'SELECT word, catcode FROM pg_get_keywords()'),
  );
}

/** The pure half of `loadKeywords`. */
export function keywordsFromRows(rows: readonly KeywordRow[]): Map<string, KeywordCategory> {
  return new Map(rows.map((r) => [r.word, CATEGORY[r.catcode] ?? 'unreserved']));
}
