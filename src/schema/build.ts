import type { CatalogSnapshot, SequenceInfo, TableInfo } from '../catalog/model.js';
import type { PgwardenConfig } from '../core/config.js';
import { detectNaming } from './conventions.js';
import type { ColumnStats, KeywordCategory, SchemaModel } from './model.js';

/** `*` matches any run of characters; everything else literally. */
export function objectPattern(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

/** The schemas a review covers: the configured ones, else every one that is neither PostgreSQL's nor an extension's. */
export function reviewedSchemas(
  snapshot: CatalogSnapshot,
  config: PgwardenConfig,
  historySchema?: string,
): string[] {
  if (config.schema.schemas) return [...config.schema.schemas];
  return snapshot.schemas
    .filter(
      (s) =>
        s.extension === null &&
        s.name !== 'information_schema' &&
        !s.name.startsWith('pg_') &&
        s.name !== historySchema,
    )
    .map((s) => s.name);
}

export interface SchemaModelInput {
  readonly snapshot: CatalogSnapshot;
  readonly source: 'live' | 'shadow';
  readonly config: PgwardenConfig;
  readonly schemas: readonly string[];
  readonly stats?: ReadonlyMap<string, ColumnStats>;
  readonly keywords: ReadonlyMap<string, KeywordCategory>;
}

export function buildSchemaModel(input: SchemaModelInput): SchemaModel {
  const { snapshot, config } = input;
  const schemas = new Set(input.schemas);
  const excluded = config.schema.exclude.map(objectPattern);
  const byName = new Map(snapshot.tables.map((t) => [t.qualifiedName, t]));
  const children = new Map<string, TableInfo[]>();
  for (const table of snapshot.tables) {
    if (!table.partitionOf) continue;
    const list = children.get(table.partitionOf.parent) ?? [];
    list.push(table);
    children.set(table.partitionOf.parent, list);
  }
  const tables = snapshot.tables.filter(
    (t) =>
      (t.kind === 'table' || t.kind === 'partitioned table') &&
      schemas.has(t.schema) &&
      t.extension === null &&
      t.partitionOf === null &&
      !excluded.some((pattern) => pattern.test(t.qualifiedName)),
  );
  const views = snapshot.tables.filter(
    (t) =>
      (t.kind === 'view' || t.kind === 'materialized view') &&
      schemas.has(t.schema) &&
      t.extension === null &&
      !excluded.some((pattern) => pattern.test(t.qualifiedName)),
  );
  const sequences = new Map<string, SequenceInfo>();
  for (const sequence of snapshot.sequences) if (sequence.ownedBy) sequences.set(sequence.ownedBy, sequence);
  const stats = input.stats ?? new Map<string, ColumnStats>();
  const reviewed = new Set(tables.map((t) => t.qualifiedName));
  const hasStatistics = [...stats.keys()].some((key) => reviewed.has(key.slice(0, key.lastIndexOf('.'))));
  // A database's counters start at its last reset; never reset, at the later of its creation and the server's
  // counters' start (a crash recovery, restore or failover discards every counter).
  const statsSince =
    snapshot.statsReset ??
    ([snapshot.databaseCreated, snapshot.serverStatsReset]
      .filter((t): t is string => typeof t === 'string')
      .sort((a, b) => Date.parse(b) - Date.parse(a))[0] ||
      null);
  const statsAgeDays = statsSince
    ? Math.max(0, (Date.parse(snapshot.takenAt) - Date.parse(statsSince)) / 86_400_000)
    : null;
  const partitions = (name: string): TableInfo[] =>
    (children.get(name) ?? []).flatMap((child) => [child, ...partitions(child.qualifiedName)]);
  return {
    snapshot,
    source: input.source,
    tables,
    schemas: [...schemas],
    views,
    table: (name) => byName.get(name),
    partitions,
    columnStats: (table, column) => stats.get(`${table}.${column}`),
    hasStatistics,
    sequenceOf: (table, column) => sequences.get(`${table}.${column}`),
    statsAgeDays,
    statsSince,
    keywords: input.keywords,
    conventions: {
      tenancy: config.schema.tenancy,
      softDeleteColumn: config.schema.softDeleteColumn,
      naming: detectNaming(tables, config.schema.naming),
    },
  };
}
