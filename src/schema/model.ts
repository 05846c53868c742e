import type { CatalogSnapshot, SequenceInfo, TableInfo } from '../catalog/model.js';

/** What ANALYZE learnt of one column (pg_stats), on a live database. */
export interface ColumnStats {
  /** Fraction of rows where the column is null. */
  readonly nullFraction: number;
  /** Estimated number of distinct non-null values (pg_stats' n_distinct, made absolute with the row count). */
  readonly distinct: number | null;
  /** -1 … 0 in pg_stats: the distinct count grows with the table (a key-like column). */
  readonly distinctGrowsWithTable: boolean;
  /** Correlation between the column's order and the rows' physical order (-1 … 1). */
  readonly correlation: number | null;
  /** Values from ANALYZE's sample: the most common ones, then the histogram bounds (at most 100, as text). */
  readonly sample: readonly string[];
  /** How much of the table the most common values cover together (0 … 1). */
  readonly commonFrequency: number;
  /** The most common values with the fraction of rows each covers, most common first (pg_stats' MCV list). */
  readonly mostCommon?: readonly { readonly value: string; readonly frequency: number }[];
}

/** The cases of names the naming rules know. */
export type NameCase = 'snake_case' | 'camelCase' | 'PascalCase';

/** One dimension of the convention: what it is, and the votes it was decided by. */
export interface ConventionChoice<T extends string> {
  /** The convention; null when the schema holds no clear majority (see `votes`). */
  readonly convention: T | null;
  /** `config`: forced in `schema.naming`; `detected`: the majority of the schema's names; `default`: no evidence. */
  readonly source: 'config' | 'detected' | 'default';
  /** Names that tell the conventions apart, per convention (single words fit several and are not counted). */
  readonly votes: Readonly<Record<string, number>>;
}

export interface NamingConvention {
  readonly tables: ConventionChoice<NameCase>;
  readonly columns: ConventionChoice<NameCase>;
  readonly tableNumber: ConventionChoice<'plural' | 'singular'>;
  /** The share of the telling names a convention needed. */
  readonly majority: number;
}

/** PostgreSQL's keyword categories (pg_get_keywords): reserved words cannot be bare identifiers. */
export type KeywordCategory = 'reserved' | 'type or function name' | 'column name' | 'unreserved';

export interface SchemaConventions {
  readonly tenancy: {
    readonly column: string;
    readonly mode: 'auto' | 'all' | 'off';
    readonly globalTables: readonly string[];
  };
  readonly softDeleteColumn: string;
  /** The project's naming convention: forced in the config, or read from the reviewed tables. */
  readonly naming: NamingConvention;
}

/** The model of `catalog` rules: a database's schema under review, with what the database knows of its data. */
export interface SchemaModel {
  readonly snapshot: CatalogSnapshot;
  /** `live`: a real database (with data and statistics); `shadow`: built from SQL files or migrations (empty). */
  readonly source: 'live' | 'shadow';
  /**
   * The tables under review: ordinary and partitioned tables of the reviewed schemas, without partitions (they
   * share their parent's design), extension-owned tables and excluded ones.
   */
  readonly tables: readonly TableInfo[];
  /** The schemas under review (their names, and the objects in them that are not tables, are reviewed too). */
  readonly schemas: readonly string[];
  /** Views and materialized views of the reviewed schemas, without extension-owned and excluded ones. */
  readonly views: readonly TableInfo[];
  /** Any relation of the snapshot by `schema.name` (reviewed or not). */
  table(qualifiedName: string): TableInfo | undefined;
  /** The partitions of a partitioned table (all levels). */
  partitions(qualifiedName: string): readonly TableInfo[];
  /** Column statistics, when the database has them (live, analyzed, readable by the role). */
  columnStats(table: string, column: string): ColumnStats | undefined;
  /** True when at least one reviewed column has statistics: data-driven checks have something to read. */
  readonly hasStatistics: boolean;
  /** The sequence behind a serial or identity column (`schema.table.column`). */
  sequenceOf(table: string, column: string): SequenceInfo | undefined;
  /**
   * How long the statistics counters (scans, writes) have been counting, in days: since this database's last
   * reset; when never reset, since the later of the database's creation (when readable) and the server's own
   * counters' start (initdb, or the last crash recovery, restore or failover, which discard every counter). Null
   * when none is known.
   */
  readonly statsAgeDays: number | null;
  /** When the counters of `statsAgeDays` began (ISO 8601), or null. */
  readonly statsSince: string | null;
  readonly keywords: ReadonlyMap<string, KeywordCategory>;
  readonly conventions: SchemaConventions;
}
