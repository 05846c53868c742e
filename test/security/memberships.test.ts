import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { auditSecurity } from '../../src/ops/security.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const config = { config: parseConfig({}, 'test'), path: null, dir: process.cwd() };

// PostgreSQL 16+ grants memberships WITH INHERIT and SET options: one with neither gives nothing and is not followed
describe('membership chains on PostgreSQL 18 (the embedded server)', () => {
  const tag = randomBytes(3).toString('hex');
  const [ops, web, idle, dev] = ['ops', 'web', 'idle', 'dev'].map((r) => `${r}_${tag}`);
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.exec(`CREATE ROLE ${ops} NOLOGIN; GRANT pg_write_server_files TO ${ops};
      CREATE ROLE ${web} LOGIN PASSWORD 'pw'; GRANT ${ops} TO ${web};
      CREATE ROLE ${idle} LOGIN PASSWORD 'pw'; GRANT ${ops} TO ${idle} WITH INHERIT FALSE, SET FALSE;
      CREATE ROLE ${dev} LOGIN PASSWORD 'pw'; GRANT ${ops} TO ${dev} WITH INHERIT FALSE, SET TRUE`);
  });

  afterAll(async () => {
    await db?.exec(`DROP ROLE IF EXISTS ${web}, ${idle}, ${dev}, ${ops}`).catch(() => {});
    await db?.drop();
  });

  it('follows inherited and SET ROLE memberships, not one granted WITH INHERIT FALSE, SET FALSE', async () => {
    const report = await auditSecurity({ config, db: db.url });
    const chains = report.findings
      .filter((f) => f.rule === 'security/dangerous-membership')
      .map((f) => (f.evidence as { chain: string[] }).chain)
      .filter((chain) => chain[0]!.endsWith(tag));
    expect(chains).toEqual([
      [dev, ops, 'pg_write_server_files'],
      [web, ops, 'pg_write_server_files'],
    ]);
  });
});
