import { describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../src/catalog/snapshot.js';
import { SchemaState } from '../../src/lint/schema-state.js';
import { namesIn, stateForMigrations } from '../../src/migrate/state.js';
import { parseSql } from '../../src/sql/parser.js';
import { useTestDatabase } from '../helpers/db.js';

const db = useTestDatabase();

describe('the schema state the runner analyses migrations against', () => {
  it('holds what a full snapshot holds about every relation and function the migrations name, and only those', async () => {
    await db().exec(`CREATE SCHEMA app;
      CREATE TABLE orders (id bigint PRIMARY KEY, qty integer NOT NULL, note varchar(20));
      CREATE TABLE lines (id int PRIMARY KEY, order_id bigint REFERENCES orders, CHECK (id > 0));
      CREATE INDEX lines_order ON lines (order_id);
      CREATE TABLE app.audit (id int);
      CREATE TABLE untouched (id int);
      CREATE FUNCTION stamp() RETURNS int LANGUAGE sql VOLATILE AS 'SELECT 1';
      CREATE FUNCTION other() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1'`);
    const parsed = [
      await parseSql(
        "ALTER TABLE orders ALTER COLUMN qty TYPE bigint;\nDROP INDEX lines_order;\nUPDATE orders SET note = 'untouched' WHERE id = 1;",
      ),
      await parseSql(
        'ALTER TABLE orders ADD COLUMN n int DEFAULT stamp();\nDO $$ BEGIN DELETE FROM app.audit; END $$;',
      ),
    ];
    const names = namesIn(parsed);
    expect(names).toEqual(expect.arrayContaining(['orders', 'lines_order', 'stamp', 'app', 'audit']));
    expect(names).not.toContain('untouched'); // a string constant is not a name

    const connection = await db().connect();
    const scoped = await stateForMigrations(connection, parsed);
    const full = SchemaState.fromSnapshot(await loadSnapshot(connection, { sizes: false }));
    expect([...scoped.tables.keys()].sort()).toEqual(['app.audit', 'public.lines', 'public.orders']);
    for (const name of scoped.tables.keys()) expect(scoped.tables.get(name)).toEqual(full.tables.get(name));
    expect(scoped.indexes.get('public.lines_order')).toEqual(full.indexes.get('public.lines_order'));
    expect(scoped.tables.get('public.orders')!.columns.get('qty')!.type?.name).toBe('int4');
    expect(scoped.functions.get('stamp')).toBe('volatile');
    expect(scoped.functions.has('other')).toBe(false);
    expect(scoped.fromDatabase).toBe(true);
  });
});
