import type { LoadedConfig } from '../core/config.js';
import { createRuleSet, type RuleSet, type SkippedRule } from '../core/engine.js';
import { PgwardenError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { createReport, type Report } from '../core/report.js';
import { VERSION } from '../core/version.js';
import type { EmbeddedServerOptions } from '../db/embedded/server.js';
import { openTarget, resolveTargetSource } from '../db/target.js';
import { parseDatabaseUrl } from '../db/url.js';
import { hostHardware, isLocalHost } from '../health/tune/host.js';
import {
  parseConnections,
  parseCpus,
  parseDbSize,
  parseOs,
  parseRam,
  parseStorage,
  parseTunePgVersion,
  parseWorkload,
} from '../health/tune/inputs.js';
import { buildTuneModel, type TuneModel } from '../health/tune/model.js';
import {
  type DbSize,
  formatTuneKb,
  type OsKind,
  type StorageKind,
  TUNE_MAX_PG,
  TUNE_MIN_PG,
  type TuneInputs,
  type Workload,
} from '../health/tune/pgtune.js';
import { readTune, type TuneReading } from '../health/tune/reading.js';
import type { ScriptChange, ScriptTableChange, TuneData, TuneInputValue } from '../health/tune/render.js';
import { needsRestart } from '../health/tune/restart.js';
import { allRules } from '../rules/index.js';

export interface TuneOptions {
  readonly config: LoadedConfig;
  readonly ruleSet?: RuleSet;
  /** The server to compare with (read-only); without it (and without DATABASE_URL): none when `ram` is given, else the embedded server. */
  readonly db?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly embedded?: EmbeddedServerOptions;
  /** `16GB`; default: this machine's RAM when the server runs here. */
  readonly ram?: string;
  readonly cpus?: string | number;
  readonly storage?: string;
  readonly workload?: string;
  readonly connections?: string | number;
  readonly pgVersion?: string | number;
  readonly os?: string;
  /** The data against RAM: less, mid or greater; default: measured on the server, else mid. */
  readonly dbSize?: string;
  readonly log?: (message: string) => void;
}

interface Given {
  readonly ramKb?: number;
  readonly cpus?: number;
  readonly storage?: StorageKind;
  readonly workload?: Workload;
  readonly connections?: number;
  readonly pgVersion?: number;
  readonly os?: OsKind;
  readonly dbSize?: DbSize;
}

/** Every option checked before any connection: a typo is a usage error, not a half-made report. */
function parseGiven(options: TuneOptions): Given {
  const text = (value: string | number | undefined) => (value === undefined ? undefined : String(value));
  return {
    ...(options.ram !== undefined ? { ramKb: parseRam(options.ram) } : {}),
    ...(options.cpus !== undefined ? { cpus: parseCpus(text(options.cpus)!) } : {}),
    ...(options.storage !== undefined ? { storage: parseStorage(options.storage) } : {}),
    ...(options.workload !== undefined ? { workload: parseWorkload(options.workload) } : {}),
    ...(options.connections !== undefined
      ? { connections: parseConnections(text(options.connections)!) }
      : {}),
    ...(options.pgVersion !== undefined ? { pgVersion: parseTunePgVersion(text(options.pgVersion)!) } : {}),
    ...(options.os !== undefined ? { os: parseOs(options.os) } : {}),
    ...(options.dbSize !== undefined ? { dbSize: parseDbSize(options.dbSize) } : {}),
  };
}

interface Server {
  readonly display: string;
  readonly local: boolean;
  readonly reading: TuneReading;
}

async function readServer(options: TuneOptions): Promise<Server> {
  const target = await openTarget({
    db: options.db,
    env: options.env,
    config: options.config.config,
    embedded: options.embedded,
  });
  try {
    const connection = await target.connect();
    try {
      const reading = await readTune(connection);
      const local = target.kind === 'embedded' || isLocalHost(parseDatabaseUrl(target.url).host);
      return { display: target.display, local, reading };
    } finally {
      await connection.close();
    }
  } finally {
    await target.close();
  }
}

/** The data against RAM, measured: well under RAM, about RAM, or well over it. */
function measuredDbSize(bytes: number, ramKb: number): DbSize {
  const ratio = bytes / 1024 / ramKb;
  return ratio < 0.5 ? 'less' : ratio > 2 ? 'greater' : 'mid';
}

function resolveInputs(
  given: Given,
  server: Server | null,
): { inputs: TuneInputs; shown: Record<string, TuneInputValue> } {
  const host = server?.local ? hostHardware() : null;
  const hereOrGiven = server ? 'this machine: the server runs here' : 'given';
  const ramKb = given.ramKb ?? host?.ramKb;
  if (ramKb === undefined)
    throw new PgwardenError(
      'usage',
      'the server does not run on this machine: pgwarden cannot read its RAM',
      {
        hint: "give the server's hardware: --ram 16GB (and --cpus 8, --storage ssd)",
      },
    );
  const cpus = given.cpus ?? host?.cpus ?? null;
  const settings = server?.reading.settings;
  const liveConnections = Number(settings?.find((s) => s.name === 'max_connections')?.setting);
  const serverMajor = server?.reading.major;
  const pgVersion =
    given.pgVersion ??
    (serverMajor === undefined ? TUNE_MAX_PG : Math.min(TUNE_MAX_PG, Math.max(TUNE_MIN_PG, serverMajor)));
  const bytes = server?.reading.databaseBytes ?? null;
  const dbSize = given.dbSize ?? (bytes !== null ? measuredDbSize(bytes, ramKb) : 'mid');
  const inputs: TuneInputs = {
    ramKb,
    cpus,
    storage: given.storage ?? 'ssd',
    workload: given.workload ?? 'web',
    connections: given.connections ?? (Number.isFinite(liveConnections) ? liveConnections : null),
    pgVersion,
    os: given.os ?? host?.os ?? 'linux',
    dbSize,
  };
  const shown: Record<string, TuneInputValue> = {
    ram: { value: formatTuneKb(ramKb), from: given.ramKb !== undefined ? '--ram' : hereOrGiven },
    cpus: {
      value: cpus,
      from:
        given.cpus !== undefined ? '--cpus' : host ? hereOrGiven : 'unknown: parallel settings left alone',
    },
    storage: { value: inputs.storage, from: given.storage ? '--storage' : 'default' },
    workload: { value: inputs.workload, from: given.workload ? '--workload' : 'default' },
    connections: {
      value: inputs.connections ?? null,
      from:
        given.connections !== undefined
          ? '--connections'
          : inputs.connections !== null
            ? "the server's max_connections"
            : 'the workload default',
    },
    pgVersion: {
      value: pgVersion,
      from:
        given.pgVersion !== undefined ? '--pg-version' : serverMajor !== undefined ? 'the server' : 'default',
    },
    os: { value: inputs.os, from: given.os ? '--os' : host ? 'this machine' : 'default' },
    dbSize: {
      value: dbSize,
      from: given.dbSize
        ? '--db-size'
        : bytes !== null
          ? `the server's databases: ${formatTuneKb(Math.round(bytes / 1024 / 1024) * 1024)} against the RAM`
          : 'default',
    },
  };
  return { inputs, shown };
}

/** The changes the findings make (one per setting, the first finding's), or every recommendation without a server. */
function scriptChanges(model: TuneModel, findings: readonly Finding[]): ScriptChange[] {
  if (!model.live)
    return model.recommendations.map((s) => ({
      name: s.name,
      value: s.value,
      restart: needsRestart(s.name, model.inputs.pgVersion),
      reason: s.reason,
    }));
  const changes = new Map<string, ScriptChange>();
  for (const finding of findings) {
    const evidence = finding.evidence as
      | { setting?: unknown; value?: unknown; restart?: unknown }
      | undefined;
    if (typeof evidence?.setting !== 'string' || typeof evidence.value !== 'string') continue;
    if (changes.has(evidence.setting)) continue;
    changes.set(evidence.setting, {
      name: evidence.setting,
      value: evidence.value,
      restart: evidence.restart === true,
      reason: finding.message,
    });
  }
  return [...changes.values()];
}

/** The tables the script gives their own autovacuum settings: health/tune-table-autovacuum's fixes, one per table. */
function scriptTables(findings: readonly Finding[]): ScriptTableChange[] {
  const tables = new Map<string, ScriptTableChange>();
  for (const finding of findings) {
    if (finding.rule !== 'health/tune-table-autovacuum' || !finding.fix) continue;
    if (!('object' in finding.location) || tables.has(finding.location.object)) continue;
    tables.set(finding.location.object, {
      table: finding.location.object,
      sql: finding.fix,
      reason: finding.message,
    });
  }
  return [...tables.values()];
}

/**
 * `pgwarden tune`: PGTune's configuration for the server's hardware and workload, compared with the live settings
 * (read-only), with the workload's evidence for work_mem, max_wal_size and a pooler. Findings are the changes
 * worth making; the data has every setting.
 */
export async function tune(options: TuneOptions): Promise<Report<TuneData>> {
  const given = parseGiven(options);
  const ruleSet = options.ruleSet ?? createRuleSet(allRules, options.config.config);
  const target = resolveTargetSource({ db: options.db, env: options.env, config: options.config.config });
  const offline = target.kind === 'embedded' && given.ramKb !== undefined;
  const server = offline ? null : await readServer(options);
  const { inputs, shown } = resolveInputs(given, server);
  const model = buildTuneModel(inputs, server?.reading ?? null);
  const run = ruleSet.run('tune', model, { pgVersion: inputs.pgVersion });
  const skipped: SkippedRule[] = [...run.skipped];
  for (const failure of server?.reading.failed ?? [])
    skipped.push({ rule: `read: ${failure.read}`, reason: failure.reason });
  return createReport({
    version: VERSION,
    command: 'tune',
    findings: run.findings,
    skipped,
    data: {
      source: server ? server.display : 'no server (the hardware given)',
      inputs: shown,
      recommendations: model.recommendations,
      settings: model.live?.changes ?? null,
      changes: scriptChanges(model, run.findings),
      tables: scriptTables(run.findings),
      workload: model.live?.workload ?? null,
      warnings: model.warnings,
    },
  });
}
