import { loadSnapshot } from '../catalog/snapshot.js';
import type { Connection } from '../db/connection.js';
import { SchemaState } from '../lint/schema-state.js';
import type { ParsedSql } from '../sql/parser.js';

/** PostgreSQL truncates identifiers to 63 bytes: a longer string cannot name a catalog object. */
const MAX_NAME_BYTES = 63;

/**
 * Every string of the statements' syntax trees (function bodies and DO blocks included) that could be the name of
 * a relation, an index or a function — a superset of what the migrations can touch. String constants are left out.
 */
export function namesIn(parsed: readonly ParsedSql[]): string[] {
  const names = new Set<string>();
  const visit = (node: object): void => {
    if (Array.isArray(node)) {
      for (const item of node) if (typeof item === 'object' && item !== null) visit(item);
      return;
    }
    for (const key in node) {
      const value = (node as Record<string, unknown>)[key];
      if (typeof value === 'string') names.add(value);
      else if (typeof value === 'object' && value !== null && key !== 'A_Const') visit(value);
    }
  };
  for (const p of parsed) {
    for (const statement of p.statements) visit(statement.ast);
    for (const statement of p.embedded) visit(statement.ast);
  }
  return [...names].filter((name) => name.length > 0 && Buffer.byteLength(name, 'utf8') <= MAX_NAME_BYTES);
}

/**
 * The schema state the runner analyses migrations against (the guard's type checks, the locks the preflight
 * looks for): built from a catalog snapshot of only the relations and functions the migrations name, the same
 * facts a full snapshot would give about them, at the cost of the migrations' size rather than the database's.
 */
export async function stateForMigrations(
  connection: Connection,
  parsed: readonly ParsedSql[],
): Promise<SchemaState> {
  return SchemaState.fromSnapshot(await loadSnapshot(connection, { sizes: false, names: namesIn(parsed) }));
}
