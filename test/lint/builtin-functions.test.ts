import { describe, expect, it } from 'vitest';
import { Connection } from '../../src/db/connection.js';
import { NON_VOLATILE_BUILTINS } from '../../src/lint/builtin-functions.js';
import { pg18Url } from '../helpers/db.js';

describe('the non-volatile built-in functions lint knows', () => {
  it("are exactly pg_catalog's functions whose every overload is IMMUTABLE or STABLE, on PostgreSQL 18", async () => {
    const connection = await Connection.open(pg18Url());
    try {
      const { rows } = await connection.query<{ name: string }>(
        `SELECT proname AS name FROM pg_proc
          WHERE pronamespace = 'pg_catalog'::regnamespace AND prokind = 'f'
          GROUP BY proname HAVING bool_and(provolatile <> 'v')`,
      );
      expect([...NON_VOLATILE_BUILTINS].sort()).toEqual(rows.map((r) => r.name).sort());
      expect(NON_VOLATILE_BUILTINS.has('to_timestamp')).toBe(true);
      expect(NON_VOLATILE_BUILTINS.has('random')).toBe(false);
    } finally {
      await connection.close();
    }
  });
});
