import { describe, expect, it } from 'vitest';
import { readCatalogRows, snapshotFromRows } from '../../src/catalog/snapshot.js';
import { parseConfig } from '../../src/core/config.js';
import { Connection } from '../../src/db/connection.js';
import { readSchema, schemaModelFromReading, schemaModelOf } from '../../src/schema/load.js';
import { createTestDatabase, pg18Url } from '../helpers/db.js';
import { FAILING_STATEMENT, fixtureStatements } from './fixture.js';

/** The reading and the building of a snapshot are apart: the rows are plain JSON that build the same model. */
describe('catalog rows and the schema model', () => {
  it('build the snapshot loadSnapshot reads, also after a JSON round trip (a recording)', async () => {
    const db = await createTestDatabase(pg18Url());
    const role = `catalog_rows_${db.name}`;
    try {
      const connection = await db.connect();
      for (const statement of fixtureStatements(role)) {
        try {
          await connection.query(statement);
        } catch (error) {
          if (statement !== FAILING_STATEMENT) throw error;
        }
      }
      await connection.query('ANALYZE');
      const rows = await readCatalogRows(connection);
      const built = snapshotFromRows(rows);
      expect(built.tables.length).toBeGreaterThan(0);
      expect(snapshotFromRows(JSON.parse(JSON.stringify(rows)))).toEqual(built);

      const config = parseConfig({}, 'test');
      const reading = await readSchema(connection, 'live', config);
      const model = schemaModelFromReading(JSON.parse(JSON.stringify(reading)), 'live', config);
      const direct = await schemaModelOf(connection, 'live', config);
      expect(model.tables.map((t) => t.qualifiedName)).toEqual(direct.tables.map((t) => t.qualifiedName));
      expect(model.hasStatistics).toBe(direct.hasStatistics);
    } finally {
      await db.drop();
      await dropRole(role);
    }
  });

  it('leave the migration history schema out of the reviewed model', async () => {
    const db = await createTestDatabase(pg18Url());
    try {
      const connection = await db.connect();
      await connection.query(
        'CREATE SCHEMA pgwarden; CREATE TABLE pgwarden.history (version text); CREATE TABLE app_table (id int)',
      );
      const model = await schemaModelOf(connection, 'shadow', parseConfig({}, 'test'));
      expect(model.tables.map((t) => t.qualifiedName)).toEqual(['public.app_table']);
    } finally {
      await db.drop();
    }
  });
});

async function dropRole(role: string): Promise<void> {
  const admin = await Connection.open(pg18Url());
  try {
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
  } finally {
    await admin.close();
  }
}
