import { describe, expect, it } from 'vitest';
import { seedEmptyTables } from '../../src/lint/seed.js';
import { useTestDatabase } from '../helpers/db.js';

/** Rows for --trace: every table a migration meets should have some, as in production. */
describe('seeding empty tables for a trace', () => {
  const db = useTestDatabase();

  const count = async (table: string) => {
    const connection = await db().connect();
    const rows = await connection.rows<{ n: string }>('test', `SELECT count(*)::text AS n FROM ${table}`);
    return Number(rows[0]!.n);
  };

  it('gives a UNIQUE column that has a default distinct values', async () => {
    await db().exec(`CREATE TABLE codes (
      id bigint PRIMARY KEY,
      code text NOT NULL DEFAULT 'x' UNIQUE,
      slot int NOT NULL DEFAULT 0,
      status text NOT NULL DEFAULT 'new',
      UNIQUE (slot, id)
    )`);
    const result = await seedEmptyTables(await db().connect());
    expect(result.skipped).toEqual([]);
    expect(result.seeded).toEqual(['public.codes']);
    expect(await count('codes')).toBe(200);
    // a default outside any unique constraint is kept: it is what the application would write
    expect(await count(`codes WHERE status = 'new'`)).toBe(200);
  });

  it('fills a cycle of NOT NULL foreign keys, with valid references', async () => {
    await db().exec(`CREATE TABLE a (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, b_id bigint NOT NULL);
      CREATE TABLE b (id bigint PRIMARY KEY, a_id bigint NOT NULL REFERENCES a (id));
      ALTER TABLE a ADD CONSTRAINT a_b_fk FOREIGN KEY (b_id) REFERENCES b (id);
      CREATE TABLE c (id bigint PRIMARY KEY, a_id bigint NOT NULL REFERENCES a (id));`);
    const result = await seedEmptyTables(await db().connect());
    expect(result.skipped).toEqual([]);
    expect([...result.seeded].sort()).toEqual(['public.a', 'public.b', 'public.c']);
    for (const table of ['a', 'b', 'c']) expect(await count(table)).toBeGreaterThan(0);
    expect(await count('a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.id = a.b_id)')).toBe(0);
    expect(await count('b WHERE NOT EXISTS (SELECT 1 FROM a WHERE a.id = b.a_id)')).toBe(0);
    // the foreign keys hold: PostgreSQL validates them again
    const connection = await db().connect();
    await connection.query('ALTER TABLE a DROP CONSTRAINT a_b_fk');
    await expect(
      connection.query('ALTER TABLE a ADD CONSTRAINT a_b_fk FOREIGN KEY (b_id) REFERENCES b (id)'),
    ).resolves.toBeDefined();
  });

  it('says why a table stays empty', async () => {
    await db().exec('CREATE TABLE shapes (id bigint PRIMARY KEY, outline point NOT NULL)');
    const result = await seedEmptyTables(await db().connect());
    expect(result.seeded).toEqual([]);
    expect(result.skipped).toEqual([{ table: 'public.shapes', reason: 'no generator for outline point' }]);
  });
});
