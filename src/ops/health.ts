import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { newestVerifiedBackup } from '../backup/status.js';
import type { LoadedConfig } from '../core/config.js';
import { createRuleSet, type RuleSet, type SkippedRule } from '../core/engine.js';
import { createReport, type Report } from '../core/report.js';
import type { Privilege } from '../core/rule.js';
import { VERSION } from '../core/version.js';
import { Connection } from '../db/connection.js';
import type { EmbeddedServerOptions } from '../db/embedded/server.js';
import { type DatabaseTarget, openTarget } from '../db/target.js';
import { healthFactsFromReadings } from '../health/build.js';
import { readHealth } from '../health/collect.js';
import type { HealthFacts } from '../health/model.js';
import { type HealthData, healthSummary } from '../health/summary.js';

export type { HealthData } from '../health/summary.js';

import { allRules } from '../rules/index.js';

export interface HealthReportOptions {
  readonly config?: LoadedConfig;
  /** The rules to run; default: every rule, with the config's settings. */
  readonly ruleSet?: RuleSet;
  /** Read twice, this many seconds apart, for rates (XIDs, MultiXacts, sequences per second → days until). */
  readonly sampleSeconds?: number;
  /** Per-query limit of the read (ms), default 10 s. */
  readonly statementTimeoutMs?: number;
  /** Lock wait limit of the read (ms), default 1 s. */
  readonly lockTimeoutMs?: number;
  /** Measure the suspected bloat with pgstattuple (pgstattuple_approx, pgstatindex): at most this many relations. */
  readonly exact?: number;
  readonly log?: (message: string) => void;
}

/** The read-only facts of a server: one reading, or two `sampleSeconds` apart. */
export async function readHealthFacts(
  connection: Connection,
  options: Pick<
    HealthReportOptions,
    'sampleSeconds' | 'statementTimeoutMs' | 'lockTimeoutMs' | 'exact' | 'log'
  > = {},
): Promise<HealthFacts> {
  const read = () =>
    readHealth(connection, {
      statementTimeoutMs: options.statementTimeoutMs,
      lockTimeoutMs: options.lockTimeoutMs,
      exact: options.exact,
    });
  const first = await read();
  if (!options.sampleSeconds) return healthFactsFromReadings(first);
  options.log?.(`sampling for ${options.sampleSeconds} s to measure the rates`);
  await sleep(options.sampleSeconds * 1000);
  return healthFactsFromReadings(first, await read());
}

/** Which rules each read feeds: a read that failed skips them. */
const READ_RULES: Readonly<Record<string, readonly string[]>> = {
  sessions: [
    'health/connections',
    'health/idle-in-transaction',
    'health/long-running-query',
    'health/blocked-sessions',
    'health/xmin-horizon',
    'health/autovacuum-saturated',
  ],
  "other roles' sessions": [
    'health/idle-in-transaction',
    'health/long-running-query',
    'health/blocked-sessions',
    'health/xmin-horizon',
  ],
  'prepared transactions': ['health/prepared-transaction', 'health/xmin-horizon'],
  'replication slots': ['health/inactive-replication-slot', 'health/xmin-horizon'],
  standbys: ['health/xmin-horizon', 'health/replication-lag'],
  databases: ['health/xid-wraparound', 'health/multixact-wraparound'],
  'database statistics': ['health/cache-hit-ratio', 'health/temp-files', 'health/unused-index'],
  checkpoints: ['health/checkpoints-requested'],
  archiver: ['health/archiver-failing'],
  sequences: ['health/sequence-exhaustion'],
  tables: ['health/vacuum-lag', 'health/analyze-lag', 'health/autovacuum-saturated'],
  indexes: ['health/invalid-index', 'health/duplicate-index', 'health/unused-index'],
  constraints: ['health/not-valid-constraint'],
  triggers: ['health/disabled-trigger'],
  pg_stat_statements: ['health/slow-query', 'health/n-plus-one'],
  extensions: ['health/extension-outdated'],
  collations: ['health/collation-version-drift'],
  'bloat estimate': ['health/table-bloat', 'health/index-bloat'],
  pgstattuple: ['health/table-bloat', 'health/index-bloat'],
};

/** The report of a server's facts: the `health` rules run on them (pure: no server needed). */
export function healthReportFromFacts(
  facts: HealthFacts,
  ruleSet: RuleSet = createRuleSet(allRules),
  source = facts.server.database,
): Report<HealthData> {
  const privileges = new Set<Privilege>();
  if (facts.server.superuser) privileges.add('superuser');
  if (facts.server.readAllStats) {
    privileges.add('pg_read_all_stats');
    privileges.add('pg_monitor');
  }
  const extensions = new Set(facts.server.extensions);
  // installed but not readable (not preloaded): its rules cannot run
  if (facts.statements === null) extensions.delete('pg_stat_statements');
  const run = ruleSet.run('health', facts, {
    pgVersion: facts.server.major,
    capabilities: { privileges, extensions },
  });
  const unreadStatements = facts.unreadable.find((u) => u.check === 'pg_stat_statements');
  // installed but unreadable (not in shared_preload_libraries): the server's own words say why
  const skipped: SkippedRule[] = run.skipped.map((entry) =>
    unreadStatements && (READ_RULES.pg_stat_statements ?? []).includes(entry.rule)
      ? {
          rule: entry.rule,
          reason: `pg_stat_statements is installed but cannot be read: ${unreadStatements.reason}`,
        }
      : entry,
  );
  for (const { check, reason } of facts.unreadable) {
    const rules = READ_RULES[check] ?? [];
    for (const rule of rules.filter((r) => run.ran.includes(r)))
      skipped.push({ rule, reason: `${check}: ${reason}` });
  }
  return createReport({
    version: VERSION,
    command: 'health',
    findings: run.findings,
    skipped,
    data: { source, health: healthSummary(facts) },
  });
}

/**
 * `pgwarden health` on one server: reads its facts read-only (one READ ONLY transaction with a statement and lock
 * timeout, two for a sample) and runs the health rules. Give a connection (kept open) or a target.
 */
export async function healthReport(
  source: Connection | DatabaseTarget,
  options: HealthReportOptions = {},
): Promise<Report<HealthData>> {
  const ruleSet = options.ruleSet ?? createRuleSet(allRules, options.config?.config);
  const owned = source instanceof Connection ? null : await source.connect();
  const connection = owned ?? (source as Connection);
  try {
    const facts = await readHealthFacts(connection, options);
    const report = healthReportFromFacts(facts, ruleSet, source.display);
    if (!options.config) return report;
    // what a DBA asks next: is there a backup of this, proven by restoring it?
    const backups = await newestVerifiedBackup(
      resolve(options.config.dir, options.config.config.backups.dir),
    );
    if (!backups) return report;
    const newest = backups.newestVerified;
    return {
      ...report,
      data: {
        ...report.data!,
        backups: {
          dir: backups.dir,
          backups: backups.backups,
          newestVerified: newest ? { id: newest.id, ageSeconds: newest.ageSeconds } : null,
        },
      },
    };
  } finally {
    await owned?.close();
  }
}

export interface CheckHealthOptions extends HealthReportOptions {
  readonly config: LoadedConfig;
  /** The database URL; else DATABASE_URL (or the config's variable), else the embedded server. */
  readonly db?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly embedded?: EmbeddedServerOptions;
}

/** `pgwarden health [--db URL]`: opens the target the way every command does, reports, and closes it. */
export async function checkHealth(options: CheckHealthOptions): Promise<Report<HealthData>> {
  const target = await openTarget({
    db: options.db,
    env: options.env,
    config: options.config.config,
    embedded: options.embedded,
  });
  try {
    return await healthReport(target, options);
  } finally {
    await target.close();
  }
}
