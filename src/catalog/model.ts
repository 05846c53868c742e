/** An immutable, typed picture of one database, taken in one read-only pass. Sizes are bytes; 64-bit values are strings. */
export interface CatalogSnapshot {
  readonly server: {
    readonly version: string;
    readonly major: number;
    readonly database: string;
    readonly currentUser: string;
  };
  /** When the snapshot was taken (ISO 8601). */
  readonly takenAt: string;
  /** When this database's statistics counters were last reset (null: never, or unknown). */
  readonly statsReset: string | null;
  /**
   * When the server's own statistics counters began (the oldest reset of pg_stat_archiver and pg_stat_bgwriter:
   * initdb, or the last crash recovery, restore or failover, which discard every counter); null when unknown.
   */
  readonly serverStatsReset?: string | null;
  /** When this database was created (its PG_VERSION file), when the role may read it (pg_stat_file); else null. */
  readonly databaseCreated?: string | null;
  readonly schemas: readonly SchemaInfo[];
  readonly tables: readonly TableInfo[];
  readonly sequences: readonly SequenceInfo[];
  readonly functions: readonly FunctionInfo[];
  readonly types: readonly TypeInfo[];
  readonly roles: readonly RoleInfo[];
  readonly extensions: readonly ExtensionInfo[];
}

export interface SchemaInfo {
  readonly name: string;
  readonly owner: string;
  /** The extension that owns it, if any. */
  readonly extension: string | null;
  readonly comment: string | null;
}

export type RelationKind = 'table' | 'partitioned table' | 'view' | 'materialized view' | 'foreign table';

export interface TableInfo {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  /** `schema.name` */
  readonly qualifiedName: string;
  readonly kind: RelationKind;
  readonly owner: string;
  readonly persistence: 'permanent' | 'unlogged' | 'temporary';
  /** The planner's row estimate; null when the table was never analyzed or vacuumed. */
  readonly rowEstimate: number | null;
  readonly sizes: {
    /** Heap + TOAST + free space and visibility maps. */
    readonly table: number | null;
    readonly indexes: number | null;
    readonly total: number | null;
  };
  readonly partitioning: { readonly key: string } | null;
  readonly partitionOf: { readonly parent: string; readonly bound: string } | null;
  readonly rowSecurity: { readonly enabled: boolean; readonly forced: boolean };
  readonly columns: readonly ColumnInfo[];
  readonly constraints: readonly ConstraintInfo[];
  readonly indexes: readonly IndexInfo[];
  readonly policies: readonly PolicyInfo[];
  readonly triggers: readonly TriggerInfo[];
  readonly stats: TableStats | null;
  /** View and materialized view definitions. */
  readonly definition: string | null;
  readonly extension: string | null;
  readonly comment: string | null;
}

export interface ColumnInfo {
  readonly name: string;
  readonly position: number;
  /** As PostgreSQL prints it: `character varying(255)`, `timestamp with time zone`, `integer[]`. */
  readonly type: string;
  /** The base type's internal name: `varchar`, `timestamptz`, `int4` (the element type for arrays). */
  readonly typeName: string;
  readonly typeSchema: string;
  readonly isArray: boolean;
  readonly notNull: boolean;
  readonly default: string | null;
  readonly identity: 'always' | 'by default' | null;
  readonly generated: 'stored' | 'virtual' | null;
  readonly generationExpression: string | null;
  readonly collation: string | null;
  readonly comment: string | null;
}

export type ReferentialAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';
export type ConstraintType = 'primary key' | 'foreign key' | 'unique' | 'check' | 'exclusion';

export interface ConstraintInfo {
  readonly name: string;
  readonly type: ConstraintType;
  /** Constrained columns, in constraint order. */
  readonly columns: readonly string[];
  readonly definition: string;
  /** False for a constraint added NOT VALID and not validated since. */
  readonly validated: boolean;
  readonly deferrable: boolean;
  readonly initiallyDeferred: boolean;
  /** The index that enforces it (primary key, unique, exclusion). */
  readonly index: string | null;
  /** Cloned from a partitioned parent's constraint, or inherited. */
  readonly inherited: boolean;
  readonly foreignKey: {
    readonly referencedTable: string;
    readonly referencedColumns: readonly string[];
    readonly onDelete: ReferentialAction;
    readonly onUpdate: ReferentialAction;
    readonly match: 'simple' | 'full' | 'partial';
  } | null;
}

export interface IndexInfo {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  readonly qualifiedName: string;
  /** Key columns in order; null where the key is an expression. */
  readonly columns: readonly (string | null)[];
  /** INCLUDE columns. */
  readonly include: readonly string[];
  readonly expressions: string | null;
  readonly predicate: string | null;
  readonly method: string;
  readonly unique: boolean;
  readonly primary: boolean;
  readonly exclusion: boolean;
  /** False after a failed CREATE INDEX CONCURRENTLY: the index is maintained but never used. */
  readonly valid: boolean;
  readonly ready: boolean;
  readonly nullsNotDistinct: boolean;
  readonly definition: string;
  readonly size: number | null;
  /** Index scans since statistics were reset (null when statistics are unavailable). */
  readonly scans: number | null;
  readonly lastScan: string | null;
  readonly constraint: string | null;
}

export interface PolicyInfo {
  readonly name: string;
  readonly command: 'all' | 'select' | 'insert' | 'update' | 'delete';
  readonly permissive: boolean;
  readonly roles: readonly string[];
  readonly using: string | null;
  readonly withCheck: string | null;
}

export interface TriggerInfo {
  readonly name: string;
  readonly function: string;
  readonly timing: 'before' | 'after' | 'instead of';
  readonly events: readonly ('insert' | 'update' | 'delete' | 'truncate')[];
  readonly level: 'row' | 'statement';
  readonly enabled: boolean;
  readonly definition: string;
}

export interface TableStats {
  readonly seqScans: number;
  readonly seqRowsRead: number;
  readonly indexScans: number | null;
  readonly liveRows: number;
  readonly deadRows: number;
  readonly modifiedSinceAnalyze: number;
  readonly inserts: number;
  readonly updates: number;
  readonly hotUpdates: number;
  readonly deletes: number;
  readonly lastVacuum: string | null;
  readonly lastAutovacuum: string | null;
  readonly lastAnalyze: string | null;
  readonly lastAutoanalyze: string | null;
}

export interface SequenceInfo {
  readonly schema: string;
  readonly name: string;
  readonly qualifiedName: string;
  readonly dataType: string;
  readonly start: string;
  readonly increment: string;
  readonly min: string;
  readonly max: string;
  readonly cycle: boolean;
  readonly cache: string;
  /** null when the sequence was never used, or the role may not read it. */
  readonly lastValue: string | null;
  /** `schema.table.column` of a serial or identity column. */
  readonly ownedBy: string | null;
}

export interface FunctionInfo {
  readonly schema: string;
  readonly name: string;
  readonly arguments: string;
  readonly returns: string | null;
  readonly kind: 'function' | 'procedure' | 'aggregate' | 'window';
  readonly language: string;
  readonly volatility: 'immutable' | 'stable' | 'volatile';
  readonly securityDefiner: boolean;
  /** md5 of the function's source: changes when the body changes. */
  readonly bodyHash: string;
  readonly extension: string | null;
}

export interface TypeInfo {
  readonly schema: string;
  readonly name: string;
  readonly kind: 'enum' | 'domain' | 'composite' | 'range';
  /** Enum labels in sort order. */
  readonly labels: readonly string[];
  /** A domain's base type. */
  readonly baseType: string | null;
  readonly extension: string | null;
}

export interface RoleInfo {
  readonly name: string;
  readonly superuser: boolean;
  readonly inherit: boolean;
  readonly createRole: boolean;
  readonly createDb: boolean;
  readonly canLogin: boolean;
  readonly replication: boolean;
  readonly bypassRls: boolean;
  readonly connectionLimit: number;
  readonly validUntil: string | null;
  readonly memberOf: readonly string[];
}

export interface ExtensionInfo {
  readonly name: string;
  readonly version: string;
  readonly schema: string;
}
