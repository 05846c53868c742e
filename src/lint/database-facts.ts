import { loadSnapshot } from '../catalog/snapshot.js';
import type { Connection } from '../db/connection.js';
import { SchemaState } from './schema-state.js';

/**
 * What the linter reads from a live database (read-only): the catalog (tables, sizes, constraints, function
 * volatility), the session TimeZone and the binary-coercible casts (pg_cast.castmethod = 'b', which includes extensions' and domains').
 */
export async function schemaStateFromDatabase(connection: Connection): Promise<SchemaState> {
  const snapshot = await loadSnapshot(connection);
  const casts = await connection.readOnly((c) =>
    c.rows<{ source: string; target: string }>(
      'reading binary-coercible casts',
      `SELECT s.typname AS source, t.typname AS target
         FROM pg_cast c JOIN pg_type s ON s.oid = c.castsource JOIN pg_type t ON t.oid = c.casttarget
        WHERE c.castmethod = 'b'`,
    ),
  );
  const state = SchemaState.fromSnapshot(
    snapshot,
    casts.map((c) => `${c.source}>${c.target}`),
  );
  // a runner's session starts with the server's TimeZone (database and role settings included)
  state.sessionTimeZone = (
    await connection.rows<{ zone: string }>('reading TimeZone', `SELECT current_setting('TimeZone') AS zone`)
  )[0]?.zone;
  return state;
}
