import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { RuleSettings } from '../../src/core/engine.js';
import { ruleSetOf } from '../../src/core/engine.js';
import type { Finding } from '../../src/core/finding.js';
import type { AnyRule } from '../../src/core/rule.js';
import { Connection } from '../../src/db/connection.js';
import { withDatabase } from '../../src/db/url.js';
import { securityCapabilities } from '../../src/security/capabilities.js';
import { securityModelFromReading } from '../../src/security/model.js';
import { readSecurity } from '../../src/security/read.js';
import { loadParser, parseSqlSync } from '../../src/sql/parser.js';
import { type SecurityCluster, startSecurityCluster } from './security-cluster.js';

/**
 * A security rule case: `security` (SQL) runs as the superuser on a fresh database of one PostgreSQL 15 cluster with
 * a secure baseline (test/helpers/security-cluster.ts), shared by the cases of a test file and used by one case at a
 * time; the roles it creates are dropped afterwards. `system` settings (ALTER SYSTEM) and `hba` lines last for the
 * case only. For a firing case, the fixes are run and must resolve the findings (unless `fixResolves: false`).
 */
export interface SecurityCase {
  readonly name: string;
  readonly pgVersion?: number;
  readonly options?: Record<string, unknown>;
  readonly findings?: readonly {
    readonly object?: string;
    readonly message?: string | RegExp;
    readonly severity?: Finding['severity'];
    readonly fix?: string | RegExp | null;
  }[];
  readonly security: string;
  readonly system?: Readonly<Record<string, string>>;
  readonly hba?: readonly string[];
  /** Audit as this role (created by `security`, with the password `pw`) instead of the bootstrap superuser. */
  readonly as?: string;
  readonly fixResolves?: boolean;
}

let shared: Promise<SecurityCluster> | undefined;

afterAll(async () => {
  const cluster = await shared?.catch(() => undefined);
  shared = undefined;
  await cluster?.close();
});

async function findings(
  server: SecurityCluster,
  rule: AnyRule,
  testCase: SecurityCase,
  database: string,
  settings: RuleSettings,
) {
  const base = withDatabase(server.url, database);
  const url = testCase.as ? base.replace('postgres@', `${encodeURIComponent(testCase.as)}:pw@`) : base;
  const connection = await Connection.open(url);
  try {
    const reading = await readSecurity(connection);
    const model = securityModelFromReading(reading);
    return ruleSetOf([rule], settings).run('security', model, {
      pgVersion: reading.server.major,
      capabilities: securityCapabilities(reading),
    }).findings;
  } finally {
    await connection.close();
  }
}

/** The rule's findings for one case; for a firing case, also proves that its fixes run and resolve them. */
export async function evaluateSecurityCase(
  rule: AnyRule,
  testCase: SecurityCase,
  settings: RuleSettings,
): Promise<Finding[]> {
  shared ??= startSecurityCluster({ fsync: false });
  const server = await shared;
  const database = `case_${randomBytes(4).toString('hex')}`;
  const hbaFile = join(server.cluster.dataDir, 'pg_hba.conf');
  const hba = readFileSync(hbaFile, 'utf8');
  const before = await withAdmin(server, async (admin) => {
    const names = new Set(await roleNames(admin));
    await admin.query(`CREATE DATABASE ${database}`);
    return names;
  });
  let systemChanged = testCase.system !== undefined;
  try {
    const db = await Connection.open(withDatabase(server.url, database));
    try {
      await db.query(testCase.security);
    } finally {
      await db.close();
    }
    await withAdmin(server, async (admin) => {
      for (const [name, value] of Object.entries(testCase.system ?? {}))
        await admin.query(`ALTER SYSTEM SET ${name} = ${value}`);
    });
    if (testCase.hba) await server.addHba(testCase.hba);
    // a restart (listen_addresses, shared_preload_libraries) ends every session: each step opens its own
    if (systemChanged) await server.applyPending();
    const found = await findings(server, rule, testCase, database, settings);
    if (testCase.fixResolves !== false && found.some((f) => f.fix)) {
      await loadParser();
      const fixer = await Connection.open(withDatabase(server.url, database));
      try {
        for (const finding of found) {
          for (const statement of parseSqlSync(finding.fix ?? '', { file: 'fix.sql' }).statements) {
            await fixer.query(statement.text).catch((error: Error) => {
              throw new Error(`the fix of "${finding.message}" failed: ${statement.text}: ${error.message}`);
            });
          }
        }
      } finally {
        await fixer.close();
      }
      if (found.some((f) => f.fix?.includes('ALTER SYSTEM'))) {
        systemChanged = true;
        await server.applyPending();
      }
      const left = await findings(server, rule, testCase, database, settings);
      const unresolved = left.filter((f) => found.some((g) => g.fix && g.message === f.message));
      if (unresolved.length > 0)
        throw new Error(
          `findings left after running their fixes: ${unresolved.map((f) => f.message).join('; ')}`,
        );
    }
    return found;
  } finally {
    if (testCase.hba) {
      writeFileSync(hbaFile, hba);
      await server.cluster.reload();
    }
    if (systemChanged) await server.resetSystem();
    await withAdmin(server, async (admin) => {
      await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
      for (const name of await roleNames(admin)) {
        if (!before.has(name)) await admin.query(`DROP ROLE "${name.replace(/"/g, '""')}"`);
      }
    });
  }
}

async function withAdmin<T>(server: SecurityCluster, work: (admin: Connection) => Promise<T>): Promise<T> {
  const admin = await Connection.open(server.url);
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

async function roleNames(admin: Connection): Promise<string[]> {
  return (await admin.query<{ rolname: string }>('SELECT rolname FROM pg_roles')).rows.map((r) => r.rolname);
}
