import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { lint } from '../../src/ops/lint.js';

const config = { config: parseConfig({}, 'test'), path: null, dir: process.cwd() };

describe("lint's statements (the evidence of each statement's locks)", () => {
  it("list what runs in the migration, a DO block's body included; not a function's body, which runs when called", async () => {
    const report = await lint({
      config,
      sources: [
        {
          file: 'm.sql',
          text: `CREATE TABLE orders (id bigint PRIMARY KEY, note text);
CREATE FUNCTION purge() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE orders IN ACCESS EXCLUSIVE MODE;
  DELETE FROM orders;
END;
$$;
DO $$
BEGIN
  UPDATE orders SET note = '' WHERE note IS NULL;
END;
$$;
`,
        },
      ],
    });
    const statements = report.data!.statements.map((s) => [s.line, s.sql.split(' ')[0]]);
    expect(statements).toEqual([[10, 'UPDATE']]);
  });
});
