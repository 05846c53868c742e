import type { IndexInfo, TableInfo } from '../catalog/model.js';
import { foreignKeyIndexes, indexShape } from './keys.js';
import { splitTopLevel } from './naming.js';

/**
 * Indexes compared by what they are, not by their names: the parts of pg_get_indexdef's text that decide which
 * lookups an index serves and what it enforces. Shared by the index rules (duplicate, redundant, invalid).
 */

export interface IndexParts {
  readonly unique: boolean;
  readonly method: string;
  /** Key elements as PostgreSQL prints them: column or expression, then opclass, collation, order (`b COLLATE "C" DESC`). */
  readonly keys: readonly string[];
  /** INCLUDE columns. */
  readonly include: readonly string[];
  readonly nullsNotDistinct: boolean;
  /** The predicate as PostgreSQL prints it, or null. */
  readonly predicate: string | null;
}

const parsed = new WeakMap<IndexInfo, IndexParts | null>();

/** The index taken apart (storage parameters such as fillfactor left out); null when its definition is unusual. */
export function indexParts(index: IndexInfo): IndexParts | null {
  if (parsed.has(index)) return parsed.get(index)!;
  const shape = indexShape(index);
  let parts: IndexParts | null = null;
  if (shape) {
    parts = {
      unique: index.unique,
      method: index.method,
      keys: splitTopLevel(shape.keys),
      include: index.include,
      nullsNotDistinct: index.nullsNotDistinct,
      predicate: index.predicate,
    };
  }
  parsed.set(index, parts);
  return parts;
}

const signatures = new WeakMap<IndexInfo, string | null>();

/** A string equal for two indexes exactly when they index the same thing the same way (null: unknown shape). */
export function indexSignature(index: IndexInfo): string | null {
  let signature = signatures.get(index);
  if (signature === undefined) {
    const p = indexParts(index);
    signature = p
      ? JSON.stringify([p.unique, p.method, p.keys, p.include, p.nullsNotDistinct, p.predicate])
      : null;
    signatures.set(index, signature);
  }
  return signature;
}

/** The index enforces a constraint (primary key, unique, exclusion): dropping it means dropping the constraint. */
export function backsConstraint(index: IndexInfo): boolean {
  return index.constraint !== null || index.primary || index.exclusion;
}

/** `CREATE INDEX CONCURRENTLY …` of an index's own definition (its name, keys, INCLUDE, parameters, predicate). */
export function createConcurrentlySql(index: IndexInfo): string {
  return `${index.definition.replace(/^CREATE (UNIQUE )?INDEX /, (_m, unique: string | undefined) => `CREATE ${unique ?? ''}INDEX CONCURRENTLY `)};`;
}

/** The indexes of a table that serve a foreign key, computed once per table and kept. */
const fkIndexes = new WeakMap<TableInfo, Set<string>>();
export function servesForeignKey(table: TableInfo, index: IndexInfo): boolean {
  let set = fkIndexes.get(table);
  if (!set) {
    set = foreignKeyIndexes(table);
    fkIndexes.set(table, set);
  }
  return set.has(index.name);
}
