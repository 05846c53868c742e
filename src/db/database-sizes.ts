import type { Connection } from './connection.js';

/** undefined_database (3D000, up to 15) and undefined_object (42704, from 16): no database of that OID. */
const DATABASE_GONE = new Set(['3D000', '42704']);

/**
 * The size in bytes of each database of `oids` (read as one list beforehand), one database at a time inside the
 * caller's transaction: a database dropped between the list and its size is left out of the map, where one query
 * calling pg_database_size over pg_database fails whole ("database with OID … does not exist") on a server whose
 * databases come and go. That error (SQLSTATE 3D000 up to PostgreSQL 15, 42704 from 16; on 18 a superuser gets it
 * too) is PostgreSQL's own finding that the database is gone, told apart by its code: the catalog cannot be asked
 * again, as a superuser's has_database_privilege is true even for a database that does not exist, and a REPEATABLE
 * READ transaction still sees the row. A superuser on 15 gets NULL for a dropped database (its directory is gone):
 * left out too, as no database that exists has no files. Any other error is thrown.
 */
export async function readDatabaseSizes(
  tx: Connection,
  oids: readonly number[],
): Promise<Map<number, number>> {
  const sizes = new Map<number, number>();
  for (const oid of oids) {
    await tx.query('SAVEPOINT pgwarden_database_size');
    try {
      const result = await tx.query<{ bytes: number | null }>(
        'SELECT pg_database_size($1::oid)::float8 AS bytes',
        [oid],
      );
      const bytes = result.rows[0]?.bytes;
      if (bytes !== null && bytes !== undefined) sizes.set(oid, bytes);
      await tx.query('RELEASE SAVEPOINT pgwarden_database_size');
    } catch (error) {
      await tx.query('ROLLBACK TO SAVEPOINT pgwarden_database_size');
      if (!DATABASE_GONE.has(String((error as { code?: unknown }).code))) throw error;
    }
  }
  return sizes;
}
