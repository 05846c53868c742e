/**
 * Bloat estimates without reading a page: the pages a table (or B-tree index) needs for its rows, from the row
 * count (reltuples) and each column's width (its fixed length, else pg_stats.avg_width) and null fraction, laid
 * out as PostgreSQL lays them out (tuple header, null bitmap, alignment, line pointers, page header, fillfactor),
 * against the pages it has (relpages). Pure: collect.ts reads the rows, this turns them into estimates.
 */

/** One column (of a table, or one attribute of an index) as the estimate reads it. */
export interface BloatColumn {
  readonly name: string;
  /** pg_attribute.attlen: bytes of a fixed-width type, -1 for variable width (varlena), -2 for cstring. */
  readonly length: number;
  /** pg_attribute.attalign: c, s, i or d. */
  readonly align: string;
  /** pg_stats, null when the column has no statistics (never analyzed, or not readable by the role). */
  readonly avgWidth: number | null;
  readonly nullFrac: number | null;
  /** pg_stats.n_distinct (negative: a share of the rows), for an index's first column. */
  readonly nDistinct: number | null;
}

export interface BloatRelation {
  /** Schema-qualified, quoted where needed. */
  readonly name: string;
  readonly kind: 'table' | 'index';
  /** For an index, its table. */
  readonly table: string | null;
  readonly pages: number;
  /** pg_class.reltuples: -1 (PostgreSQL 14+) or 0 on a table never vacuumed or analyzed. */
  readonly tuples: number;
  readonly fillfactor: number;
  readonly columns: readonly BloatColumn[];
  readonly toastPages: number;
  readonly toastTuples: number;
  /** For an index: UNIQUE (no duplicates for B-tree deduplication to pack). */
  readonly unique: boolean;
  /** Rows changed since the table's last ANALYZE (reltuples, relpages and pg_stats are that old). */
  readonly modifiedSinceAnalyze: number;
}

export interface BloatMeasure {
  readonly bloatBytes: number;
  readonly share: number;
  /** The function that measured it: pgstattuple_approx for a table, pgstatindex for an index. */
  readonly by: string;
}

export interface BloatEstimate {
  readonly name: string;
  readonly kind: 'table' | 'index';
  readonly table: string | null;
  readonly sizeBytes: number;
  /** What the rows need at the relation's fillfactor. */
  readonly expectedBytes: number;
  /** sizeBytes − expectedBytes (never below 0), TOAST included for a table. */
  readonly bloatBytes: number;
  /** bloatBytes / sizeBytes. */
  readonly share: number;
  readonly fillfactor: number;
  readonly toastBytes: number;
  readonly toastBloatBytes: number;
  /** Why the estimate is not to be trusted (no statistics, a tiny relation…), null when it is. */
  readonly unreliable: string | null;
  /** The exact figure, when `--exact` measured it. */
  readonly measured: BloatMeasure | null;
}

const PAGE_HEADER = 24;
const ITEM_ID = 4;
const MAXALIGN = 8;
/** offsetof(HeapTupleHeaderData, t_bits). */
const HEAP_TUPLE_HEADER = 23;
/** IndexTupleData (t_tid and t_info). */
const INDEX_TUPLE_HEADER = 8;
/** IndexAttributeBitMapData: one bit per possible key column (INDEX_MAX_KEYS 32). */
const INDEX_NULL_BITMAP = 4;
/** BTPageOpaqueData at the end of each B-tree page. */
const BTREE_SPECIAL = 16;
/** MaxHeapTuplesPerPage on 8 kB pages. */
const MAX_HEAP_TUPLES = 291;
/** TOAST_MAX_CHUNK_SIZE is chosen so that four chunks fill a page. */
const TOAST_CHUNKS_PER_PAGE = 4;
/** Below this many pages, page granularity and the free space map's slack dominate the estimate. */
export const TINY_PAGES = 128;
const ALIGNMENT: Readonly<Record<string, number>> = { c: 1, s: 2, i: 4, d: 8 };

const alignUp = (offset: number, to: number) => Math.ceil(offset / to) * to;

/**
 * The average bytes of the columns' data in a tuple, with the alignment padding before each: a fixed-width
 * value and a long varlena (4-byte header) are aligned to their type; a short varlena (1-byte header, under 127
 * bytes) is not. A null takes no space, so each column adds its share of non-null rows.
 */
function dataBytes(columns: readonly BloatColumn[]): { bytes: number; missing: string[] } {
  let offset = 0;
  const missing: string[] = [];
  for (const column of columns) {
    const nullFrac = column.nullFrac ?? 0;
    let width = column.length > 0 ? column.length : column.avgWidth;
    if (width === null) {
      missing.push(column.name);
      width = 0;
    }
    const aligned =
      column.length > 0 || width >= 127 ? alignUp(offset, ALIGNMENT[column.align] ?? 1) : offset;
    offset += (1 - nullFrac) * (aligned - offset + width);
  }
  return { bytes: offset, missing };
}

function hasNulls(columns: readonly BloatColumn[]): boolean {
  return columns.some((c) => (c.nullFrac ?? 0) > 0);
}

/** Rows that fit a page of `usable` bytes: whole rows when every column is fixed-width, else on average. */
function perPage(usable: number, rowBytes: number, fixed: boolean, max: number): number {
  const rows = fixed ? Math.floor(usable / rowBytes) : usable / rowBytes;
  return Math.max(1, Math.min(max, rows));
}

function unreliableReason(relation: BloatRelation, missing: readonly string[]): string | null {
  if (relation.tuples < 0 || (relation.tuples === 0 && relation.pages > 0))
    return 'never analyzed or vacuumed: no row count';
  if (missing.length > 0)
    return `no statistics for the variable-width column(s) ${missing.slice(0, 5).join(', ')}: run ANALYZE`;
  if (relation.pages < TINY_PAGES) return `tiny (${relation.pages} pages): page granularity dominates`;
  if (relation.modifiedSinceAnalyze > Math.max(1000, 0.2 * relation.tuples))
    return 'statistics older than a fifth of its rows: run ANALYZE';
  const first = relation.columns[0];
  if (
    relation.kind === 'index' &&
    !relation.unique &&
    first?.nDistinct !== null &&
    first?.nDistinct !== undefined &&
    (first.nDistinct < 0 ? -first.nDistinct : first.nDistinct / Math.max(1, relation.tuples)) < 0.5
  )
    return 'many duplicate keys: B-tree deduplication packs them, so the estimate understates the bloat';
  return null;
}

/** The estimate for one table (heap and TOAST) or B-tree index. */
export function estimateBloat(relation: BloatRelation, blockSize = 8192): BloatEstimate {
  const { bytes, missing } = dataBytes(relation.columns);
  const fixed = relation.columns.every((c) => c.length > 0);
  const tuples = Math.max(0, relation.tuples);
  let expectedPages: number;
  if (relation.kind === 'table') {
    const bitmap = hasNulls(relation.columns) ? Math.ceil(relation.columns.length / 8) : 0;
    const header = alignUp(HEAP_TUPLE_HEADER + bitmap, MAXALIGN);
    const row = alignUp(header + bytes, MAXALIGN) + ITEM_ID;
    // inserts stop filling a page once its free space would fall under (100 − fillfactor)% of it
    const usable = blockSize - PAGE_HEADER - (blockSize * (100 - relation.fillfactor)) / 100;
    expectedPages = Math.ceil(tuples / perPage(usable, row, fixed, MAX_HEAP_TUPLES));
  } else {
    const header = hasNulls(relation.columns)
      ? alignUp(INDEX_TUPLE_HEADER + INDEX_NULL_BITMAP, MAXALIGN)
      : INDEX_TUPLE_HEADER;
    const row = alignUp(header + bytes, MAXALIGN) + ITEM_ID;
    const usable = ((blockSize - PAGE_HEADER - BTREE_SPECIAL) * relation.fillfactor) / 100;
    const leaves = Math.ceil(tuples / perPage(usable, row, fixed, Number.MAX_SAFE_INTEGER));
    // internal pages hold one downlink per page below; plus the metapage
    const perInternal = perPage(blockSize - PAGE_HEADER - BTREE_SPECIAL, row, fixed, Number.MAX_SAFE_INTEGER);
    let internal = 0;
    for (let level = leaves; level > 1; level = Math.ceil(level / perInternal))
      internal += Math.ceil(level / perInternal);
    expectedPages = leaves + internal + 1;
  }
  // TOAST's reltuples is set by VACUUM only: unknown (-1) until then, and its pages are then left out
  const toastPages = relation.toastTuples >= 0 ? relation.toastPages : 0;
  const toastExpected = Math.ceil(Math.max(0, relation.toastTuples) / TOAST_CHUNKS_PER_PAGE);
  const heapBloat = Math.max(0, relation.pages - expectedPages);
  const toastBloat = Math.max(0, toastPages - toastExpected);
  const totalPages = relation.pages + toastPages;
  return {
    name: relation.name,
    kind: relation.kind,
    table: relation.table,
    sizeBytes: totalPages * blockSize,
    expectedBytes:
      (Math.min(expectedPages, relation.pages) + Math.min(toastExpected, toastPages)) * blockSize,
    bloatBytes: (heapBloat + toastBloat) * blockSize,
    share: totalPages > 0 ? (heapBloat + toastBloat) / totalPages : 0,
    fillfactor: relation.fillfactor,
    toastBytes: toastPages * blockSize,
    toastBloatBytes: toastBloat * blockSize,
    unreliable: unreliableReason(relation, missing),
    measured: null,
  };
}

/**
 * The exact figure of a table from pgstattuple_approx (or pgstattuple): the pages its live rows need — their
 * measured bytes, each MAXALIGNed with its line pointer, at the table's fillfactor — against its length. Dead rows,
 * free space, and the line pointers and padding around them are the bloat, as in the estimate.
 */
export function measuredTableBloat(
  row: { table_len: number; tuple_count: number; tuple_len: number },
  fillfactor: number,
  blockSize = 8192,
): BloatMeasure {
  const size = Number(row.table_len);
  const count = Number(row.tuple_count);
  const perRow = count > 0 ? alignUp(Number(row.tuple_len) / count, MAXALIGN) + ITEM_ID : 0;
  const usable = blockSize - PAGE_HEADER - (blockSize * (100 - fillfactor)) / 100;
  const needed = Math.ceil((count * perRow) / usable) * blockSize;
  const wasted = Math.max(0, size - needed);
  return { bloatBytes: wasted, share: size > 0 ? wasted / size : 0, by: 'pgstattuple_approx' };
}

/**
 * The exact figure of a B-tree from pgstatindex: how far its leaves are below the fillfactor's density, and its
 * empty and deleted pages. Entries of dead rows count as data until VACUUM removes them.
 */
export function measuredIndexBloat(
  row: {
    index_size: number;
    leaf_pages: number;
    empty_pages: number;
    deleted_pages: number;
    avg_leaf_density: number;
  },
  fillfactor: number,
  blockSize = 8192,
): BloatMeasure {
  const size = Number(row.index_size);
  const density = Number.isNaN(Number(row.avg_leaf_density)) ? 0 : Number(row.avg_leaf_density);
  const sparse = Math.max(0, 1 - density / fillfactor) * Number(row.leaf_pages);
  const wasted = (sparse + Number(row.empty_pages) + Number(row.deleted_pages)) * blockSize;
  return { bloatBytes: wasted, share: size > 0 ? Math.min(1, wasted / size) : 0, by: 'pgstatindex' };
}

type Row = Record<string, unknown>;

/** A row of BLOAT_TABLES_SQL or BLOAT_INDEXES_SQL as the estimate reads it. */
export function bloatRelationOf(row: Row, kind: 'table' | 'index'): BloatRelation {
  const orNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return {
    name: String(row.name),
    kind,
    table: kind === 'index' ? String(row.table) : null,
    pages: Number(row.pages),
    tuples: Number(row.tuples),
    fillfactor: Number(row.fillfactor),
    toastPages: Number(row.toast_pages ?? 0),
    toastTuples: Number(row.toast_tuples ?? 0),
    unique: row.unique === true,
    modifiedSinceAnalyze: Number(row.modified ?? 0),
    columns: ((row.columns ?? []) as unknown[][]).map(
      ([name, length, align, avgWidth, nullFrac, nDistinct]) => ({
        name: String(name),
        length: Number(length),
        align: String(align),
        avgWidth: orNull(avgWidth),
        nullFrac: orNull(nullFrac),
        nDistinct: orNull(nDistinct),
      }),
    ),
  };
}

/** The relations `--exact` measures: those the estimate suspects (or cannot judge), the largest first. */
export function exactCandidates(estimates: readonly BloatEstimate[], limit: number): BloatEstimate[] {
  return estimates
    .filter((e) => e.sizeBytes >= TINY_PAGES * 8192 && (e.share >= 0.2 || e.unreliable !== null))
    .sort((a, b) => b.bloatBytes - a.bloatBytes || b.sizeBytes - a.sizeBytes)
    .slice(0, limit);
}
