import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PgwardenError } from '../../core/errors.js';
import type { OsAccount } from './pgbackrest.js';

/** Where a distribution's pgBackRest looks by default: pgwarden never writes over these without --force. */
export const SYSTEM_CONFIGS = ['/etc/pgbackrest.conf', '/etc/pgbackrest/pgbackrest.conf'];

const STANZA = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export function checkStanzaName(stanza: string): string {
  if (!STANZA.test(stanza)) {
    throw new PgwardenError('usage', `--stanza: "${stanza}" is not a valid stanza name`, {
      hint: 'use letters, digits, _ . and -, e.g. --stanza main',
    });
  }
  return stanza;
}

export interface StanzaConfig {
  readonly stanza: string;
  readonly repo: string;
  readonly pgData: string;
  readonly port: number;
  readonly socketDir: string;
  /** The database user pgBackRest connects as (peer or trust on the socket; a password comes from ~/.pgpass). */
  readonly user: string | undefined;
  readonly database: string;
}

/** The text of a config file for one stanza, its repository, logs and locks under the repository folder. */
export function renderStanzaConfig(config: StanzaConfig): string {
  const lines = [
    '# pgBackRest configuration for point-in-time recovery, written by `pgwarden pitr setup`.',
    '# The server archives WAL with this file (archive_command); backups and restores read it.',
    '[global]',
    `repo1-path=${config.repo}`,
    'repo1-retention-full=2',
    `log-path=${join(config.repo, 'log')}`,
    `lock-path=${join(config.repo, 'lock')}`,
    'log-level-file=info',
    'start-fast=y',
    '',
    `[${config.stanza}]`,
    `pg1-path=${config.pgData}`,
    `pg1-port=${config.port}`,
    `pg1-socket-path=${config.socketDir}`,
    ...(config.user && config.user !== 'postgres' ? [`pg1-user=${config.user}`] : []),
    ...(config.database !== 'postgres' ? [`pg1-database=${config.database}`] : []),
    '',
  ];
  return lines.join('\n');
}

/** The sections of an INI file pgBackRest reads: section → key → value. */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = sections.get(section[1]!) ?? new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0 && current) current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return sections;
}

export interface LocatedConfig {
  readonly path: string;
  readonly stanza: string;
  /** The stanza's pg1-port, when the file names one. */
  readonly port: number | null;
  readonly pgData: string | null;
}

/**
 * The stanza config a command works with: `--pgbackrest-config FILE`, else `<repo>/pgbackrest.conf` (what setup
 * writes), else the project config's `pitr.pgbackrestConfig` (relative to the project). Without a stanza name, the
 * file's only stanza.
 */
export function locateConfig(options: {
  readonly pgbackrestConfig?: string | undefined;
  readonly repo?: string | undefined;
  readonly stanza?: string | undefined;
  readonly project?: {
    readonly dir: string;
    readonly pgbackrestConfig?: string | undefined;
    readonly stanza?: string | undefined;
  };
}): LocatedConfig {
  const project = options.project;
  const path = options.pgbackrestConfig
    ? resolve(options.pgbackrestConfig)
    : options.repo
      ? join(resolve(options.repo), 'pgbackrest.conf')
      : project?.pgbackrestConfig
        ? resolve(project.dir, project.pgbackrestConfig)
        : undefined;
  if (!path) {
    throw new PgwardenError('usage', 'which pgBackRest stanza? pass --repo DIR or --pgbackrest-config FILE', {
      hint: 'the folder given to `pgwarden pitr setup --repo DIR` holds the stanza config it wrote; `pitr.pgbackrestConfig` in pgwarden.config.json names it for every command',
    });
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new PgwardenError('config', `no pgBackRest config at ${path}`, {
      hint: 'run `pgwarden pitr setup --stanza NAME --repo DIR` first, or pass --pgbackrest-config FILE',
    });
  }
  const sections = parseIni(text);
  const stanzas = [...sections.keys()].filter((name) => name !== 'global' && !name.includes(':'));
  const stanza =
    options.stanza ??
    (options.pgbackrestConfig || options.repo ? undefined : project?.stanza) ??
    (stanzas.length === 1 ? stanzas[0] : undefined);
  if (stanza === undefined || !sections.has(stanza)) {
    throw new PgwardenError(
      'usage',
      options.stanza
        ? `${path} has no stanza "${options.stanza}"`
        : `${path} describes ${stanzas.length} stanzas: pass --stanza`,
      { hint: `stanzas in it: ${stanzas.join(', ') || 'none'}` },
    );
  }
  const section = sections.get(stanza)!;
  const port = Number(section.get('pg1-port'));
  return {
    path,
    stanza: checkStanzaName(stanza),
    port: Number.isInteger(port) && port > 0 ? port : null,
    pgData: section.get('pg1-path') ?? null,
  };
}

/** A folder for pgBackRest's files, owned by the account pgBackRest runs as. */
export function ensureFolder(path: string, account: OsAccount | null): void {
  mkdirSync(path, { recursive: true, mode: 0o750 });
  if (account) chownSync(path, account.uid, account.gid);
}

/**
 * Writes the stanza config. An existing file with the same text is kept; another one is never overwritten without
 * `force` (and a system config never silently).
 */
export function writeStanzaConfig(
  path: string,
  text: string,
  account: OsAccount | null,
  force: boolean,
): 'written' | 'unchanged' {
  if (existsSync(path)) {
    if (readFileSync(path, 'utf8') === text) return 'unchanged';
    if (!force) {
      const system = SYSTEM_CONFIGS.includes(path);
      throw new PgwardenError(
        'usage',
        `${path} exists${system ? " (the system's pgBackRest config)" : ''} and differs from the stanza config: not overwriting it`,
        {
          hint: `pass --pgbackrest-config with another file${system ? '' : ', or --force to replace it'}`,
        },
      );
    }
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, { mode: 0o640 });
  if (account) chownSync(path, account.uid, account.gid);
  return 'written';
}
