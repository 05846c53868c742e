import { deepFreeze } from '../core/immutable.js';
import type { Connection } from '../db/connection.js';
import { serverVersion } from '../db/server-info.js';
import type {
  CatalogSnapshot,
  ColumnInfo,
  ConstraintInfo,
  ConstraintType,
  FunctionInfo,
  IndexInfo,
  PolicyInfo,
  ReferentialAction,
  RelationKind,
  SequenceInfo,
  TableInfo,
  TableStats,
  TriggerInfo,
  TypeInfo,
} from './model.js';
import * as q from './queries.js';

export interface SnapshotOptions {
  /** Read relation sizes (one lock per relation, in short batches). Default true. */
  readonly sizes?: boolean;
  readonly statementTimeoutMs?: number;
  /**
   * Read inside the transaction the connection is already in (to see its uncommitted changes), instead of a READ
   * ONLY transaction of its own. Sizes are then not read.
   */
  readonly withinTransaction?: boolean;
  /**
   * Read only what these names can reach: the relations (tables, views, materialized views, foreign tables)
   * named so, the tables of the indexes named so, with their columns, constraints, indexes, policies, triggers
   * and statistics; the functions named so. Schemas and extensions are read in full; sequences, types and roles
   * are left out. For a migration, the names it mentions: what it can touch, at the cost of its size, not the
   * database's.
   */
  readonly names?: readonly string[];
}

type Row = Record<string, unknown>;

const RELATION_KIND: Record<string, RelationKind> = {
  r: 'table',
  p: 'partitioned table',
  v: 'view',
  m: 'materialized view',
  f: 'foreign table',
};
const CONSTRAINT_TYPE: Record<string, ConstraintType> = {
  p: 'primary key',
  f: 'foreign key',
  u: 'unique',
  c: 'check',
  x: 'exclusion',
};
const ACTION: Record<string, ReferentialAction> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};
const MATCH = { s: 'simple', f: 'full', p: 'partial' } as const;
const POLICY_COMMAND = { '*': 'all', r: 'select', a: 'insert', w: 'update', d: 'delete' } as const;
const VOLATILITY = { i: 'immutable', s: 'stable', v: 'volatile' } as const;
const FUNCTION_KIND = { f: 'function', p: 'procedure', a: 'aggregate', w: 'window' } as const;
const TYPE_KIND = { e: 'enum', d: 'domain', c: 'composite', r: 'range' } as const;

const SIZE_BATCH = 1_000;

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);
const str = (value: unknown): string => String(value);
const strOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);
const iso = (value: unknown): string | null =>
  value instanceof Date ? value.toISOString() : value === null || value === undefined ? null : String(value);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map((v) => String(v)) : []);

function groupBy<T>(rows: readonly Row[], key: string, map: (row: Row) => T): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const id = Number(row[key]);
    const group = groups.get(id);
    if (group) group.push(map(row));
    else groups.set(id, [map(row)]);
  }
  return groups;
}

/**
 * The rows the snapshot is built from, as the catalog queries return them: what `readCatalogRows` reads and
 * `snapshotFromRows` builds a snapshot from. Plain JSON (dates as ISO strings once serialized), so it can be
 * recorded and replayed without a server.
 */
export interface CatalogRows {
  readonly server: { readonly version: string; readonly major: number };
  /** When the rows were read (ISO 8601). */
  readonly takenAt: string;
  readonly who: Row;
  readonly schemas: readonly Row[];
  readonly members: readonly Row[];
  readonly relations: readonly Row[];
  readonly columns: readonly Row[];
  readonly constraints: readonly Row[];
  readonly indexes: readonly Row[];
  readonly policies: readonly Row[];
  readonly triggers: readonly Row[];
  readonly stats: readonly Row[];
  readonly statsReset: readonly Row[];
  readonly sequences: readonly Row[];
  readonly functions: readonly Row[];
  readonly types: readonly Row[];
  readonly roles: readonly Row[];
  readonly extensions: readonly Row[];
  /** Relation and index sizes in bytes, by oid; empty when sizes were not read. */
  readonly sizes: Readonly<Record<string, number>>;
}

/**
 * Loads the catalog of the connected database in one READ ONLY, REPEATABLE READ transaction (every query sees
 * the same state), then reads relation sizes in short batches. Works on PostgreSQL 13 to 18 with the privileges
 * of any role that can connect; what the role may not see is left null.
 */
export async function loadSnapshot(
  connection: Connection,
  options: SnapshotOptions = {},
): Promise<CatalogSnapshot> {
  return snapshotFromRows(await readCatalogRows(connection, options));
}

/** The I/O half of `loadSnapshot`: the catalog rows of the connected database (see `loadSnapshot`). */
export async function readCatalogRows(
  connection: Connection,
  options: SnapshotOptions = {},
): Promise<CatalogRows> {
  const version = await serverVersion(connection);
  const major = version.major;
  const read = (what: string, sql: string, params?: readonly unknown[]) =>
    connection.rows<Row>(what, sql, params);
  // When the counters began: the database's reset, the server's, and (when readable) the database's creation.
  const readStatsStart = async () => {
    const rows = await read('reading the statistics reset time', q.statsResetQuery);
    if (rows[0]?.can_stat_file !== true) return rows;
    const created = await read('reading when the database was created', q.databaseCreatedQuery);
    return [{ ...rows[0], database_created: created[0]?.created ?? null }];
  };
  const readAll = async () => ({
    who: (await read('reading the database name', 'SELECT current_database() AS database, current_user'))[0]!,
    schemas: await read('reading schemas', q.schemasQuery),
    members: await read('reading extension members', q.extensionMembersQuery),
    relations: await read('reading tables', q.relationsQuery),
    columns: await read('reading columns', q.columnsQuery),
    constraints: await read('reading constraints', q.constraintsQuery),
    indexes: await read('reading indexes', q.indexesQuery(major)),
    policies: await read('reading row level security policies', q.policiesQuery),
    triggers: await read('reading triggers', q.triggersQuery),
    stats: await read('reading table statistics', q.tableStatsQuery),
    statsReset: await readStatsStart(),
    sequences: await read('reading sequences', q.sequencesQuery),
    functions: await read('reading functions', q.functionsQuery),
    types: await read('reading types', q.typesQuery),
    roles: await read('reading roles', q.rolesQuery),
    extensions: await read('reading extensions', q.extensionsQuery),
  });
  const names = options.names;
  const readNamed = async (named: readonly string[]) => {
    const oids = (await read('finding the relations named', q.namedRelationsQuery, [named])).map((r) =>
      String(r.oid),
    );
    const only = (sql: string, column: string, what: string) =>
      read(what, `SELECT * FROM (${sql}) AS s WHERE s.${column} = ANY ($1::oid[])`, [oids]);
    const functions = await read(
      'reading functions',
      `SELECT * FROM (${q.functionsQuery}) AS s WHERE s.name = ANY ($1::text[])`,
      [named],
    );
    const schemas = await read('reading schemas', q.schemasQuery);
    return {
      who: (
        await read('reading the database name', 'SELECT current_database() AS database, current_user')
      )[0]!,
      schemas,
      members: await read(
        'reading extension members',
        `SELECT * FROM (${q.extensionMembersQuery}) AS s WHERE s.objid = ANY ($1::oid[])`,
        [[...oids, ...functions.map((f) => String(f.oid)), ...schemas.map((n) => String(n.oid))]],
      ),
      relations: await only(q.relationsQuery, 'oid', 'reading tables'),
      columns: await only(q.columnsQuery, 'table_oid', 'reading columns'),
      constraints: await only(q.constraintsQuery, 'table_oid', 'reading constraints'),
      indexes: await only(q.indexesQuery(major), 'table_oid', 'reading indexes'),
      policies: await only(q.policiesQuery, 'table_oid', 'reading row level security policies'),
      triggers: await only(q.triggersQuery, 'table_oid', 'reading triggers'),
      stats: await only(q.tableStatsQuery, 'table_oid', 'reading table statistics'),
      statsReset: await readStatsStart(),
      sequences: [] as Row[],
      functions,
      types: [] as Row[],
      roles: [] as Row[],
      extensions: await read('reading extensions', q.extensionsQuery),
    };
  };
  const readWhat = names ? () => readNamed(names) : readAll;
  const raw = options.withinTransaction
    ? await readWhat()
    : await connection.readOnly(readWhat, { statementTimeoutMs: options.statementTimeoutMs ?? 120_000 });

  const sizes =
    options.sizes === false
      ? new Map<number, number>()
      : await readSizes(connection, raw.relations, raw.indexes);
  return {
    server: { version: version.text, major },
    takenAt: new Date().toISOString(),
    ...raw,
    sizes: Object.fromEntries([...sizes].map(([oid, size]) => [String(oid), size])),
  };
}

/** The pure half of `loadSnapshot`: builds the (frozen) snapshot from the rows `readCatalogRows` read. */
export function snapshotFromRows(raw: CatalogRows): CatalogSnapshot {
  const major = raw.server.major;
  const memberOf = new Map<string, string>();
  for (const row of raw.members) memberOf.set(`${row.catalog}:${row.objid}`, str(row.extension));
  const extensionOf = (catalog: string, oid: unknown) => memberOf.get(`${catalog}:${oid}`) ?? null;

  const columns = groupBy<ColumnInfo>(raw.columns, 'table_oid', (row) => {
    const generated = row.generated === 's' ? 'stored' : row.generated === 'v' ? 'virtual' : null;
    return {
      name: str(row.name),
      position: num(row.position),
      type: str(row.type),
      typeName: str(row.type_name),
      typeSchema: str(row.type_schema),
      isArray: row.is_array === true,
      notNull: row.not_null === true,
      default: generated ? null : strOrNull(row.default_expr),
      identity: row.identity === 'a' ? 'always' : row.identity === 'd' ? 'by default' : null,
      generated,
      generationExpression: generated ? strOrNull(row.default_expr) : null,
      collation: strOrNull(row.collation),
      comment: strOrNull(row.comment),
    };
  });

  const constraints = groupBy<ConstraintInfo>(raw.constraints, 'table_oid', (row) => {
    const type = CONSTRAINT_TYPE[str(row.contype)]!;
    return {
      name: str(row.name),
      type,
      columns: strings(row.columns),
      definition: str(row.definition),
      validated: row.validated === true,
      deferrable: row.deferrable === true,
      initiallyDeferred: row.deferred === true,
      inherited: row.inherited === true,
      index: strOrNull(row.index_name),
      foreignKey:
        type === 'foreign key'
          ? {
              referencedTable: str(row.referenced_table),
              referencedColumns: strings(row.referenced_columns),
              onDelete: ACTION[str(row.on_delete)] ?? 'no action',
              onUpdate: ACTION[str(row.on_update)] ?? 'no action',
              match: MATCH[str(row.match_type) as keyof typeof MATCH] ?? 'simple',
            }
          : null,
    };
  });

  // Index keys are attribute numbers (0 for an expression): named from the columns read above.
  const columnName = (tableOid: number, attnum: number) =>
    columns.get(tableOid)?.find((c) => c.position === attnum)?.name ?? null;
  const indexes = groupBy<IndexInfo>(raw.indexes, 'table_oid', (row) => {
    const keys = (row.keys as number[]).map((attnum) =>
      attnum === 0 ? null : columnName(num(row.table_oid), attnum),
    );
    const keyCount = num(row.key_count);
    return {
      oid: num(row.oid),
      schema: str(row.schema),
      name: str(row.name),
      qualifiedName: `${row.schema}.${row.name}`,
      columns: keys.slice(0, keyCount),
      include: keys.slice(keyCount).filter((c): c is string => c !== null),
      expressions: strOrNull(row.expressions),
      predicate: strOrNull(row.predicate),
      method: str(row.method),
      unique: row.is_unique === true,
      primary: row.is_primary === true,
      exclusion: row.is_exclusion === true,
      valid: row.is_valid === true,
      ready: row.is_ready === true,
      nullsNotDistinct: row.nulls_not_distinct === true,
      definition: str(row.definition),
      size: null,
      scans: numOrNull(row.scans),
      lastScan: iso(row.last_scan),
      constraint: strOrNull(row.constraint_name),
    };
  });

  const policies = groupBy<PolicyInfo>(raw.policies, 'table_oid', (row) => ({
    name: str(row.name),
    command: POLICY_COMMAND[str(row.command) as keyof typeof POLICY_COMMAND] ?? 'all',
    permissive: row.permissive === true,
    roles: strings(row.roles),
    using: strOrNull(row.using_expr),
    withCheck: strOrNull(row.with_check),
  }));

  const triggers = groupBy<TriggerInfo>(raw.triggers, 'table_oid', (row) => {
    const type = num(row.tgtype);
    const events: TriggerInfo['events'][number][] = [];
    if (type & 4) events.push('insert');
    if (type & 16) events.push('update');
    if (type & 8) events.push('delete');
    if (type & 32) events.push('truncate');
    return {
      name: str(row.name),
      function: str(row.function),
      timing: type & 2 ? 'before' : type & 64 ? 'instead of' : 'after',
      events,
      level: type & 1 ? 'row' : 'statement',
      enabled: row.enabled !== 'D',
      definition: str(row.definition),
    };
  });

  const stats = new Map<number, TableStats>();
  for (const row of raw.stats) {
    stats.set(num(row.table_oid), {
      seqScans: num(row.seq_scan),
      seqRowsRead: num(row.seq_tup_read),
      indexScans: numOrNull(row.idx_scan),
      liveRows: num(row.n_live_tup),
      deadRows: num(row.n_dead_tup),
      modifiedSinceAnalyze: num(row.n_mod_since_analyze),
      inserts: num(row.n_tup_ins),
      updates: num(row.n_tup_upd),
      hotUpdates: num(row.n_tup_hot_upd),
      deletes: num(row.n_tup_del),
      lastVacuum: iso(row.last_vacuum),
      lastAutovacuum: iso(row.last_autovacuum),
      lastAnalyze: iso(row.last_analyze),
      lastAutoanalyze: iso(row.last_autoanalyze),
    });
  }

  const sizes = new Map(Object.entries(raw.sizes).map(([oid, size]) => [Number(oid), size]));

  const tables: TableInfo[] = raw.relations.map((row) => {
    const oid = num(row.oid);
    const kind = RELATION_KIND[str(row.relkind)]!;
    const tableIndexes = (indexes.get(oid) ?? []).map((index) => ({
      ...index,
      size: sizes.get(index.oid) ?? null,
    }));
    const hasStorage = kind === 'table' || kind === 'materialized view';
    const tableSize = hasStorage ? (sizes.get(oid) ?? null) : null;
    const indexesSize =
      tableIndexes.length === 0 ? (hasStorage ? 0 : null) : sumOrNull(tableIndexes.map((i) => i.size));
    const tableStats = stats.get(oid) ?? null;
    return {
      oid,
      schema: str(row.schema),
      name: str(row.name),
      qualifiedName: `${row.schema}.${row.name}`,
      kind,
      owner: str(row.owner),
      persistence: row.persistence === 'u' ? 'unlogged' : row.persistence === 't' ? 'temporary' : 'permanent',
      rowEstimate: rowEstimate(row, major, tableStats),
      sizes: {
        table: tableSize,
        indexes: indexesSize,
        total: tableSize === null || indexesSize === null ? null : tableSize + indexesSize,
      },
      partitioning: row.partition_key ? { key: str(row.partition_key) } : null,
      partitionOf: row.partition_parent
        ? { parent: str(row.partition_parent), bound: str(row.partition_bound ?? '') }
        : null,
      rowSecurity: { enabled: row.rls_enabled === true, forced: row.rls_forced === true },
      columns: columns.get(oid) ?? [],
      constraints: constraints.get(oid) ?? [],
      indexes: tableIndexes,
      policies: policies.get(oid) ?? [],
      triggers: triggers.get(oid) ?? [],
      stats: tableStats,
      definition: strOrNull(row.definition),
      extension: extensionOf('pg_class', row.oid),
      comment: strOrNull(row.comment),
    };
  });
  rollUpPartitionSizes(tables);

  const sequences: SequenceInfo[] = raw.sequences.map((row) => ({
    schema: str(row.schema),
    name: str(row.name),
    qualifiedName: `${row.schema}.${row.name}`,
    dataType: str(row.data_type),
    start: str(row.start_value),
    increment: str(row.increment_by),
    min: str(row.min_value),
    max: str(row.max_value),
    cycle: row.cycle === true,
    cache: str(row.cache_size),
    lastValue: strOrNull(row.last_value),
    ownedBy: strOrNull(row.owned_by),
  }));

  const functions: FunctionInfo[] = raw.functions.map((row) => ({
    schema: str(row.schema),
    name: str(row.name),
    arguments: str(row.arguments),
    returns: strOrNull(row.returns),
    kind: FUNCTION_KIND[str(row.kind) as keyof typeof FUNCTION_KIND] ?? 'function',
    language: str(row.language),
    volatility: VOLATILITY[str(row.volatility) as keyof typeof VOLATILITY] ?? 'volatile',
    securityDefiner: row.security_definer === true,
    bodyHash: str(row.body_hash),
    extension: extensionOf('pg_proc', row.oid),
  }));

  const types: TypeInfo[] = raw.types.map((row) => ({
    schema: str(row.schema),
    name: str(row.name),
    kind: TYPE_KIND[str(row.typtype) as keyof typeof TYPE_KIND],
    labels: strings(row.labels),
    baseType: strOrNull(row.base_type),
    extension: extensionOf('pg_type', row.oid),
  }));

  return deepFreeze({
    server: {
      version: raw.server.version,
      major,
      database: str(raw.who.database),
      currentUser: str(raw.who.current_user),
    },
    takenAt: raw.takenAt,
    statsReset: iso(raw.statsReset[0]?.stats_reset ?? null),
    serverStatsReset: iso(raw.statsReset[0]?.server_stats_reset ?? null),
    databaseCreated: iso(raw.statsReset[0]?.database_created ?? null),
    schemas: raw.schemas.map((row) => ({
      name: str(row.name),
      owner: str(row.owner),
      extension: extensionOf('pg_namespace', row.oid),
      comment: strOrNull(row.comment),
    })),
    tables,
    sequences,
    functions,
    types,
    roles: raw.roles.map((row) => ({
      name: str(row.name),
      superuser: row.superuser === true,
      inherit: row.inherit === true,
      createRole: row.create_role === true,
      createDb: row.create_db === true,
      canLogin: row.can_login === true,
      replication: row.replication === true,
      bypassRls: row.bypass_rls === true,
      connectionLimit: num(row.connection_limit),
      validUntil: iso(row.valid_until),
      memberOf: strings(row.member_of),
    })),
    extensions: raw.extensions.map((row) => ({
      name: str(row.name),
      version: str(row.version),
      schema: str(row.schema),
    })),
  });
}

/** reltuples is -1 before the first ANALYZE from PostgreSQL 14; on 13 it is 0, as for an empty table. */
function rowEstimate(row: Row, major: number, tableStats: TableStats | null): number | null {
  const reltuples = Number(row.reltuples);
  if (reltuples < 0) return null;
  if (major < 14 && reltuples === 0 && num(row.relpages) === 0) {
    const analyzed =
      tableStats?.lastAnalyze ||
      tableStats?.lastAutoanalyze ||
      tableStats?.lastVacuum ||
      tableStats?.lastAutovacuum;
    if (!analyzed) return null;
  }
  return Math.round(reltuples);
}

function sumOrNull(values: (number | null)[]): number | null {
  let total = 0;
  for (const value of values) {
    if (value === null) return null;
    total += value;
  }
  return total;
}

async function readSizes(
  connection: Connection,
  relations: readonly Row[],
  indexes: readonly Row[],
): Promise<Map<number, number>> {
  const oids = [
    ...relations.filter((r) => r.relkind === 'r' || r.relkind === 'm').map((r) => num(r.oid)),
    ...indexes.map((i) => num(i.oid)),
  ];
  const sizes = new Map<number, number>();
  for (let i = 0; i < oids.length; i += SIZE_BATCH) {
    const batch = oids.slice(i, i + SIZE_BATCH);
    const rows = await connection.readOnly(
      (c) =>
        c.rows<{ oid: number; size: string | null }>('reading relation sizes', q.relationSizesQuery, [batch]),
      { consistentSnapshot: false },
    );
    for (const row of rows) if (row.size !== null) sizes.set(Number(row.oid), Number(row.size));
  }
  return sizes;
}

/** A partitioned table has no storage of its own: its size is the sum of its partitions'. */
function rollUpPartitionSizes(tables: TableInfo[]): void {
  const byName = new Map(tables.map((t) => [t.qualifiedName, t]));
  const children = new Map<string, TableInfo[]>();
  for (const table of tables) {
    if (!table.partitionOf) continue;
    const list = children.get(table.partitionOf.parent) ?? [];
    list.push(table);
    children.set(table.partitionOf.parent, list);
  }
  const memo = new Map<string, TableInfo['sizes']>();
  const sizeOf = (table: TableInfo): TableInfo['sizes'] => {
    if (table.kind !== 'partitioned table') return table.sizes;
    const cached = memo.get(table.qualifiedName);
    if (cached) return cached;
    const parts = (children.get(table.qualifiedName) ?? []).map(sizeOf);
    const sizes = {
      table: sumOrNull(parts.map((p) => p.table)),
      indexes: sumOrNull(parts.map((p) => p.indexes)),
      total: sumOrNull(parts.map((p) => p.total)),
    };
    memo.set(table.qualifiedName, sizes);
    return sizes;
  };
  tables.forEach((table, index) => {
    if (table.kind === 'partitioned table' && byName.has(table.qualifiedName)) {
      tables[index] = { ...table, sizes: sizeOf(table) };
    }
  });
}

export function findTable(snapshot: CatalogSnapshot, name: string): TableInfo | undefined {
  const [schema, table] = name.includes('.')
    ? [name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)]
    : [undefined, name];
  const matches = snapshot.tables.filter(
    (t) => t.name === table && (schema === undefined || t.schema === schema),
  );
  if (matches.length <= 1 || schema !== undefined) return matches[0];
  return matches.find((t) => t.schema === 'public') ?? matches[0];
}
