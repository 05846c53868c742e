import type { LoadedConfig } from '../core/config.js';
import { createRuleSet, type RuleSet, type SkippedRule } from '../core/engine.js';
import { formatCount } from '../core/format.js';
import { createReport, type Report } from '../core/report.js';
import { VERSION } from '../core/version.js';
import type { Connection } from '../db/connection.js';
import type { EmbeddedServerOptions } from '../db/embedded/server.js';
import { openTarget } from '../db/target.js';
import type { Colors } from '../report/index.js';
import { allRules } from '../rules/index.js';
import { securityCapabilities } from '../security/capabilities.js';
import {
  type GeneratedScript,
  type GenerateOptions,
  type GeneratorKind,
  generateSecurity,
} from '../security/generate.js';
import { type SecurityModel, securityModelFromReading } from '../security/model.js';
import { readSecurity, SECURITY_SETTINGS } from '../security/read.js';
import type { SecurityReading } from '../security/reading.js';

export interface SecurityAuditOptions {
  readonly config: LoadedConfig;
  readonly ruleSet?: RuleSet;
  /** The database to audit (read-only); default DATABASE_URL, else the embedded server. */
  readonly db?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly embedded?: EmbeddedServerOptions;
  readonly log?: (message: string) => void;
}

export interface SecurityData extends Record<string, unknown> {
  /** What was audited, for people: never a password. */
  readonly source: string;
  readonly database: string;
  readonly server: string;
  /** The role the audit ran as, and what it could see. */
  readonly role: string;
  readonly seen: {
    readonly passwords: boolean;
    readonly hba: boolean;
    readonly allSettings: boolean;
  };
  readonly roles: number;
  readonly loginRoles: number;
  readonly tables: number;
  readonly tenantTables: number;
  readonly policies: number;
}

/** The security model of a database, as the config's tenancy convention reads it. */
export async function readSecurityModel(
  connection: Connection,
  config: LoadedConfig,
): Promise<{ reading: SecurityReading; model: SecurityModel }> {
  const { column, globalTables, mode } = config.config.schema.tenancy;
  const reading = await readSecurity(connection, { tenantColumns: [column] });
  return {
    reading,
    model: securityModelFromReading(reading, { tenantColumn: mode === 'off' ? null : column, globalTables }),
  };
}

/** The audit of a model already read: the rules, what they could not see, and the report. */
export function securityReport(model: SecurityModel, source: string, ruleSet: RuleSet): Report<SecurityData> {
  const run = ruleSet.run('security', model, {
    pgVersion: model.server.major,
    capabilities: securityCapabilities(model),
  });
  const skipped: SkippedRule[] = [...run.skipped];
  const unseen = SECURITY_SETTINGS.filter((name) => model.settings[name] === undefined);
  if (unseen.length > 0) {
    skipped.push({
      rule: 'settings',
      reason: `${unseen.join(', ')} not visible to ${model.server.currentUser}: grant it pg_read_all_settings (or pg_monitor) to check them`,
    });
  }
  return createReport({
    version: VERSION,
    command: 'security',
    findings: run.findings,
    skipped,
    data: {
      source,
      database: model.server.database,
      server: `PostgreSQL ${model.server.version}`,
      role: model.server.currentUser,
      seen: {
        passwords: model.passwords !== null,
        hba: model.hba !== null,
        allSettings: unseen.length === 0,
      },
      roles: model.roles.filter((r) => !r.predefined).length,
      loginRoles: model.roles.filter((r) => r.login).length,
      tables: model.relations.filter((r) => r.kind === 'table' || r.kind === 'partitioned table').length,
      tenantTables: model.tenantTables.length,
      policies: model.policies.length,
    },
  });
}

/**
 * `pgwarden security`: a least-privilege audit of roles, privileges, row level security and server settings, read
 * in one READ ONLY transaction as whatever role connects; what that role could not see is in `skipped`.
 */
export async function auditSecurity(options: SecurityAuditOptions): Promise<Report<SecurityData>> {
  const ruleSet = options.ruleSet ?? createRuleSet(allRules, options.config.config);
  const target = await openTarget({
    db: options.db,
    env: options.env,
    config: options.config.config,
    embedded: options.embedded,
  });
  try {
    const connection = await target.connect();
    try {
      options.log?.(`auditing ${target.display}`);
      const { model } = await readSecurityModel(connection, options.config);
      return securityReport(model, target.display, ruleSet);
    } finally {
      await connection.close();
    }
  } finally {
    await target.close();
  }
}

export interface SecurityGenerateData extends Record<string, unknown> {
  readonly kind: GeneratorKind;
  readonly description: string;
  readonly up: string;
  readonly down: string;
}

/** `pgwarden security generate …`: an idempotent script and its down script (no database needed). */
export function generateSecurityScript(
  kind: GeneratorKind,
  options: GenerateOptions,
): Report<SecurityGenerateData> {
  const script: GeneratedScript = generateSecurity(kind, options);
  return createReport({ version: VERSION, command: 'security generate', findings: [], data: { ...script } });
}

/** The audit's own lines under the findings: what was audited, as whom, and what that role could not see. */
export function renderSecurityData(report: Report<SecurityData>, c: Colors): string {
  const data = report.data;
  if (!data) return '';
  const lines = [
    `Audited ${data.database} on ${data.server} as ${data.role}: ${formatCount(data.roles)} roles (${formatCount(data.loginRoles)} can log in), ${formatCount(data.tables)} tables (${formatCount(data.tenantTables)} with a tenant column), ${formatCount(data.policies)} policies`,
  ];
  const unseen = [
    ...(data.seen.passwords ? [] : ['passwords (pg_authid: superuser)']),
    ...(data.seen.hba ? [] : ['pg_hba.conf (pg_hba_file_rules: superuser)']),
    ...(data.seen.allSettings ? [] : ['some settings (pg_read_all_settings)']),
  ];
  if (unseen.length > 0) lines.push(c.dim(`Not visible to ${data.role}: ${unseen.join(', ')}`));
  return lines.join('\n');
}
