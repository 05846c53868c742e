import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { LoadedConfig } from '../core/config.js';
import { PgwardenError } from '../core/errors.js';
import { readSqlSources, type SqlSource } from '../sql/files.js';

/** The folder layouts pgwarden reads as they are, without conversion. */
export type MigrationLayout =
  | 'pgwarden'
  | 'node-pg-migrate'
  | 'pairs'
  | 'diesel'
  | 'prisma'
  | 'flyway'
  | 'plain';

/** One direction of a migration: its SQL, positioned exactly as in its file (other sections blanked out). */
export interface MigrationScript extends SqlSource {
  /** The runner wraps it in a transaction (off with `-- pgwarden:no-transaction` or dbmate's `transaction:false`). */
  readonly transaction: boolean;
  /** Where it belongs, when it was read from a migrations folder. */
  readonly migration?: {
    readonly dir: string;
    readonly version: string;
    readonly name: string;
    readonly layout: MigrationLayout;
  };
  /** The whole file (`text` has the other sections blanked out, at the same positions). */
  readonly fileText: string;
}

export interface Migration {
  readonly version: string;
  readonly name: string;
  readonly layout: MigrationLayout;
  readonly up: MigrationScript;
  /** Null when the migration has no down section (it cannot be rolled back). */
  readonly down: MigrationScript | null;
}

const UP_MARKER = /^--\s*migrate:up\b.*$/im;
const DOWN_MARKER = /^--\s*migrate:down\b.*$/im;
const NPM_UP = /^--\s*up migration\b.*$/im;
const NPM_DOWN = /^--\s*down migration\b.*$/im;
const NO_TRANSACTION = /^--\s*pgwarden:no-transaction\b/im;

/** Keeps [from, to) of the text and blanks the rest, line breaks kept, so positions stay those of the file. */
function keepRange(text: string, from: number, to: number): string {
  const blank = (part: string) => part.replace(/[^\n]/g, ' ');
  return blank(text.slice(0, from)) + text.slice(from, to) + blank(text.slice(to));
}

interface Sections {
  readonly up: { text: string; transaction: boolean };
  readonly down: { text: string; transaction: boolean } | null;
}

/** Splits a file with `-- migrate:up` / `-- migrate:down` (or node-pg-migrate's) markers into its sections. */
export function splitSections(text: string): Sections | undefined {
  const up = UP_MARKER.exec(text) ?? NPM_UP.exec(text);
  if (!up) return undefined;
  const down = (up[0].toLowerCase().includes('migrate:') ? DOWN_MARKER : NPM_DOWN).exec(text);
  const upStart = up.index;
  const downStart = down && down.index > upStart ? down.index : -1;
  const upEnd = downStart >= 0 ? downStart : text.length;
  const noTransaction = (header: string, body: string) =>
    /transaction:\s*false/i.test(header) || NO_TRANSACTION.test(body);
  const upBody = text.slice(upStart, upEnd);
  return {
    up: { text: keepRange(text, upStart, upEnd), transaction: !noTransaction(up[0], upBody) },
    down:
      downStart >= 0
        ? {
            text: keepRange(text, downStart, text.length),
            transaction: !noTransaction(down![0], text.slice(downStart)),
          }
        : null,
  };
}

/** Splits a version into numeric segments so that 1.10 sorts after 1.9 and timestamps sort as numbers. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[._-]/).map((part) => (/^\d+$/.test(part) ? BigInt(part) : part));
  const pb = b.split(/[._-]/).map((part) => (/^\d+$/.test(part) ? BigInt(part) : part));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0n;
    const y = pb[i] ?? 0n;
    if (x === y) continue;
    if (typeof x === 'bigint' && typeof y === 'bigint') return x < y ? -1 : 1;
    return String(x).localeCompare(String(y));
  }
  return 0;
}

/** A version as compareVersions sees it: numeric segments without leading zeros, trailing zero segments dropped. */
function versionKey(version: string): string {
  const parts = version.split(/[._-]/).map((part) => (/^\d+$/.test(part) ? BigInt(part).toString() : part));
  while (parts.length > 1 && parts.at(-1) === '0') parts.pop();
  return parts.join('.');
}

function script(source: SqlSource, text: string, transaction: boolean): MigrationScript {
  return { file: source.file, text, transaction, fileText: source.text };
}

function fromSingleFile(
  source: SqlSource,
  version: string,
  name: string,
  layout: MigrationLayout,
): Migration {
  const sections = splitSections(source.text);
  if (sections) {
    const isNpm = NPM_UP.test(source.text) && !UP_MARKER.test(source.text);
    return {
      version,
      name,
      layout: layout === 'plain' ? (isNpm ? 'node-pg-migrate' : 'pgwarden') : layout,
      up: script(source, sections.up.text, sections.up.transaction),
      down: sections.down ? script(source, sections.down.text, sections.down.transaction) : null,
    };
  }
  return {
    version,
    name,
    layout,
    up: script(source, source.text, !NO_TRANSACTION.test(source.text)),
    down: null,
  };
}

const VERSIONED = /^(\d[\d._-]*?)_(.+)$/;
const FLYWAY = /^([VU])(\d[\d._]*)__(.+)\.sql$/i;

/**
 * Reads a migrations folder in any supported layout: pgwarden/dbmate (`20240101120000_name.sql` with
 * `-- migrate:up` and `-- migrate:down`), node-pg-migrate SQL (`-- Up Migration`), pairs (`NAME.up.sql` +
 * `NAME.down.sql`, as golang-migrate), diesel (`NAME/up.sql` + `NAME/down.sql`), Prisma (`NAME/migration.sql`)
 * and Flyway (`V1__name.sql` + `U1__name.sql`). Sorted by version.
 */
/**
 * The project's migrations folder: `dir` when one is given (relative to `base`, by default the project's folder),
 * else the config's `migrations.dir`, relative to the project.
 */
export function migrationsFolder(config: LoadedConfig, dir?: string, base: string = config.dir): string {
  return dir !== undefined ? resolve(base, dir) : resolve(config.dir, config.config.migrations.dir);
}

export async function readMigrations(dir: string): Promise<Migration[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    throw new PgwardenError('input', `no migrations folder at ${dir}`, {
      hint: 'pass the folder that holds the migration files',
    });
  }
  // First what each migration is made of, then every file read in one go, then the migrations built.
  type Build = (source: (path: string) => SqlSource) => Migration;
  const builds: Build[] = [];
  const wanted: string[] = [];
  const pairs = new Map<string, { up?: string; down?: string }>();
  const flyway = new Map<string, { name: string; up?: string; down?: string }>();

  const sorted = entries.sort((a, b) => a.name.localeCompare(b.name));
  const folders = await Promise.all(
    sorted.map((entry) =>
      entry.isDirectory() ? readdir(join(dir, entry.name)).catch(() => [] as string[]) : undefined,
    ),
  );
  for (const [i, entry] of sorted.entries()) {
    const path = join(dir, entry.name);
    const inner = folders[i];
    if (inner) {
      const [version, name] = VERSIONED.exec(entry.name)?.slice(1) ?? [entry.name, entry.name];
      if (inner.includes('up.sql')) {
        const upPath = join(path, 'up.sql');
        const downPath = inner.includes('down.sql') ? join(path, 'down.sql') : undefined;
        wanted.push(upPath, ...(downPath ? [downPath] : []));
        builds.push((source) => {
          const up = source(upPath);
          const down = downPath ? source(downPath) : undefined;
          return {
            version: version!,
            name: name!,
            layout: 'diesel',
            up: script(up, up.text, !NO_TRANSACTION.test(up.text)),
            down: down ? script(down, down.text, !NO_TRANSACTION.test(down.text)) : null,
          };
        });
      } else if (inner.includes('migration.sql')) {
        const upPath = join(path, 'migration.sql');
        wanted.push(upPath);
        builds.push((source) => ({
          ...fromSingleFile(source(upPath), version!, name!, 'prisma'),
          down: null,
        }));
      }
      continue;
    }
    if (!entry.isFile() || !entry.name.toLowerCase().endsWith('.sql')) continue;
    const fly = FLYWAY.exec(entry.name);
    if (fly) {
      const [, kind, version, name] = fly;
      const item = flyway.get(version!) ?? { name: name! };
      if (kind!.toUpperCase() === 'V') item.up = path;
      else item.down = path;
      flyway.set(version!, item);
      continue;
    }
    const pair = /^(.+)\.(up|down)\.sql$/i.exec(entry.name);
    if (pair) {
      const item = pairs.get(pair[1]!) ?? {};
      if (pair[2]!.toLowerCase() === 'up') item.up = path;
      else item.down = path;
      pairs.set(pair[1]!, item);
      continue;
    }
    const base = basename(entry.name, '.sql');
    const [version, name] = VERSIONED.exec(base)?.slice(1) ?? [base, base];
    wanted.push(path);
    builds.push((source) => fromSingleFile(source(path), version!, name!, 'plain'));
  }

  for (const [stem, { up, down }] of pairs) {
    if (!up) throw new PgwardenError('input', `${join(dir, `${stem}.down.sql`)} has no matching .up.sql`);
    const [version, name] = VERSIONED.exec(stem)?.slice(1) ?? [stem, stem];
    wanted.push(up, ...(down ? [down] : []));
    builds.push((source) => {
      const upSource = source(up);
      const downSource = down ? source(down) : undefined;
      return {
        version: version!,
        name: name!,
        layout: 'pairs',
        up: script(upSource, upSource.text, !NO_TRANSACTION.test(upSource.text)),
        down: downSource ? script(downSource, downSource.text, !NO_TRANSACTION.test(downSource.text)) : null,
      };
    });
  }
  for (const [version, { name, up, down }] of flyway) {
    if (!up)
      throw new PgwardenError(
        'input',
        `undo migration U${version}__${name}.sql has no V${version}__${name}.sql`,
      );
    wanted.push(up, ...(down ? [down] : []));
    builds.push((source) => {
      const upSource = source(up);
      const downSource = down ? source(down) : undefined;
      return {
        version,
        name: name.replace(/\.sql$/i, ''),
        layout: 'flyway',
        up: script(upSource, upSource.text, true),
        down: downSource ? script(downSource, downSource.text, true) : null,
      };
    });
  }
  const sources = new Map((await readSqlSources(wanted)).map((source) => [source.file, source]));
  const migrations = builds.map((build) => build((path) => sources.get(path)!));
  for (const [index, migration] of migrations.entries()) {
    const where = { dir, version: migration.version, name: migration.name, layout: migration.layout };
    migrations[index] = {
      ...migration,
      up: { ...migration.up, migration: where },
      down: migration.down ? { ...migration.down, migration: where } : null,
    };
  }
  // by numeric value: V1 and V01 (or 1.0 and 1) are one version to Flyway and to the history's order
  const seen = new Map<string, { version: string; file: string }>();
  for (const migration of migrations) {
    const key = versionKey(migration.version);
    const other = seen.get(key);
    if (other) {
      const same =
        other.version === migration.version
          ? ''
          : ` (${other.version} and ${migration.version} are the same number)`;
      throw new PgwardenError(
        'input',
        `two migrations have version ${migration.version}${same}: ${other.file} and ${migration.up.file}`,
        {
          hint: 'each migration needs its own version',
        },
      );
    }
    seen.set(key, { version: migration.version, file: migration.up.file });
  }
  return migrations.sort((a, b) => compareVersions(a.version, b.version));
}

/** Whether a folder looks like a migrations folder (rather than a folder of loose SQL files). */
export async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}
