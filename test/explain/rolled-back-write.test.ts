import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/db.js';

const db = useTestDatabase();

describe('explain of a write', () => {
  it('says the row changes are undone but the sequence it drew from stays advanced, as it does', async () => {
    await db().exec('CREATE TABLE orders (id bigserial PRIMARY KEY, note text)');
    const result = await runCli([
      'explain',
      "INSERT INTO orders (note) VALUES ('a'), ('b')",
      '--db',
      db().url,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const text = result.stdout.replace(/\s+/g, ' ');
    expect(text).toContain(
      'The statement ran and was rolled back: its row changes are undone, but the sequences it drew from (serial or identity columns, nextval) stay advanced.',
    );
    expect(text).not.toContain('nothing it changed remains');
    const connection = await db().connect();
    const { rows } = await connection.query(
      `SELECT (SELECT count(*)::int FROM orders) AS rows, last_value::int AS last, is_called AS called FROM orders_id_seq`,
    );
    expect(rows).toEqual([{ rows: 0, last: 2, called: true }]);
  });
});
