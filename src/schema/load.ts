/**
 * The one way from a connection to a schema model: read what the model is built from (catalog rows, keywords,
 * column statistics, the search path), then build it with pure functions. The schema review, the query review and
 * the rule tester all go through here; the tester can also record a `SchemaReading` as JSON and build the same
 * model from it later, without a server.
 */
import type { CatalogSnapshot } from '../catalog/model.js';
import { type CatalogRows, readCatalogRows, snapshotFromRows } from '../catalog/snapshot.js';
import type { PgwardenConfig } from '../core/config.js';
import type { Connection } from '../db/connection.js';
import { buildSchemaModel, reviewedSchemas } from './build.js';
import type { SchemaModel } from './model.js';
import {
  type ColumnStatsRow,
  columnStatsFromRows,
  type KeywordRow,
  keywordsFromRows,
  readColumnStatsRows,
  readKeywordRows,
} from './stats.js';

/** Everything a schema model is built from, as read from the server: plain JSON. */
export interface SchemaReading {
  readonly catalog: CatalogRows;
  readonly keywords: readonly KeywordRow[];
  /** pg_stats of the reviewed schemas; null when not read (a shadow database, or the query rules' view). */
  readonly columnStats: readonly ColumnStatsRow[] | null;
  /** current_schemas(false) of the session; null when not read. */
  readonly searchPath: readonly string[] | null;
}

export interface SchemaReadOptions {
  /** Read pg_stats (default: on a live database). */
  readonly columnStats?: boolean;
  /** Read the session's search path (the query rules resolve unqualified names with it). Default false. */
  readonly searchPath?: boolean;
}

/**
 * The schemas a review covers: those the config names, else every schema that is not PostgreSQL's, an
 * extension's, or the migration history's (`migrations.schema`).
 */
export function schemasUnderReview(snapshot: CatalogSnapshot, config: PgwardenConfig): string[] {
  return reviewedSchemas(snapshot, config, config.migrations.schema);
}

/** Reads (read-only) what `schemaModelFromReading` builds a model from. */
export async function readSchema(
  connection: Connection,
  source: 'live' | 'shadow',
  config: PgwardenConfig,
  options: SchemaReadOptions = {},
): Promise<SchemaReading> {
  const catalog = await readCatalogRows(connection);
  const columnStats =
    (options.columnStats ?? source === 'live')
      ? await readColumnStatsRows(connection, schemasUnderReview(snapshotFromRows(catalog), config))
      : null;
  const keywords = await readKeywordRows(connection);
  const searchPath = options.searchPath
    ? ((
        await connection.readOnly((c) =>
          c.rows<{ schemas: string[] }>(
            'reading the search path',
            'SELECT current_schemas(false)::text[] AS schemas',
          ),
        )
      )[0]?.schemas ?? null)
    : null;
  return { catalog, keywords, columnStats, searchPath };
}

/** Builds the schema model from a reading (pure: no server). */
export function schemaModelFromReading(
  reading: SchemaReading,
  source: 'live' | 'shadow',
  config: PgwardenConfig,
): SchemaModel {
  const snapshot = snapshotFromRows(reading.catalog);
  const schemas = schemasUnderReview(snapshot, config);
  const stats = reading.columnStats
    ? columnStatsFromRows(
        reading.columnStats,
        new Map(snapshot.tables.map((t) => [t.qualifiedName, t.rowEstimate])),
      )
    : undefined;
  const keywords = keywordsFromRows(reading.keywords);
  return buildSchemaModel({ snapshot, source, config, schemas, stats, keywords });
}

/**
 * The schema model of the database `connection` is on: snapshot → reviewed schemas → column statistics (on a live
 * database) → model.
 */
export async function schemaModelOf(
  connection: Connection,
  source: 'live' | 'shadow',
  config: PgwardenConfig,
  options: SchemaReadOptions = {},
): Promise<SchemaModel> {
  return schemaModelFromReading(await readSchema(connection, source, config, options), source, config);
}
