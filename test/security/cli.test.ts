import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

interface Envelope {
  tool: string;
  command: string;
  findings: {
    rule: string;
    severity: string;
    location: { object?: string };
    fix: string | null;
    evidence?: unknown;
  }[];
  summary: { total: number };
  skipped: { rule: string; reason: string }[];
  role: string;
  seen: { passwords: boolean; hba: boolean; allSettings: boolean };
}

describe('pgwarden security (CLI, on the embedded PostgreSQL 18)', () => {
  const role = `auditor_${randomBytes(3).toString('hex')}`;
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.exec(`CREATE TABLE orders (id int PRIMARY KEY, tenant_id uuid NOT NULL);
      CREATE ROLE ${role} LOGIN PASSWORD 'auditor_pw';
      GRANT pg_monitor TO ${role}`);
  });

  afterAll(async () => {
    await db?.exec(`DROP OWNED BY ${role}; DROP ROLE IF EXISTS ${role}`).catch(() => {});
    await db?.drop();
  });

  it('prints the one JSON envelope; a server fact (fsync off on the embedded server) once', async () => {
    const result = await runCli(['security', '--db', db.url, '--format', 'json']);
    expect(result.stderr).not.toMatch(/error/);
    const report = JSON.parse(result.stdout) as Envelope;
    expect(report).toMatchObject({ tool: 'pgwarden', command: 'security', role: expect.any(String) });
    expect(report.seen).toEqual({ passwords: true, hba: true, allSettings: true });
    const fsync = report.findings.filter(
      (f) => f.rule === 'security/unsafe-durability' && f.location.object === 'fsync',
    );
    expect(fsync).toHaveLength(1);
    const tenant = report.findings.find((f) => f.rule === 'security/tenant-table-without-rls');
    expect(tenant?.location.object).toBe('public.orders');
    expect(tenant?.fix).toContain('FORCE ROW LEVEL SECURITY');
    // errors (fsync off, an unprotected tenant table) reach the default --fail-on
    expect(result.code).toBe(1);
  });

  it('as a role without superuser: says what it could not see, in skipped', async () => {
    const url = new URL(db.url);
    url.username = role;
    url.password = 'auditor_pw';
    const result = await runCli(['security', '--db', url.toString(), '--format', 'json']);
    const report = JSON.parse(result.stdout) as Envelope;
    expect(report.role).toBe(role);
    expect(report.seen).toEqual({ passwords: false, hba: false, allSettings: true });
    const skipped = Object.fromEntries(report.skipped.map((s) => [s.rule, s.reason]));
    expect(skipped['security/md5-password']).toMatch(/superuser/);
    expect(skipped['security/login-without-password']).toMatch(/superuser/);
    expect(skipped['security/hba-weak-auth']).toMatch(/superuser/);
    // pg_monitor reads every setting: pgaudit's check runs
    expect(skipped['security/no-pgaudit']).toBeUndefined();
    expect(report.findings.some((f) => f.rule === 'security/no-pgaudit')).toBe(true);
    expect(result.stdout).not.toContain('auditor_pw');
  });

  it('in text: the findings, and what the role could not see', async () => {
    const url = new URL(db.url);
    url.username = role;
    url.password = 'auditor_pw';
    const result = await runCli(['security', '--db', url.toString()]);
    expect(result.stdout).toContain(`as ${role}`);
    expect(result.stdout).toContain('Not visible to');
    expect(result.stdout).toContain('security/tenant-table-without-rls');
    expect(`${result.stdout}${result.stderr}`).not.toContain('auditor_pw');
  });
});

describe('pgwarden security generate (CLI)', () => {
  it('prints the script, its down script, and the JSON envelope with both', async () => {
    const up = await runCli([
      'security',
      'generate',
      'readonly-role',
      '--role',
      'reporting',
      '--schema',
      'app',
    ]);
    expect(up.code).toBe(0);
    expect(up.stdout).toContain('GRANT SELECT ON ALL TABLES IN SCHEMA app TO reporting;');
    expect(up.stdout).toContain(
      'ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO reporting;',
    );
    const down = await runCli(['security', 'generate', 'readonly-role', '--role', 'reporting', '--down']);
    expect(down.stdout).toContain('DROP ROLE reporting;');
    const json = await runCli([
      'security',
      'generate',
      'tenant-isolation',
      '--table',
      'invoices',
      '--format',
      'json',
    ]);
    const report = JSON.parse(json.stdout) as {
      command: string;
      findings: unknown[];
      up: string;
      down: string;
    };
    expect(report.command).toBe('security generate');
    expect(report.findings).toEqual([]);
    expect(report.up).toContain('FORCE ROW LEVEL SECURITY');
    expect(report.down).toContain('DROP POLICY IF EXISTS tenant_isolation ON public.invoices;');
  });

  it('bad input is one clear error and exit 2', async () => {
    const unknown = await runCli(['security', 'generate', 'superuser-role', '--role', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown generator "superuser-role"');
    expect(unknown.stderr).toContain('hint: one of readonly-role, app-role, tenant-isolation');
    const missing = await runCli(['security', 'generate', 'app-role']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--role is required');
    const setting = await runCli([
      'security',
      'generate',
      'tenant-isolation',
      '--table',
      't',
      '--setting',
      'tenant',
    ]);
    expect(setting.code).toBe(2);
    expect(setting.stderr).toContain('a custom setting is prefix.name');
  });
});
