/**
 * `security`: `pgwarden security` end to end on a generated database of many tables and roles on the PostgreSQL
 * service. No peer CLI audits general PostgreSQL posture with SQL alone (pgdsat needs the server's files and shell
 * access, splinter is Supabase's), so the side-by-side is the equivalent query set: the same checks as plain SQL
 * queries (no model, no messages, no fixes) run by psql in one process, timed in the same rounds on the same database.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type BenchOptions,
  distPath,
  fmtInt,
  fmtMs,
  fmtRatio,
  type GoalLine,
  loadLib,
  log,
  mdTable,
  now,
  onCleanup,
  ROOT,
  type Stats,
  sharedTempDir,
  stats,
  yesNo,
} from './lib.js';

export const SECURITY_GOAL_MS = 5_000;
const RUNS = 3;
const TABLES_PER_BATCH = 250;

/** The checks of `pgwarden security` as bare queries: what a DBA would paste into psql. */
const EQUIVALENT_QUERIES = `
SELECT rolname FROM pg_roles WHERE rolcanlogin AND (rolsuper OR rolbypassrls OR rolcreaterole OR rolreplication) AND oid <> 10;
SELECT rolname FROM pg_authid WHERE rolcanlogin AND (rolpassword IS NULL OR rolpassword LIKE 'md5%');
SHOW password_encryption;
WITH RECURSIVE m(member, role, depth) AS (
  SELECT member, roleid, 1 FROM pg_auth_members
  UNION SELECT m.member, a.roleid, m.depth + 1 FROM m JOIN pg_auth_members a ON a.member = m.role WHERE m.depth < 16)
SELECT u.rolname, r.rolname FROM m JOIN pg_roles u ON u.oid = m.member JOIN pg_roles r ON r.oid = m.role
 WHERE u.rolcanlogin AND NOT u.rolsuper
   AND (r.rolname IN ('pg_execute_server_program', 'pg_write_server_files', 'pg_read_server_files', 'pg_write_all_data') OR r.rolsuper);
SELECT nspname FROM pg_namespace n, aclexplode(coalesce(nspacl, acldefault('n', nspowner))) a
 WHERE a.grantee = 0 AND a.privilege_type = 'CREATE';
SELECT c.oid::regclass, a.privilege_type FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
       aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
 WHERE a.grantee = 0 AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema');
SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND NOT coalesce(p.proconfig::text LIKE '%search_path=%', false);
SELECT d.defaclrole::regrole, d.defaclobjtype FROM pg_default_acl d, aclexplode(d.defaclacl) a WHERE a.grantee = 0;
SELECT c.oid::regclass, c.relowner::regrole FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_roles o ON o.oid = c.relowner
 WHERE o.rolcanlogin AND c.relowner <> n.nspowner AND c.relowner <> 10 AND n.nspname NOT IN ('pg_catalog', 'information_schema');
SELECT extname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE n.nspname = 'public';
SELECT lanname FROM pg_language WHERE lanispl AND NOT lanpltrusted;
SELECT c.oid::regclass FROM pg_class c WHERE NOT c.relrowsecurity AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid);
SELECT c.oid::regclass FROM pg_class c JOIN pg_roles o ON o.oid = c.relowner WHERE c.relrowsecurity AND NOT c.relforcerowsecurity AND o.rolcanlogin;
SELECT schemaname, tablename, policyname FROM pg_policies WHERE permissive = 'PERMISSIVE' AND (qual = 'true' OR with_check = 'true');
SELECT c.oid::regclass FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id'
 WHERE c.relkind IN ('r', 'p') AND NOT (c.relrowsecurity AND c.relforcerowsecurity);
SELECT p.polrelid::regclass, p.polname FROM pg_policy p JOIN pg_attribute a ON a.attrelid = p.polrelid AND a.attname = 'tenant_id'
 WHERE p.polpermissive AND pg_get_expr(p.polqual, p.polrelid) NOT LIKE '%current_setting(''app.tenant_id''%';
SELECT name, setting FROM pg_settings
 WHERE name IN ('ssl', 'listen_addresses', 'log_connections', 'shared_preload_libraries', 'fsync', 'full_page_writes');
SELECT line_number, type, address, auth_method FROM pg_hba_file_rules WHERE auth_method IN ('trust', 'password', 'md5');
`;

export interface SecurityBenchResult {
  readonly tables: number;
  readonly roles: number;
  readonly generateMs: number;
  readonly server: string;
  readonly runs: number;
  readonly pgwarden: { readonly samples: number[]; readonly stats: Stats; readonly findings: number };
  readonly queries: { readonly samples: number[]; readonly stats: Stats; readonly count: number };
  readonly goalMs: number;
  readonly met: boolean;
}

function timedRun(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  const start = now();
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', env, maxBuffer: 256 * 1024 * 1024 });
  const ms = now() - start;
  if (result.error) throw result.error;
  return { ms, status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export async function runSecurityBench(options: BenchOptions): Promise<SecurityBenchResult> {
  const lib = await loadLib();
  const tables = options.tables;
  const roles = Math.max(10, Math.round(tables / 10));
  const tag = randomBytes(4).toString('hex');
  const name = `pgwarden_bench_security_${tag}`;
  const prefix = `bench_sec_${tag}_`;
  const admin = await lib.Connection.open(options.pg15Url);
  await admin.query(`CREATE DATABASE ${name}`);
  const cleanUp = onCleanup(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    // roles are the cluster's: drop the ones this run made
    await admin
      .query(`DO $$ DECLARE r text; BEGIN
        FOR r IN SELECT rolname FROM pg_roles WHERE rolname LIKE '${prefix}%' LOOP EXECUTE format('DROP ROLE %I', r); END LOOP;
      END $$`)
      .catch(() => {});
    await admin.close();
  });
  const folder = sharedTempDir('security');
  try {
    const url = lib.withDatabase(options.pg15Url, name);
    const db = await lib.Connection.open(url);
    const server = (await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!
      .v;
    log(`security: generating ${fmtInt(tables)} tables and ${fmtInt(roles)} roles in ${name}`);
    const t0 = now();
    // roles in chains of ten (each a member of the one before), every tenth one a login role
    await db.query(`DO $$ BEGIN FOR i IN 1..${roles} LOOP
      EXECUTE format('CREATE ROLE %I %s', '${prefix}' || i, CASE WHEN i % 10 = 0 THEN 'LOGIN' ELSE 'NOLOGIN' END);
      IF i % 10 <> 1 THEN EXECUTE format('GRANT %I TO %I', '${prefix}' || (i - 1), '${prefix}' || i); END IF;
    END LOOP; END $$`);
    await db.query(`GRANT pg_read_server_files TO ${prefix}1`);
    for (let first = 1; first <= tables; first += TABLES_PER_BATCH) {
      const last = Math.min(tables, first + TABLES_PER_BATCH - 1);
      // a tenant table in five, with row level security in four of those; a grant to a role on each table
      await db.query(`DO $$ BEGIN FOR i IN ${first}..${last} LOOP
        IF i % 5 = 0 THEN
          EXECUTE format('CREATE TABLE t%s (id bigint PRIMARY KEY, tenant_id uuid NOT NULL, body text)', i);
          IF i % 25 <> 0 THEN
            EXECUTE format('CREATE POLICY tenant_isolation ON t%s USING (tenant_id = current_setting(''app.tenant_id'')::uuid)', i);
            EXECUTE format('ALTER TABLE t%s ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', i);
          END IF;
        ELSE
          EXECUTE format('CREATE TABLE t%s (id bigint PRIMARY KEY, body text)', i);
        END IF;
        EXECUTE format('GRANT SELECT ON t%s TO %I', i, '${prefix}' || (1 + i % ${roles}));
        IF i % 100 = 0 THEN EXECUTE format('GRANT SELECT ON t%s TO PUBLIC', i); END IF;
      END LOOP; END $$`);
    }
    const generateMs = now() - t0;
    await db.close();
    log(`security: generated in ${fmtMs(generateMs)}`);

    const queriesFile = join(folder.path, 'security-queries.sql');
    writeFileSync(queriesFile, EQUIVALENT_QUERIES);
    const count = EQUIVALENT_QUERIES.split(';').filter((q) => q.trim() !== '').length;
    const pgwardenArgs = [
      distPath('bin/pgwarden.js'),
      'security',
      '--db',
      url,
      '--format',
      'json',
      '--quiet',
    ];
    const pgwardenOnce = () => {
      const run = timedRun(process.execPath, pgwardenArgs, { ...process.env, DATABASE_URL: '' });
      if (run.status !== 0 && run.status !== 1)
        throw new Error(`pgwarden security exited ${run.status}: ${run.stderr}`);
      const report = JSON.parse(run.stdout) as { findings: unknown[]; tables: number; roles: number };
      if (report.tables < tables)
        throw new Error(`pgwarden security read ${report.tables} tables, not ${tables}`);
      return { ms: run.ms, report };
    };
    const queriesOnce = () => {
      const run = timedRun('psql', [
        '-X',
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        '-d',
        url,
        '-f',
        queriesFile,
        '-o',
        '/dev/null',
      ]);
      if (run.status !== 0) throw new Error(`psql exited ${run.status}: ${run.stderr}`);
      return run.ms;
    };

    log(
      `security: 1 warm-up + ${RUNS} measured rounds of pgwarden security and the ${count} equivalent queries`,
    );
    pgwardenOnce();
    queriesOnce();
    const ours: number[] = [];
    const theirs: number[] = [];
    let last: ReturnType<typeof pgwardenOnce> | undefined;
    for (let round = 0; round < RUNS; round++) {
      // alternate which goes first, so neither always meets a warm cache
      const runOurs = () => {
        last = pgwardenOnce();
        ours.push(last.ms);
      };
      const runTheirs = () => theirs.push(queriesOnce());
      if (round % 2 === 0) {
        runOurs();
        runTheirs();
      } else {
        runTheirs();
        runOurs();
      }
    }
    const ourStats = stats(ours);
    const result: SecurityBenchResult = {
      tables: last!.report.tables,
      roles: last!.report.roles,
      generateMs,
      server,
      runs: RUNS,
      pgwarden: { samples: ours, stats: ourStats, findings: last!.report.findings.length },
      queries: { samples: theirs, stats: stats(theirs), count },
      goalMs: SECURITY_GOAL_MS,
      met: ourStats.median <= SECURITY_GOAL_MS,
    };
    log(
      `security: pgwarden median ${fmtMs(ourStats.median)}; the query set ${fmtMs(result.queries.stats.median)}`,
    );
    return result;
  } finally {
    await folder.remove();
    await cleanUp();
  }
}

export function securityGoals(result: SecurityBenchResult): GoalLine[] {
  return [
    {
      benchmark: `\`pgwarden security\` on ${fmtInt(result.tables)} tables / ${fmtInt(result.roles)} roles`,
      goal: `median ≤ ${fmtMs(result.goalMs)}`,
      result: `median ${fmtMs(result.pgwarden.stats.median)}`,
      met: result.met,
      peer: `${fmtRatio(result.pgwarden.stats.median, result.queries.stats.median)} the equivalent ${result.queries.count} queries in psql (${fmtMs(result.queries.stats.median)})`,
    },
  ];
}

export function renderSecurityBench(result: SecurityBenchResult): string {
  const row = (label: string, s: Stats) => [label, fmtMs(s.median), fmtMs(s.p90), fmtMs(s.min), fmtMs(s.max)];
  return [
    `A database generated on the PostgreSQL service (${result.server}): ${fmtInt(result.tables)} tables (one in five with a \`tenant_id\`, four of those with row level security forced and a policy; a grant to a role on every table, one in a hundred granted to PUBLIC) and roles in chains of ten (one in ten can log in; the first of each chain set holds pg_read_server_files), created in ${fmtMs(result.generateMs)}; the audit counted ${fmtInt(result.roles)} roles in the cluster. \`node dist/bin/pgwarden.js security --db URL --format json --quiet\` as a fresh process (its JSON must parse and count every table). There is no peer CLI to run beside it (pgdsat needs the server's files and a shell on it; splinter is Supabase's lints), so the side-by-side is the equivalent query set: the same checks as ${result.queries.count} bare SQL queries in one \`psql -f\` process — no model, no messages, no fixes, no tenant setting or membership semantics beyond a recursive CTE. One warm-up round, then ${result.runs} rounds, the order alternating; medians. pgwarden reported ${fmtInt(result.pgwarden.findings)} findings.`,
    '',
    mdTable(
      ['Run', 'Median', 'p90', 'Min', 'Max'],
      [
        row('`pgwarden security`', result.pgwarden.stats),
        row(`the ${result.queries.count} equivalent queries, \`psql -f\``, result.queries.stats),
      ],
    ),
    '',
    mdTable(
      ['Goal', 'Result', 'Met', 'pgwarden / query set'],
      [
        [
          `median ≤ ${fmtMs(result.goalMs)}`,
          fmtMs(result.pgwarden.stats.median),
          yesNo(result.met),
          fmtRatio(result.pgwarden.stats.median, result.queries.stats.median),
        ],
      ],
    ),
  ].join('\n');
}
