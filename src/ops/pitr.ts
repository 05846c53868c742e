import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  checkStanzaName,
  ensureFolder,
  type LocatedConfig,
  locateConfig,
  renderStanzaConfig,
  writeStanzaConfig,
} from '../backup/pitr/config.js';
import {
  accountFor,
  accountName,
  findPgBackRest,
  type OsAccount,
  type PgBackRest,
  readInfo,
  runPgBackRest,
} from '../backup/pitr/pgbackrest.js';
import {
  backupFor,
  parseTarget,
  prepareEmptyDirectory,
  type RecoveryTarget,
  type RecoveryTargetType,
} from '../backup/pitr/restore.js';
import { type PitrServerFacts, readPitrServer } from '../backup/pitr/server.js';
import type { LoadedConfig } from '../core/config.js';
import { createRuleSet, type RuleSet, type SkippedRule } from '../core/engine.js';
import { PgwardenError } from '../core/errors.js';
import { createReport, type Report } from '../core/report.js';
import { VERSION } from '../core/version.js';
import { Connection } from '../db/connection.js';
import { resolveTargetSource } from '../db/target.js';
import { parseDatabaseUrl } from '../db/url.js';
import {
  type PitrBackup,
  type PitrBackupType,
  type PitrModel,
  type PitrServerReading,
  pitrModelOf,
  type ServerChange,
  serverChanges,
  shellWord,
} from '../health/pitr.js';
import { allRules } from '../rules/index.js';

interface PitrCommonOptions {
  readonly config?: LoadedConfig;
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: (message: string) => void;
}

/** Which stanza: its config file (`pgbackrestConfig`, else `<repo>/pgbackrest.conf`) and, when it has several, its name. */
export interface StanzaOptions extends PitrCommonOptions {
  readonly stanza?: string;
  readonly repo?: string;
  readonly pgbackrestConfig?: string;
}

/** The server to protect: `db`, else DATABASE_URL (or the config's variable). Never the embedded scratch server. */
function serverUrl(options: PitrCommonOptions & { readonly db?: string }, required: boolean): string | null {
  const source = resolveTargetSource({
    db: options.db,
    env: options.env,
    config: options.config?.config,
  });
  if (source.kind === 'url') return parseDatabaseUrl(source.url, source.from).url;
  if (!required) return null;
  throw new PgwardenError('usage', 'pitr needs the server it protects: pass --db URL or set DATABASE_URL', {
    hint: 'the embedded PostgreSQL is a scratch server; point-in-time recovery is for a server you run, on this machine (pgBackRest reads its data directory)',
  });
}

async function readServer(url: string): Promise<PitrServerFacts> {
  const connection = await Connection.open(url);
  try {
    return await readPitrServer(connection);
  } finally {
    await connection.close();
  }
}

/** The PATH pgbackrest is looked up on: the caller's environment's, else the process's. */
function searchPath(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  return { PATH: env?.PATH ?? process.env.PATH };
}

function toolFor(located: LocatedConfig, env: NodeJS.ProcessEnv | undefined): PgBackRest {
  return {
    binary: findPgBackRest(searchPath(env)),
    configPath: located.path,
    stanza: located.stanza,
    account: accountFor(located.path),
    env: process.env,
  };
}

function locate(options: StanzaOptions): LocatedConfig {
  const project = options.config;
  return locateConfig({
    ...options,
    ...(project
      ? {
          project: {
            dir: project.dir,
            pgbackrestConfig: project.config.pitr?.pgbackrestConfig,
            stanza: project.config.pitr?.stanza,
          },
        }
      : {}),
  });
}

function pgwardenStanzaArgs(located: LocatedConfig): string {
  return `--stanza ${shellWord(located.stanza)} --pgbackrest-config ${shellWord(located.path)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// setup

export interface PitrSetupOptions extends PitrCommonOptions {
  readonly stanza: string;
  /** The repository folder (created when missing). */
  readonly repo: string;
  readonly db?: string;
  /** The server's data directory, when data_directory is not the path on this machine. */
  readonly pgData?: string;
  /** Where to write the stanza config (default `<repo>/pgbackrest.conf`). */
  readonly pgbackrestConfig?: string;
  /** Replace an existing, different config file. */
  readonly force?: boolean;
  /** Run the ALTER SYSTEM statements that need only a reload (superuser). */
  readonly apply?: boolean;
}

export interface PitrSetupData extends Record<string, unknown> {
  readonly stanza: string;
  readonly configPath: string;
  readonly config: 'written' | 'unchanged';
  readonly repo: string;
  readonly pgData: string;
  readonly changes: readonly (ServerChange & { readonly applied: boolean })[];
  /** wal_level or archive_mode must change: the server needs a restart. */
  readonly restartNeeded: boolean;
  /** The server archives into the stanza: stanza-create and check ran. */
  readonly ready: boolean;
  readonly stanzaCreated: boolean;
  readonly checked: boolean;
  readonly nextSteps: readonly string[];
  /** Why setup stopped short (the CLI exits 2 with it), or null. */
  readonly refusal: { readonly message: string; readonly hint: string } | null;
}

function checkDataDirectory(pgData: string, major: number, account: OsAccount | null): void {
  const versionFile = join(pgData, 'PG_VERSION');
  let version: string;
  try {
    if (!account) accessSync(pgData, constants.R_OK | constants.X_OK);
    version = readFileSync(versionFile, 'utf8').trim();
  } catch {
    throw new PgwardenError(
      'config',
      `the data directory ${pgData} is not on this machine or not readable here: pgBackRest must run where the server's files are`,
      {
        hint: 'run pitr setup on the database server as the account that owns the data directory (postgres), or pass --pg-data DIR',
      },
    );
  }
  if (version !== String(major)) {
    throw new PgwardenError(
      'config',
      `${pgData} holds a PostgreSQL ${version} data directory, the server is PostgreSQL ${major}`,
      { hint: "pass --pg-data with the server's own data directory" },
    );
  }
}

/** What the server shows for archive_command while archive_mode is off. */
const DISABLED = '(disabled)';

async function applyReloadOnly(url: string, changes: readonly ServerChange[]): Promise<void> {
  const connection = await Connection.open(url);
  try {
    // ALTER SYSTEM cannot run in a transaction block: one statement at a time
    for (const change of changes) await connection.query(change.sql);
    await connection.query('SELECT pg_reload_conf()');
    const wanted = changes.find((c) => c.setting === 'archive_command')?.wanted;
    // the reload reaches this session a moment later
    for (let attempt = 0; wanted !== undefined && attempt < 50; attempt++) {
      const { rows } = await connection.query<{ value: string }>(
        "SELECT current_setting('archive_command') AS value",
      );
      // with archive_mode off the server shows archive_command as "(disabled)" whatever it holds
      if (rows[0]?.value === wanted || rows[0]?.value === DISABLED) return;
      await new Promise((done) => setTimeout(done, 100));
    }
  } finally {
    await connection.close();
  }
}

/**
 * `pgwarden pitr setup`: reads the server's archiving settings, writes the stanza's pgBackRest config, says which
 * ALTER SYSTEM statements the server needs (running the reload-only ones with `apply`), and once the server
 * archives into the stanza, runs `stanza-create` and `check`.
 */
export async function pitrSetup(options: PitrSetupOptions): Promise<Report<PitrSetupData>> {
  const stanza = checkStanzaName(options.stanza);
  const env = process.env;
  const binary = findPgBackRest(searchPath(options.env));
  const url = serverUrl(options, true)!;
  const parsed = parseDatabaseUrl(url);
  let facts = await readServer(url);
  if (facts.reading.inRecovery) {
    throw new PgwardenError(
      'config',
      'the server is a standby: set up point-in-time recovery on the primary',
      {
        hint: 'pgBackRest archives from the primary (archive_mode = always on a standby is for other setups)',
      },
    );
  }
  const pgData = resolve(options.pgData ?? facts.dataDirectory);
  if (!existsSync(pgData)) checkDataDirectory(pgData, facts.reading.major, null);
  const account = accountFor(pgData);
  checkDataDirectory(pgData, facts.reading.major, account);
  const socketDir = parsed.host.startsWith('/') ? parsed.host : facts.socketDirectories[0];
  if (!socketDir) {
    throw new PgwardenError(
      'config',
      'the server listens on no Unix socket: pgBackRest connects to it through one',
      {
        hint: "set unix_socket_directories (e.g. '/var/run/postgresql') and restart the server",
      },
    );
  }

  const repo = resolve(options.repo);
  ensureFolder(repo, account);
  ensureFolder(join(repo, 'log'), account);
  ensureFolder(join(repo, 'lock'), account);
  const configPath = resolve(options.pgbackrestConfig ?? join(repo, 'pgbackrest.conf'));
  const written = writeStanzaConfig(
    configPath,
    renderStanzaConfig({
      stanza,
      repo,
      pgData,
      port: parsed.port,
      socketDir,
      user: facts.user,
      database: facts.database,
    }),
    account,
    options.force === true,
  );
  options.log?.(`${written === 'written' ? 'wrote' : 'kept'} the stanza config ${configPath}`);

  const needed = serverChanges(facts.reading, configPath, stanza);
  const applied = new Set<string>();
  if (options.apply && needed.some((c) => !c.restart)) {
    if (!facts.superuser) {
      throw new PgwardenError(
        'permission',
        `--apply runs ALTER SYSTEM, which needs a superuser (${facts.user} is not)`,
        {
          hint: 'connect as a superuser, or run the printed statements as one',
        },
      );
    }
    const reloadOnly = needed.filter((c) => !c.restart);
    await applyReloadOnly(url, reloadOnly);
    for (const change of reloadOnly) applied.add(change.setting);
    facts = await readServer(url);
    options.log?.(`ran ${reloadOnly.map((c) => c.sql).join(' ')} and reloaded the configuration`);
  }
  const remaining = serverChanges(facts.reading, configPath, stanza).filter(
    (change) =>
      !(change.setting === 'archive_command' && applied.has(change.setting) && change.current === DISABLED),
  );
  const restartNeeded = remaining.some((c) => c.restart);
  const ready = remaining.length === 0;

  let stanzaCreated = false;
  let checked = false;
  const located: LocatedConfig = { path: configPath, stanza, port: parsed.port, pgData };
  if (ready) {
    const tool: PgBackRest = { binary, configPath, stanza, account, env };
    await runPgBackRest(tool, 'stanza-create');
    stanzaCreated = true;
    options.log?.(`pgbackrest stanza-create ${stanza}: ok`);
    await runPgBackRest(tool, 'check');
    checked = true;
    options.log?.(`pgbackrest check ${stanza}: WAL archiving works`);
  }

  const nextSteps: string[] = [];
  if (!ready) {
    const sql = remaining.filter((c) => !applied.has(c.setting)).map((c) => c.sql);
    if (sql.length > 0) nextSteps.push(`as a superuser: ${sql.join(' ')}`);
    if (restartNeeded) {
      nextSteps.push(
        `restart the server (wal_level and archive_mode take effect only then): pg_ctl restart -D ${shellWord(pgData)} -m fast, or systemctl restart postgresql@${facts.reading.major}-main`,
      );
    } else if (sql.length > 0) nextSteps.push('SELECT pg_reload_conf();');
    nextSteps.push(`then again: pgwarden pitr setup --stanza ${shellWord(stanza)} --repo ${shellWord(repo)}`);
  } else {
    nextSteps.push(`take the first backup: pgwarden pitr backup ${pgwardenStanzaArgs(located)} --type full`);
    nextSteps.push(
      `let every pitr command (and MCP's backup_status) find the stanza: "pitr": { "pgbackrestConfig": ${JSON.stringify(configPath)}, "stanza": ${JSON.stringify(stanza)} } in pgwarden.config.json`,
    );
  }
  const refusal = ready
    ? null
    : {
        message: `the server does not archive WAL into stanza ${stanza} yet (${remaining.map((c) => `${c.setting} = '${c.current}'`).join(', ')}): stanza-create and check did not run`,
        hint: restartNeeded
          ? 'run the ALTER SYSTEM statements above as a superuser, restart the server, then run pitr setup again'
          : 'run the ALTER SYSTEM statement above as a superuser (or pitr setup --apply), then run pitr setup again',
      };

  return createReport({
    version: VERSION,
    command: 'pitr setup',
    findings: [],
    data: {
      stanza,
      configPath,
      config: written,
      repo,
      pgData,
      changes: needed.map((change) => ({ ...change, applied: applied.has(change.setting) })),
      restartNeeded,
      ready,
      stanzaCreated,
      checked,
      nextSteps,
      refusal,
    },
  });
}

/** The refusal of a setup that stopped short, as the error the CLI exits with (2), or null. */
export function pitrSetupRefusal(report: Report<PitrSetupData>): PgwardenError | null {
  const refusal = report.data?.refusal;
  return refusal ? new PgwardenError('config', refusal.message, { hint: refusal.hint }) : null;
}

// ---------------------------------------------------------------------------------------------------------------
// backup

export interface PitrBackupOptions extends StanzaOptions {
  readonly type?: PitrBackupType;
}

export interface PitrBackupData extends Record<string, unknown> {
  readonly stanza: string;
  readonly configPath: string;
  readonly backup: PitrBackup;
  /** Wall time of pgBackRest's backup command. */
  readonly ms: number;
}

/** `pgwarden pitr backup`: a full, diff or incr backup with pgBackRest, and what it recorded. */
export async function pitrBackup(options: PitrBackupOptions): Promise<Report<PitrBackupData>> {
  const located = locate(options);
  const tool = toolFor(located, options.env);
  const type = options.type ?? 'full';
  options.log?.(`pgbackrest backup --type=${type} of stanza ${located.stanza}…`);
  const { ms } = await runPgBackRest(tool, 'backup', [`--type=${type}`]);
  const model = pitrModelOf({
    stanza: located.stanza,
    configPath: located.path,
    info: await readInfo(tool),
    server: null,
    now: new Date().toISOString(),
  });
  const backup = [...model.backups].sort((a, b) => a.label.localeCompare(b.label)).at(-1);
  if (!backup)
    throw new PgwardenError(
      'server',
      `pgbackrest backup succeeded but info lists no backup of ${located.stanza}`,
    );
  return createReport({
    version: VERSION,
    command: 'pitr backup',
    findings: [],
    data: { stanza: located.stanza, configPath: located.path, backup, ms },
  });
}

// ---------------------------------------------------------------------------------------------------------------
// status

export interface PitrStatusOptions extends StanzaOptions {
  /** The server, for pg_stat_archiver and its settings (default DATABASE_URL); without one those rules are skipped. */
  readonly db?: string;
  readonly ruleSet?: RuleSet;
  /** The time the ages are measured at (default now). */
  readonly now?: Date;
}

export interface PitrStatusData extends Record<string, unknown> {
  readonly stanza: string;
  readonly configPath: string;
  readonly status: PitrModel['status'];
  readonly backups: readonly PitrBackup[];
  readonly newestBackup: PitrBackup | null;
  readonly oldestRecoveryPoint: string | null;
  /** The newest WAL in the archive, and when the server last archived one. */
  readonly archive: PitrModel['archive'];
  readonly lastArchivedAt: string | null;
  readonly pendingSegments: number | null;
  readonly failedArchives: number | null;
  readonly server: PitrServerReading | null;
}

/** The pitr rules that read the server's side. */
const SERVER_RULES = ['health/pitr-archive-failing', 'health/pitr-archive-lag', 'health/pitr-archiving-off'];

/** pgBackRest's status codes that mean the stanza is not there to report on (missing stanza path or data). */
const MISSING_STANZA = new Set([1, 3]);

/**
 * `pgwarden pitr status`: the stanza's backups and WAL archive (pgBackRest `info`), and with a server, its
 * archiving settings and pg_stat_archiver (read-only), checked by the `pitr` rules.
 */
export async function pitrStatus(options: PitrStatusOptions): Promise<Report<PitrStatusData>> {
  const located = locate(options);
  const tool = toolFor(located, options.env);
  const ruleSet = options.ruleSet ?? createRuleSet(allRules, options.config?.config ?? {});
  const info = await readInfo(tool);
  const url = serverUrl(options, false);
  const skipped: SkippedRule[] = [];
  let server: PitrServerReading | null = null;
  if (url) {
    server = (await readServer(url)).reading;
  } else {
    for (const rule of SERVER_RULES) {
      skipped.push({
        rule,
        reason:
          'no server given (--db or DATABASE_URL): pg_stat_archiver and the archiving settings were not read',
      });
    }
  }
  const model = pitrModelOf({
    stanza: located.stanza,
    configPath: located.path,
    info,
    server,
    now: (options.now ?? new Date()).toISOString(),
  });
  if (MISSING_STANZA.has(model.status.code)) {
    throw new PgwardenError('config', `stanza ${located.stanza}: ${model.status.message}`, {
      hint: `create it with pgwarden pitr setup --stanza ${shellWord(located.stanza)} --repo DIR`,
    });
  }
  const run = ruleSet.run('pitr', model, { pgVersion: server?.major ?? model.repositoryMajor ?? 15 });
  return createReport({
    version: VERSION,
    command: 'pitr status',
    findings: run.findings,
    skipped: [...skipped, ...run.skipped],
    data: {
      stanza: model.stanza,
      configPath: model.configPath,
      status: model.status,
      backups: model.backups,
      newestBackup: model.newestBackup,
      oldestRecoveryPoint: model.oldestRecoveryPoint,
      archive: model.archive,
      lastArchivedAt: server?.archiver.lastArchivedAt ?? null,
      pendingSegments: model.pendingSegments,
      failedArchives: server?.archiver.failedCount ?? null,
      server,
    },
  });
}

// ---------------------------------------------------------------------------------------------------------------
// restore

export interface PitrRestoreOptions extends StanzaOptions {
  /** A time (with its zone), an LSN or a restore point's name. */
  readonly to: string;
  readonly targetType?: RecoveryTargetType;
  /** A new or empty folder: the restored data directory. */
  readonly into: string;
  /** The port printed in the start command (default: the stanza's port + 1). */
  readonly port?: number;
  /** Keep archive_mode as the backup had it: for a copy that replaces the original server. */
  readonly keepArchiving?: boolean;
}

export interface PitrRestoreData extends Record<string, unknown> {
  readonly stanza: string;
  readonly into: string;
  readonly target: RecoveryTarget;
  /** The backup recovery starts from. */
  readonly backup: PitrBackup;
  readonly archiving: 'off' | 'preserved';
  readonly ms: number;
  /** How to start the restored server; it recovers to the target, then promotes. */
  readonly startCommand: string;
  readonly pgCtl: string;
  readonly port: number;
}

function pgCtlFor(major: number | null): string {
  const path = major === null ? null : `/usr/lib/postgresql/${major}/bin/pg_ctl`;
  return path && existsSync(path) ? path : 'pg_ctl';
}

/**
 * `pgwarden pitr restore`: prepares a new data directory that recovers to the target and stops there, promoted.
 * Never into a non-empty folder; the copy does not archive into the repository unless `keepArchiving`.
 */
export async function pitrRestore(options: PitrRestoreOptions): Promise<Report<PitrRestoreData>> {
  const located = locate(options);
  const target = parseTarget(options.to, options.targetType);
  const tool = toolFor(located, options.env);
  const into = resolve(options.into);
  if (located.pgData !== null && resolve(located.pgData) === into) {
    throw new PgwardenError('usage', `--into ${into} is the stanza's own data directory`, {
      hint: 'restore into a new folder; to replace the server, stop it and move its data directory aside first',
    });
  }
  const model = pitrModelOf({
    stanza: located.stanza,
    configPath: located.path,
    info: await readInfo(tool),
    server: null,
    now: new Date().toISOString(),
  });
  const backup = backupFor(model, target);
  prepareEmptyDirectory(into, tool.account);
  const archiving = options.keepArchiving ? 'preserved' : 'off';
  options.log?.(`restoring ${backup.label} into ${into}, recovering to ${target.type} ${target.value}…`);
  const { ms } = await runPgBackRest(tool, 'restore', [
    `--pg1-path=${into}`,
    `--set=${backup.label}`,
    `--type=${target.type}`,
    `--target=${target.value}`,
    '--target-action=promote',
    ...(archiving === 'off' ? ['--archive-mode=off'] : []),
  ]);
  const port = options.port ?? (located.port ?? 5432) + 1;
  const pgCtl = pgCtlFor(model.repositoryMajor);
  const start = `${pgCtl} -D ${shellWord(into)} -l ${shellWord(join(into, 'recovery.log'))} -o ${shellWord(`-p ${port}`)} start`;
  const name = tool.account ? accountName(tool.account.uid) : null;
  return createReport({
    version: VERSION,
    command: 'pitr restore',
    findings: [],
    data: {
      stanza: located.stanza,
      into,
      target,
      backup,
      archiving,
      ms,
      startCommand: name ? `runuser -u ${name} -- ${start}` : start,
      pgCtl,
      port,
    },
  });
}
