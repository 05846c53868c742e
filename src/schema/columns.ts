import type { CatalogSnapshot } from '../catalog/model.js';
import type { ColumnDeclaration, ColumnsModel } from '../lint/columns-model.js';
import { qualifiedIdent, quoteIdent } from '../sql/quote.js';
import type { KeywordCategory } from './model.js';

/**
 * The columns of a database's tables, for the same type rules that check migrations. The fixes quote names as
 * quote_ident() does (sql/quote.ts); the server's keywords, once passed here, are no longer needed.
 */
export function columnsFromCatalog(
  snapshot: CatalogSnapshot,
  _keywords?: ReadonlyMap<string, KeywordCategory>,
): ColumnsModel {
  const owned = new Map<string, { schema: string; name: string }>();
  for (const s of snapshot.sequences) if (s.ownedBy !== null) owned.set(s.ownedBy, s);
  const columns: ColumnDeclaration[] = [];
  const views = snapshot.tables
    .filter(
      (v) => (v.kind === 'view' || v.kind === 'materialized view') && v.definition !== null && !v.extension,
    )
    .map((v) => ({
      sql: qualifiedIdent(v.schema, v.name),
      materialized: v.kind === 'materialized view',
      definition: v.definition!.trim().replace(/;$/, ''),
    }));
  // a view reads the column when its definition names both the table and the column (pg_get_viewdef's words)
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const word = (name: string) =>
    new RegExp(
      `(?:^|[^\\w$"])(?:${literal(name)}|${literal(`"${name.replace(/"/g, '""')}"`)})(?:$|[^\\w$"])`,
    );
  for (const table of snapshot.tables) {
    if (
      (table.kind !== 'table' && table.kind !== 'partitioned table') ||
      table.extension ||
      table.partitionOf
    )
      continue;
    const primary = new Set(
      table.constraints.filter((c) => c.type === 'primary key').flatMap((c) => c.columns),
    );
    const sqlTable = qualifiedIdent(table.schema, table.name);
    const readers = views.filter((v) => word(table.name).test(v.definition));
    for (const column of table.columns) {
      const named = word(column.name);
      const mods = /\((\d+)(?:,(\d+))?\)/.exec(column.type);
      const sequence = owned.get(`${table.qualifiedName}.${column.name}`);
      columns.push({
        table: table.qualifiedName,
        column: column.name,
        type: {
          name: column.typeName,
          schema: column.typeSchema === 'pg_catalog' ? undefined : column.typeSchema,
          mods: mods ? mods.slice(1).filter(Boolean).map(Number) : [],
          array: column.isArray,
          display: column.type,
        },
        primaryKey: primary.has(column.name),
        ...(primary.has(column.name) ? { primaryKeyColumns: primary.size } : {}),
        identity: column.identity !== null,
        serial: column.identity === null && sequence !== undefined && /^nextval\(/.test(column.default ?? ''),
        location: { object: `${table.qualifiedName}.${column.name}`, kind: 'column' },
        source: 'catalog',
        sql: {
          table: sqlTable,
          column: quoteIdent(column.name),
          sequence: sequence ? qualifiedIdent(sequence.schema, sequence.name) : null,
          views: readers.filter((v) => named.test(v.definition)),
        },
      });
    }
  }
  return { columns };
}
