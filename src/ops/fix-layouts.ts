import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LAYOUTS, type MigrationLayout } from '../migrate/layouts.js';

/**
 * New migrations written by `lint --fix`, in the form of the folder's own runner: a file or folder that runner runs,
 * never a side file it ignores (a CREATE UNIQUE INDEX written next to Prisma's folders never ran, so the index
 * silently never existed).
 */

/** One new migration: its statements, whether they must run outside a transaction, and its down. */
export interface NewMigration {
  readonly up: readonly string[];
  readonly down: readonly string[];
  readonly noTransaction: boolean;
}

export interface NewFile {
  readonly file: string;
  readonly text: string;
}

/** A migration of the folder, as --fix knows it. */
export interface FolderMigration {
  readonly version: string;
  readonly name: string;
}

const NOTHING_TO_UNDO = 'SELECT 1;  -- nothing to undo';

/**
 * Why --fix cannot write a migration for this layout, or undefined when it can. node-pg-migrate runs every SQL
 * migration in a transaction and has no opt-out for SQL files.
 */
export function cannotWrite(layout: MigrationLayout, noTransaction: boolean): string | undefined {
  if (layout === 'node-pg-migrate' && noTransaction)
    return 'node-pg-migrate runs every SQL migration in a transaction (pgm.noTransaction() exists only in JS/TS migrations): write this one as a JS migration by hand';
  return undefined;
}

/**
 * Whether the layout's runner can run several statements of a migration without a transaction, statement by
 * statement: pgwarden's own runner can, and goose (NO TRANSACTION); the others send the file as one string (PostgreSQL then runs it as one
 * implicit transaction, where CONCURRENTLY fails) or, Flyway, decide per file.
 */
export function runsStatementByStatement(layout: MigrationLayout): boolean {
  return layout === 'pgwarden' || layout === 'plain' || layout === 'goose';
}

/** A migration of the folder as --fix places new ones: its version as the reader reads it, its file's prefix. */
export interface PlacedMigration extends FolderMigration {
  /** The version as its file or folder name writes it (`2024-01-02-000000`, `000002`, `1.2`). */
  readonly prefix: string;
}

/** The prefix of a migration's file or folder name: what precedes the name. */
export function prefixOf(layout: MigrationLayout, file: string): string {
  const entry = layout === 'prisma' || layout === 'diesel' ? basename(dirname(file)) : basename(file);
  if (layout === 'flyway') return entry.replace(/^V/, '').split('__')[0]!.replace(/_/g, '.');
  return entry.split('_')[0]!;
}

/** The version the layout's reader gives a migration written as `prefix`_`name` (see files.ts). */
function versionOf(layout: MigrationLayout, prefix: string, name: string): string {
  if (layout === 'prisma') return `${prefix}_${name}`;
  if (layout === 'diesel') return prefix.replace(/-/g, '');
  return prefix;
}

/** The prefix right after `prefix` by incrementing its last number, keeping its width (0007 → 0008). */
function increment(prefix: string): string | undefined {
  const match = /(\d+)(\D*)$/.exec(prefix);
  if (!match) return undefined;
  const digits = match[1]!;
  const next = (BigInt(digits) + 1n).toString().padStart(digits.length, '0');
  return `${prefix.slice(0, match.index)}${next}${match[2]}`;
}

/**
 * A free place for a migration named `name` that the runner orders right after `after` and before the next
 * migration of the folder, or undefined. Flyway gets a sub-version (3 → 3.1) when the next whole number is taken.
 */
export function placeAfter(
  layout: MigrationLayout,
  after: PlacedMigration,
  name: string,
  folder: readonly FolderMigration[],
): PlacedMigration | undefined {
  const rules = LAYOUTS[layout === 'plain' ? 'pgwarden' : layout];
  const key = (m: FolderMigration) => ({ version: m.version, entry: m.version, name: m.name });
  const taken = new Set(folder.map((m) => rules.identity(m.version)));
  const later = folder.filter((m) => rules.compare(key(m), key(after)) > 0);
  const prefixes = [increment(after.prefix), layout === 'flyway' ? `${after.prefix}.1` : undefined];
  for (const prefix of prefixes) {
    if (prefix === undefined) continue;
    const placed = { prefix, name, version: versionOf(layout, prefix, name) };
    if (taken.has(rules.identity(placed.version))) continue;
    if (rules.compare(key(placed), key(after)) <= 0) continue;
    if (later.some((m) => rules.compare(key(m), key(placed)) <= 0)) continue;
    return placed;
  }
  return undefined;
}

/** The files of one new migration in the layout's own form. */
export function migrationFiles(
  layout: MigrationLayout,
  dir: string,
  version: string,
  name: string,
  migration: NewMigration,
): NewFile[] {
  const up = `${migration.up.join('\n')}\n`;
  const down = `${migration.down.length > 0 ? migration.down.join('\n') : NOTHING_TO_UNDO}\n`;
  const noTx = migration.noTransaction;
  switch (layout) {
    case 'pgwarden':
    case 'plain': {
      const directive = noTx ? '-- pgwarden:no-transaction\n' : '';
      return [
        {
          file: join(dir, `${version}_${name}.sql`),
          text: `-- migrate:up\n${directive}${up}\n-- migrate:down\n${directive}${down}`,
        },
      ];
    }
    case 'dbmate': {
      const option = noTx ? ' transaction:false' : '';
      return [
        {
          file: join(dir, `${version}_${name}.sql`),
          text: `-- migrate:up${option}\n${up}\n-- migrate:down${option}\n${down}`,
        },
      ];
    }
    case 'golang-migrate':
      return [
        { file: join(dir, `${version}_${name}.up.sql`), text: up },
        { file: join(dir, `${version}_${name}.down.sql`), text: down },
      ];
    case 'diesel': {
      const folder = join(dir, `${version}_${name}`);
      return [
        { file: join(folder, 'up.sql'), text: up },
        { file: join(folder, 'down.sql'), text: down },
        ...(noTx ? [{ file: join(folder, 'metadata.toml'), text: 'run_in_transaction = false\n' }] : []),
      ];
    }
    case 'prisma':
      return [{ file: join(dir, `${version}_${name}`, 'migration.sql'), text: up }];
    case 'flyway':
      return [{ file: join(dir, `V${version}__${name}.sql`), text: up }];
    case 'node-pg-migrate':
      return [
        {
          file: join(dir, `${version}_${name}.sql`),
          text: `-- Up Migration\n${up}\n-- Down Migration\n${down}`,
        },
      ];
    case 'sqlx': {
      // sqlx reads its opt-out from a file's first bytes, each file for itself
      const option = noTx ? '-- no-transaction\n' : '';
      return [
        { file: join(dir, `${version}_${name}.up.sql`), text: `${option}${up}` },
        { file: join(dir, `${version}_${name}.down.sql`), text: `${option}${down}` },
      ];
    }
    case 'goose': {
      const option = noTx ? '-- +goose NO TRANSACTION\n' : '';
      const section = (statements: readonly string[]) =>
        `${(statements.length > 0 ? statements : [NOTHING_TO_UNDO]).map(gooseStatement).join('\n')}\n`;
      return [
        {
          file: join(dir, `${version}_${name}.sql`),
          text: `${option}-- +goose Up\n${section(migration.up)}\n-- +goose Down\n${section(migration.down)}`,
        },
      ];
    }
  }
}

/**
 * A statement as goose splits it: goose ends a statement at any line ending in `;` outside a StatementBegin …
 * StatementEnd block, quotes and dollar-quoted bodies included, so a statement of several lines goes in a block.
 */
function gooseStatement(statement: string): string {
  return statement.includes('\n')
    ? `-- +goose StatementBegin\n${statement}\n-- +goose StatementEnd`
    : statement;
}

/** The first file of `files` that exists already, if any. */
export function existing(files: readonly NewFile[]): string | undefined {
  return files.find((f) => existsSync(f.file))?.file;
}
