import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { auditSecurity } from '../../src/ops/security.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const configOf = (schema: Record<string, unknown>) => ({
  config: parseConfig({ schema }, 'test'),
  path: null,
  dir: process.cwd(),
});

describe("the tenant checks follow the config's tenancy convention", () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.exec(`CREATE TABLE orders (id int PRIMARY KEY, org_id uuid NOT NULL);
      CREATE TABLE plans (id int PRIMARY KEY, org_id uuid)`);
  });

  afterAll(async () => {
    await db?.drop();
  });

  const tenantFindings = async (schema: Record<string, unknown>) =>
    (await auditSecurity({ config: configOf(schema), db: db.url })).findings
      .filter((f) => f.rule === 'security/tenant-table-without-rls')
      .map((f) => ('object' in f.location ? f.location.object : ''));

  it('the configured column names the tenant tables; global tables and mode off are left out', async () => {
    expect(await tenantFindings({})).toEqual([]);
    expect(await tenantFindings({ tenancy: { column: 'org_id' } })).toEqual([
      'public.orders',
      'public.plans',
    ]);
    expect(await tenantFindings({ tenancy: { column: 'org_id', globalTables: ['plans'] } })).toEqual([
      'public.orders',
    ]);
    expect(await tenantFindings({ tenancy: { column: 'org_id', mode: 'off' } })).toEqual([]);
  });
});
