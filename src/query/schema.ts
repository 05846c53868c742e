import { parseSync } from 'libpg-query';
import type { IndexInfo, TableInfo } from '../catalog/model.js';
import type { PgwardenConfig } from '../core/config.js';
import type { Connection } from '../db/connection.js';
import { rowsOf } from '../schema/keys.js';
import { readSchema, type SchemaReading, schemaModelFromReading } from '../schema/load.js';
import type { SchemaModel } from '../schema/model.js';
import { asNode, type Node, stringValues } from '../sql/ast.js';

/** One key of an index: a bare column, or an expression (parsed from the index definition). */
export interface IndexKey {
  readonly column: string | null;
  readonly expression: Node | null;
  /** The operator class when one is named (`gin_trgm_ops`). */
  readonly opclass: string | null;
}

export interface QueryIndex {
  readonly info: IndexInfo;
  readonly keys: readonly IndexKey[];
}

/** What the query rules know of the schema the queries run against. */
export interface QuerySchema {
  /** `live`: a real database (row estimates are real); `shadow`: built from DDL files or migrations (empty). */
  readonly source: 'live' | 'shadow';
  readonly model: SchemaModel;
  /** Schemas an unqualified name is looked up in, in order. */
  readonly searchPath: readonly string[];
  /** A table, view or materialized view by name as written; unqualified names follow the search path. */
  relation(schema: string | undefined, name: string): TableInfo | undefined;
  /** The table's valid indexes, with their keys. */
  indexes(table: TableInfo): readonly QueryIndex[];
  /** The planner's row estimate on a live database (partitions summed); null when unknown or on a shadow. */
  rows(table: TableInfo): number | null;
}

function indexKeys(index: IndexInfo): IndexKey[] {
  try {
    const statement = parseSync(index.definition).stmts?.[0]?.stmt;
    const params = asNode<{ indexParams?: Node[] }>(statement, 'IndexStmt')?.indexParams ?? [];
    return params.map((param) => {
      const element = asNode<{ name?: string; expr?: Node; opclass?: Node[] }>(param, 'IndexElem') ?? {};
      const opclass = stringValues(element.opclass).at(-1) ?? null;
      return { column: element.name ?? null, expression: element.expr ?? null, opclass };
    });
  } catch {
    return index.columns.map((column) => ({ column, expression: null, opclass: null }));
  }
}

/** The query rules' view of a schema model; `searchPath` is the connection's (current_schemas). */
export function buildQuerySchema(model: SchemaModel, searchPath: readonly string[]): QuerySchema {
  const byName = new Map(model.snapshot.tables.map((t) => [t.qualifiedName, t]));
  const indexCache = new Map<number, QueryIndex[]>();
  return {
    source: model.source,
    model,
    searchPath,
    relation(schema, name) {
      if (schema !== undefined) return byName.get(`${schema}.${name}`);
      for (const s of searchPath) {
        const found = byName.get(`${s}.${name}`);
        if (found) return found;
      }
      return undefined;
    },
    indexes(table) {
      let cached = indexCache.get(table.oid);
      if (!cached) {
        cached = table.indexes.filter((i) => i.valid).map((info) => ({ info, keys: indexKeys(info) }));
        indexCache.set(table.oid, cached);
      }
      return cached;
    },
    rows(table) {
      return model.source === 'live' ? rowsOf(model, table) : null;
    },
  };
}

/** Reads the schema (read-only) on a connection to the database the queries run against, or to a shadow of it. */
export async function loadQuerySchema(
  connection: Connection,
  source: 'live' | 'shadow',
  config: PgwardenConfig,
): Promise<QuerySchema> {
  return querySchemaFromReading(await readQuerySchema(connection, source, config), source, config);
}

/** The I/O half of `loadQuerySchema`: what the query rules' schema is built from (no column statistics). */
export function readQuerySchema(
  connection: Connection,
  source: 'live' | 'shadow',
  config: PgwardenConfig,
): Promise<SchemaReading> {
  return readSchema(connection, source, config, { columnStats: false, searchPath: true });
}

/** The pure half of `loadQuerySchema`. */
export function querySchemaFromReading(
  reading: SchemaReading,
  source: 'live' | 'shadow',
  config: PgwardenConfig,
): QuerySchema {
  const model = schemaModelFromReading({ ...reading, columnStats: null }, source, config);
  return buildQuerySchema(model, reading.searchPath ?? ['public']);
}
