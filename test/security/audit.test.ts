// A server test: a cluster of its own (startTestCluster, through test/helpers/security-cluster.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import type { Finding } from '../../src/core/finding.js';
import { withDatabase } from '../../src/db/url.js';
import { auditSecurity } from '../../src/ops/security.js';
import { generateSecurity } from '../../src/security/generate.js';
import { loadParser, parseSqlSync } from '../../src/sql/parser.js';
import {
  type SecurityCluster,
  securityClusterAvailable,
  startSecurityCluster,
} from '../helpers/security-cluster.js';

const config = { config: parseConfig({}, 'test'), path: null, dir: process.cwd() };

/** A database secured the way the generators secure it: it must give no finding at all. */
const SECURED = [
  `CREATE ROLE app_owner NOLOGIN`,
  `CREATE SCHEMA app AUTHORIZATION app_owner`,
  `CREATE SCHEMA extensions`,
  `CREATE EXTENSION pgcrypto SCHEMA extensions`,
  `SET ROLE app_owner`,
  `CREATE TABLE app.tenants (id uuid PRIMARY KEY, name text NOT NULL)`,
  `CREATE TABLE app.invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES app.tenants, total numeric NOT NULL)`,
  `CREATE TABLE app.countries (code text PRIMARY KEY, name text NOT NULL)`,
  `CREATE FUNCTION app.invoice_count() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = app, pg_temp AS 'SELECT count(*) FROM invoices'`,
  `REVOKE EXECUTE ON FUNCTION app.invoice_count() FROM PUBLIC`,
  `RESET ROLE`,
].join(';\n');

/** Each planted problem and the finding it must give (rule, object). */
const PLANTED: readonly { rule: string; object: string; sql?: string }[] = [
  { rule: 'security/privileged-login-role', object: 'p_super' },
  { rule: 'security/privileged-login-role', object: 'p_bypass' },
  { rule: 'security/md5-password', object: 'p_md5' },
  { rule: 'security/login-without-password', object: 'p_nopass' },
  { rule: 'security/password-encryption', object: 'password_encryption' },
  { rule: 'security/dangerous-membership', object: 'p_web' },
  { rule: 'security/connected-role-privileges', object: 'p_super' },
  { rule: 'security/public-schema-create', object: 'public' },
  { rule: 'security/public-grant', object: 'public.open_table' },
  { rule: 'security/public-grant', object: 'public.open_seq' },
  { rule: 'security/public-grant', object: 'public.definer()' },
  { rule: 'security/security-definer-search-path', object: 'public.definer()' },
  { rule: 'security/default-privileges-public', object: 'postgres' },
  { rule: 'security/owned-by-login-role', object: 'shop.web_owned' },
  { rule: 'security/extension-in-public', object: 'pgcrypto' },
  { rule: 'security/untrusted-language', object: 'plevil' },
  { rule: 'security/policies-without-rls', object: 'public.policy_off' },
  { rule: 'security/rls-not-forced', object: 'shop.web_owned' },
  { rule: 'security/permissive-true-policy', object: 'public.open_policy.everyone' },
  { rule: 'security/tenant-table-without-rls', object: 'public.orders' },
  { rule: 'security/policy-without-tenant-setting', object: 'public.notes.not_tenant' },
  { rule: 'security/view-bypasses-rls', object: 'public.notes_view' },
  { rule: 'security/ssl-off', object: 'ssl' },
  { rule: 'security/hba-weak-auth', object: 'pg_hba.conf:' },
  { rule: 'security/log-connections-off', object: 'log_connections' },
  { rule: 'security/listen-all-addresses', object: 'listen_addresses' },
  { rule: 'security/no-pgaudit', object: 'shared_preload_libraries' },
  { rule: 'security/unsafe-durability', object: 'fsync' },
  { rule: 'security/unsafe-durability', object: 'full_page_writes' },
];

const PLANT_ROLES = [
  `CREATE ROLE p_super LOGIN SUPERUSER PASSWORD 'p_super_pw'`,
  `CREATE ROLE p_bypass LOGIN BYPASSRLS PASSWORD 'p_bypass_pw'`,
  `SET password_encryption = 'md5'`,
  `CREATE ROLE p_md5 LOGIN PASSWORD 'p_md5_pw'`,
  `RESET password_encryption`,
  `CREATE ROLE p_nopass LOGIN`,
  `CREATE ROLE p_ops NOLOGIN`,
  `GRANT pg_execute_server_program TO p_ops`,
  `CREATE ROLE p_web LOGIN PASSWORD 'p_web_pw'`,
  `GRANT p_ops TO p_web`,
  `CREATE ROLE p_owner NOLOGIN`,
].join(';\n');

const PLANT_OBJECTS = [
  `GRANT CREATE ON SCHEMA public TO PUBLIC`,
  `CREATE TABLE public.open_table (id int)`,
  `GRANT SELECT, INSERT ON public.open_table TO PUBLIC`,
  `CREATE SEQUENCE public.open_seq`,
  `GRANT USAGE ON SEQUENCE public.open_seq TO PUBLIC`,
  `CREATE FUNCTION public.definer() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'`,
  `CREATE SCHEMA shop AUTHORIZATION p_owner`,
  `CREATE TABLE shop.web_owned (id int)`,
  `ALTER TABLE shop.web_owned OWNER TO p_web`,
  `CREATE POLICY mine ON shop.web_owned USING (id > 0)`,
  `ALTER TABLE shop.web_owned ENABLE ROW LEVEL SECURITY`,
  `CREATE EXTENSION pgcrypto`,
  `CREATE FUNCTION public.evil_handler() RETURNS language_handler AS 'plpgsql', 'plpgsql_call_handler' LANGUAGE c`,
  `CREATE LANGUAGE plevil HANDLER public.evil_handler`,
  `CREATE TABLE public.policy_off (id int)`,
  `CREATE POLICY some_rows ON public.policy_off USING (id > 0)`,
  `CREATE TABLE public.open_policy (id int)`,
  `CREATE POLICY everyone ON public.open_policy USING (true)`,
  `ALTER TABLE public.open_policy ENABLE ROW LEVEL SECURITY`,
  `ALTER TABLE public.open_policy FORCE ROW LEVEL SECURITY`,
  `CREATE TABLE public.orders (id int, tenant_id uuid NOT NULL)`,
  `CREATE TABLE public.notes (id int, tenant_id uuid NOT NULL)`,
  `CREATE POLICY not_tenant ON public.notes USING (tenant_id IS NOT NULL)`,
  `ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY`,
  `ALTER TABLE public.notes FORCE ROW LEVEL SECURITY`,
  `CREATE VIEW public.notes_view AS SELECT * FROM public.notes`,
  // last: the tables above must not get its grant
  `ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC`,
].join(';\n');

const PLANT_SERVER = [
  `ALTER SYSTEM SET password_encryption = 'md5'`,
  `ALTER SYSTEM SET ssl = off`,
  `ALTER SYSTEM SET log_connections = off`,
  `ALTER SYSTEM SET listen_addresses = '*'`,
  `ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`,
  `ALTER SYSTEM SET fsync = off`,
  `ALTER SYSTEM SET full_page_writes = off`,
];

function located(findings: readonly Finding[], rule: string, object: string): Finding | undefined {
  return findings.find(
    (f) => f.rule === rule && 'object' in f.location && f.location.object.startsWith(object),
  );
}

describe.skipIf(!securityClusterAvailable())(
  'pgwarden security on a cluster of its own (PostgreSQL 15)',
  () => {
    let server: SecurityCluster;
    let secured: Finding[];
    let planted: Awaited<ReturnType<typeof auditSecurity>>;

    beforeAll(async () => {
      server = await startSecurityCluster();
      const admin = await server.admin();
      await admin.query('CREATE DATABASE secured');
      await admin.query('CREATE DATABASE planted');
      const db = await server.admin('secured');
      await db.query(SECURED);
      // the roles and policies come from the generators, as a user would make them
      for (const script of [
        generateSecurity('app-role', { role: 'app', schemas: ['app'], owner: 'app_owner', login: true }),
        generateSecurity('readonly-role', { role: 'reporting', schemas: ['app'], owner: 'app_owner' }),
        generateSecurity('tenant-isolation', { tables: ['app.invoices'] }),
      ]) {
        await db.query(script.up);
      }
      await db.query(
        `ALTER ROLE app PASSWORD 'app_pw'; GRANT EXECUTE ON FUNCTION app.invoice_count() TO app`,
      );
      secured = [...(await auditSecurity({ config, db: withDatabase(server.url, 'secured') })).findings];

      await admin.query(PLANT_ROLES);
      const plant = await server.admin('planted');
      await plant.query(PLANT_OBJECTS);
      for (const statement of PLANT_SERVER) await admin.query(statement);
      await server.addHba(['host all all 0.0.0.0/0 md5', 'host all all 10.0.0.0/8 trust']);
      await server.applyPending();
      planted = await auditSecurity({
        config,
        db: withDatabase(server.url.replace('postgres@', 'p_super:p_super_pw@'), 'planted'),
      });
    }, 120_000);

    afterAll(async () => {
      await server?.close();
    });

    it('gives no finding on a well-secured database and server', () => {
      expect(secured.map((f) => `${f.rule} ${JSON.stringify(f.location)}: ${f.message}`)).toEqual([]);
    });

    it.each(PLANTED.map((p) => [p.rule, p.object] as const))('finds the planted %s on %s', (rule, object) => {
      const finding = located(planted.findings, rule, object);
      expect(
        finding,
        `${rule} on ${object}; found: ${planted.findings.map((f) => `${f.rule} ${JSON.stringify(f.location)}`).join('\n')}`,
      ).toBeDefined();
      expect(finding!.evidence).toBeDefined();
    });

    it('reaches a recall of at least 95% and reports nothing it was not given', () => {
      const found = PLANTED.filter((p) => located(planted.findings, p.rule, p.object));
      expect(found.length / PLANTED.length).toBeGreaterThanOrEqual(0.95);
      const unexpected = planted.findings.filter(
        (f) =>
          !PLANTED.some(
            (p) => f.rule === p.rule && 'object' in f.location && f.location.object.startsWith(p.object),
          ),
      );
      expect(unexpected.map((f) => `${f.rule} ${JSON.stringify(f.location)}: ${f.message}`)).toEqual([]);
    });

    it('reports the server facts once, and says what it could see', () => {
      expect(planted.findings.filter((f) => f.rule === 'security/unsafe-durability')).toHaveLength(2);
      expect(planted.data?.seen).toEqual({ passwords: true, hba: true, allSettings: true });
      expect(planted.skipped).toEqual([]);
    });

    it('gives fixes that execute and resolve their findings', async () => {
      await loadParser();
      const admin = await server.admin('planted');
      for (const finding of planted.findings) {
        if (!finding.fix) continue;
        for (const statement of parseSqlSync(finding.fix, { file: 'fix.sql' }).statements) {
          await admin.query(statement.text).catch((error: Error) => {
            throw new Error(`the fix of "${finding.message}" failed: ${statement.text}: ${error.message}`);
          });
        }
      }
      await server.applyPending();
      const after = await auditSecurity({ config, db: withDatabase(server.url, 'planted') });
      const left = after.findings.filter((f) => f.fix !== null);
      expect(left.map((f) => `${f.rule} ${JSON.stringify(f.location)}: ${f.message}`)).toEqual([]);
    }, 60_000);
  },
);
