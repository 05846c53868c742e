import type { Connection } from './connection.js';

/**
 * The size in bytes of each database of `oids` (read as one list beforehand), one database at a time inside the
 * caller's transaction: a database dropped between the list and its size is left out of the map, where one query
 * calling pg_database_size over pg_database fails whole ("database with OID … does not exist", for a role that is
 * not a superuser: SQLSTATE 3D000 up to PostgreSQL 15, 42704 from 16) on a server whose databases come and go. A
 * superuser gets NULL for a dropped database (its directory is gone): left out too, as no database that exists has
 * no files. An error on a database that is still there is thrown.
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
      // the catalog as it is now (has_database_privilege: NULL for no such database), not the transaction's
      // snapshot, which a REPEATABLE READ transaction took before the drop
      const still = await tx.query<{ gone: boolean }>(
        `SELECT has_database_privilege($1::oid, 'CONNECT') IS NULL AS gone`,
        [oid],
      );
      if (!still.rows[0]?.gone) throw error;
    }
  }
  return sizes;
}
