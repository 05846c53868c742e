/**
 * The migration layouts pgwarden reads, as data: for each runner, how its folder is recognised, how it orders and
 * identifies migrations, how ups and downs pair, whether it wraps a file in a transaction and how a file opts
 * out, how it sends a file to the server, whether downs exist, and what it ignores. docs/migration-layouts.md
 * cites each runner's source for every fact below (its last section is this table).
 */

import { NO_TRANSACTION_LINES } from '../lint/migration-model.js';

/** A runner's layout. */
export type LayoutName =
  | 'pgwarden'
  | 'dbmate'
  | 'golang-migrate'
  | 'diesel'
  | 'prisma'
  | 'flyway'
  | 'node-pg-migrate'
  | 'goose'
  | 'sqlx';

/** The layout of one migration: its folder's, or `plain` for a marker-less file of a pgwarden folder. */
export type MigrationLayout = LayoutName | 'plain';

/** A folder as layouts recognise it. */
export interface FolderListing {
  /** The folder's absolute path. */
  readonly dir: string;
  readonly entries: readonly FolderEntry[];
  /** The text of its top-level .sql files, by name. */
  readonly texts: ReadonlyMap<string, string>;
  /** The names next to the folder (in its parent). */
  readonly siblings: readonly string[];
  /** A Cargo.toml naming sqlx is next to the folder or next to its parent (sqlx's `migrations/` is the crate's). */
  readonly inCrate?: boolean;
}

/** What one folder entry is to a layout. */
export interface FolderEntry {
  readonly name: string;
  readonly kind: 'file' | 'directory';
  /** The names inside, for a directory. */
  readonly inner?: readonly string[];
}

/** How a migration is sorted: the fields a layout's comparison reads. */
export interface OrderKey {
  /** The migration's identity (what pgwarden's history records). */
  readonly version: string;
  /** The name of the file or folder it was read from (the migration's first file, for pairs). */
  readonly entry: string;
  /** Flyway: a repeatable migration (no version; runs after every versioned one). */
  readonly repeatable?: boolean;
  readonly name: string;
}

export interface Layout {
  readonly name: LayoutName;
  readonly runner: string;
  /** How a folder is recognised (tried in LAYOUT_DETECTION order; `pgwarden` is the fallback). */
  readonly recognise: string;
  readonly recognises: (listing: FolderListing) => boolean;
  /** What one migration is. */
  readonly unit: 'file' | 'up-down-files' | 'directory';
  /** The ordering key, in words, and the comparison itself. */
  readonly ordering: string;
  readonly compare: (a: OrderKey, b: OrderKey) => number;
  /** Two versions with the same key are one migration to the runner (a duplicate). */
  readonly identity: (version: string) => string;
  /** How the down is found. */
  readonly pairing: 'sections' | 'by-version' | 'down.sql' | 'none';
  /**
   * Whether the runner sends BEGIN around a file: `runner` (it does, with its history row), `none` (it does not:
   * the file is one simple-query string, an implicit transaction when it holds several statements),
   * `detected` (Flyway: unless every statement is one PostgreSQL refuses in a transaction).
   */
  readonly transaction: 'runner' | 'none' | 'detected';
  /**
   * What the runner's transaction covers when it begins one: `migration`, each migration its own (with its history
   * row); `run`, every pending migration of one run in a single transaction (node-pg-migrate's default,
   * `--single-transaction`): one failure rolls back the whole run, the migrations before it included, and a lock
   * taken by one migration is held until the last has run.
   */
  readonly transactionSpan: 'migration' | 'run';
  /** The per-file opt-out, in words (pgwarden's own `-- pgwarden:no-transaction` is honoured in every layout). */
  readonly optOut: string;
  /** How a file (or section) reaches the server. */
  readonly sends: 'one-string' | 'statements';
  /** The runner has down migrations (a missing down is worth a finding). */
  readonly downs: boolean;
  /** What the runner ignores in the folder, in words. */
  readonly ignores: string;
}

const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
/** Versions compared as whole numbers (`0001` = 1), as golang-migrate and goose read them. */
const byNumber = (a: OrderKey, b: OrderKey) => {
  const x = BigInt(a.version);
  const y = BigInt(b.version);
  return x === y ? 0 : x < y ? -1 : 1;
};
const numberIdentity = (version: string) => BigInt(version).toString();
const byVersionThenEntry = (order: (a: string, b: string) => number) => (a: OrderKey, b: OrderKey) =>
  order(a.version, b.version) || bytes(a.entry, b.entry);

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
export function versionKey(version: string): string {
  const parts = version.split(/[._-]/).map((part) => (/^\d+$/.test(part) ? BigInt(part).toString() : part));
  while (parts.length > 1 && parts.at(-1) === '0') parts.pop();
  return parts.join('.');
}

/** Flyway's version order: parts split on dots, compared as integers, missing parts as 0 (1.2.10 < 1.10). */
export function compareFlywayVersions(a: string, b: string): number {
  const pa = a.split('.').map((p) => BigInt(p));
  const pb = b.split('.').map((p) => BigInt(p));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0n;
    const y = pb[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** node-pg-migrate: a 17-digit prefix is a UTC time (YYYYMMDDHHMMSSmmm) compared in epoch ms; others as numbers. */
export function nodePgMigrateTime(prefix: string): number {
  if (prefix.length === 17) {
    const [y, mo, d, h, mi, s, ms] = [0, 4, 6, 8, 10, 12, 14].map((at, i) =>
      Number(prefix.slice(at, i === 6 ? 17 : at + (i === 0 ? 4 : 2))),
    );
    return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, ms!);
  }
  return Number(prefix);
}

const nodePgTies = (a: string, b: string) =>
  a.localeCompare(b, undefined, { numeric: true, ignorePunctuation: true });

const hasDir = (entries: readonly FolderEntry[], file: string) =>
  entries.some((e) => e.kind === 'directory' && e.inner?.includes(file));
const hasFile = (entries: readonly FolderEntry[], pattern: RegExp) =>
  entries.some((e) => e.kind === 'file' && pattern.test(e.name));

/** Flyway's prefixes are case-sensitive, its suffix is not. */
export const FLYWAY_VERSIONED = /^V(\d+(?:[._]\d+)*)__(.+)\.[sS][qQ][lL]$/;
export const FLYWAY_REPEATABLE = /^R__(.+)\.[sS][qQ][lL]$/;
export const GOLANG_MIGRATE = /^(\d+)_(.*)\.(up|down)\.([^.]+)$/;
export const UP_MARKER = /^--\s*migrate:up(?:[ \t].*)?$/m;
export const NPM_UP = /^\s*--[\s-]*up\s+migration\b.*$/im;
/**
 * goose's annotations as its parser reads them: a line starting with `--` (no indent) holding `+goose` and one
 * of its words, in any case (`-- +goose up`, `--+goose Up`), with nothing else on the line.
 */
export const GOOSE_ANNOTATION =
  /^--[ \t]*\+goose[ \t]+(up|down|statementbegin|statementend|no transaction|envsub on|envsub off)[ \t]*\r?$/gim;
export const GOOSE_UP = /^--[ \t]*\+goose[ \t]+up[ \t]*\r?$/im;
/** sqlx's migration names: simple `N_name.sql`, reversible `N_name.up.sql` / `N_name.down.sql`. */
export const SQLX_NAME = /^(\d+)_(.*?)(?:\.(up|down))?\.sql$/;
/** sqlx's opt-out, exactly as it reads it: the file's very first bytes (case, spacing and all). */
export const SQLX_NO_TRANSACTION = NO_TRANSACTION_LINES.sqlx;
const PGWARDEN_DIRECTIVE = /^--\s*pgwarden:/m;

/**
 * One row per layout. The fields are what the readers (files.ts), lint (through each script's `transaction` and
 * `sentWhole`) and the reversibility rules (`downs`) use; the text fields say the same in words.
 */
export const LAYOUTS: Readonly<Record<LayoutName, Layout>> = {
  pgwarden: {
    name: 'pgwarden',
    runner: 'pgwarden migrate',
    recognise: 'NNNN_name.sql files with -- migrate:up / -- migrate:down (or none: the whole file is up)',
    recognises: () => true,
    unit: 'file',
    ordering:
      'version (the digits before the first _) by numeric segments: 1.9 < 1.10, timestamps as numbers',
    compare: byVersionThenEntry(compareVersions),
    identity: versionKey,
    pairing: 'sections',
    transaction: 'runner',
    transactionSpan: 'migration',
    optOut:
      "-- pgwarden:no-transaction (or dbmate's transaction:false) in the section: statement by statement, resumable",
    sends: 'one-string',
    downs: true,
    ignores: 'files that are not .sql, sub-folders',
  },
  dbmate: {
    name: 'dbmate',
    runner: 'dbmate',
    recognise:
      '-- migrate:up files in a folder dbmate owns: db/migrations (its default) or next to a schema.sql (its dump), without pgwarden directives',
    recognises: ({ dir, texts, siblings }) => {
      const sectioned = [...texts.values()].filter((t) => UP_MARKER.test(t));
      if (sectioned.length === 0 || sectioned.some((t) => PGWARDEN_DIRECTIVE.test(t))) return false;
      // pgwarden's own layout reads the same files (and honours transaction:false): only where dbmate keeps them
      return /(^|[\\/])db[\\/]migrations[\\/]?$/.test(dir) || siblings.includes('schema.sql');
    },
    unit: 'file',
    ordering: 'whole file name, byte order (9_x.sql after 20240101000000_y.sql)',
    compare: (a, b) => bytes(a.entry, b.entry),
    identity: (v) => v,
    pairing: 'sections',
    transaction: 'runner',
    transactionSpan: 'migration',
    optOut:
      '-- migrate:up transaction:false (exactly: no space, lower case; per section); a file may hold several up/down blocks, each run in its own transaction unless its directive opts out, downs in file order',
    sends: 'one-string',
    downs: true,
    ignores: 'files not matching ^\\d+.*\\.sql$, sub-folders',
  },
  'golang-migrate': {
    name: 'golang-migrate',
    runner: 'golang-migrate (postgres/pgx drivers)',
    recognise: 'N_title.up.ext / N_title.down.ext files',
    recognises: ({ entries }) => hasFile(entries, GOLANG_MIGRATE),
    unit: 'up-down-files',
    ordering: 'the number N (uint64: 0001 = 1)',
    compare: byNumber,
    identity: numberIdentity,
    pairing: 'by-version',
    transaction: 'none',
    transactionSpan: 'migration',
    optOut:
      'none per file (the file is one string: an implicit transaction unless it has its own BEGIN/COMMIT)',
    sends: 'one-string',
    downs: true,
    ignores: 'names not matching ^\\d+_.*\\.(up|down)\\..+$, sub-folders',
  },
  diesel: {
    name: 'diesel',
    runner: 'diesel migration run',
    recognise: 'one folder per migration with up.sql (down.sql, metadata.toml optional)',
    recognises: ({ entries }) => hasDir(entries, 'up.sql'),
    unit: 'directory',
    ordering:
      'the folder name up to the first _ with every - removed, compared as strings (byte order): 20170101000000_a before 2017-02-01-000000_b',
    compare: (a, b) => bytes(a.version, b.version) || bytes(a.entry, b.entry),
    identity: (v) => v,
    pairing: 'down.sql',
    transaction: 'runner',
    transactionSpan: 'migration',
    optOut:
      'metadata.toml run_in_transaction = false (a metadata.toml without the key counts as false; none or unreadable: true)',
    sends: 'one-string',
    downs: true,
    ignores: 'top-level files (README, stray .sql), entries starting with ., empty folders',
  },
  prisma: {
    name: 'prisma',
    runner: 'prisma migrate deploy',
    recognise: 'migration_lock.toml, or folders holding migration.sql',
    recognises: ({ entries }) =>
      entries.some((e) => e.kind === 'file' && e.name === 'migration_lock.toml') ||
      hasDir(entries, 'migration.sql'),
    unit: 'directory',
    ordering: 'whole folder name (String.localeCompare); equal timestamps are distinct migrations',
    compare: (a, b) => a.entry.localeCompare(b.entry),
    identity: (v) => v,
    pairing: 'none',
    transaction: 'none',
    transactionSpan: 'migration',
    optOut: 'none (the file is one string: an implicit transaction unless it has its own BEGIN/COMMIT)',
    sends: 'one-string',
    downs: false,
    ignores: 'files (migration_lock.toml, README), a down.sql beside migration.sql',
  },
  flyway: {
    name: 'flyway',
    runner: 'Flyway (community)',
    recognise:
      'V<version>__<description>.sql and R__<description>.sql (prefix case-sensitive), in the folder or its sub-folders',
    recognises: ({ entries }) =>
      hasFile(entries, FLYWAY_VERSIONED) ||
      hasFile(entries, FLYWAY_REPEATABLE) ||
      // versioned scripts kept in sub-folders only (one per release)
      entries.some(
        (e) =>
          e.kind === 'directory' && !e.name.startsWith('.') && e.inner?.some((n) => FLYWAY_VERSIONED.test(n)),
      ),
    unit: 'file',
    ordering:
      'version parts as integers (1.2.10 < 1.10; 1 = 1.0 = 01) across every sub-folder, then R__ repeatables by description',
    compare: (a, b) => {
      if (a.repeatable !== b.repeatable) return a.repeatable ? 1 : -1;
      if (a.repeatable) return bytes(a.name, b.name);
      return compareFlywayVersions(a.version, b.version);
    },
    identity: (v) => (v.startsWith('R__') ? v : versionKey(v)),
    pairing: 'none',
    transaction: 'detected',
    transactionSpan: 'migration',
    optOut:
      '<script>.conf with executeInTransaction=false|true; a script whose every statement PostgreSQL refuses in a transaction runs without one',
    sends: 'statements',
    downs: false,
    ignores:
      'U… undo files (Teams edition), names without V/R prefix (lower-case v included), files not ending .sql, hidden folders (it scans every other sub-folder)',
  },
  'node-pg-migrate': {
    name: 'node-pg-migrate',
    runner: 'node-pg-migrate',
    recognise: '.sql files with -- Up Migration / -- Down Migration',
    recognises: ({ texts }) => [...texts.values()].some((t) => NPM_UP.test(t) && !UP_MARKER.test(t)),
    unit: 'file',
    ordering:
      'the numeric prefix: 17 digits read as a UTC time in epoch ms, others as a number; ties by name (numeric)',
    compare: (a, b) =>
      nodePgMigrateTime(a.version) - nodePgMigrateTime(b.version) || nodePgTies(a.entry, b.entry),
    identity: (v) => v,
    pairing: 'sections',
    transaction: 'runner',
    transactionSpan: 'run',
    optOut:
      'none for SQL files (pgm.noTransaction() exists only in JS/TS migrations: in a single-transaction run it commits the run so far before that migration and begins anew after it); --no-single-transaction gives each migration its own transaction',
    sends: 'one-string',
    downs: true,
    ignores: 'names starting with . (pgwarden also skips JS/TS migrations, which it cannot read)',
  },
  goose: {
    name: 'goose',
    runner: 'goose (pressly/goose)',
    recognise: 'N_name.sql files with -- +goose Up (in any case)',
    recognises: ({ texts }) => [...texts.values()].some((t) => GOOSE_UP.test(t)),
    unit: 'file',
    ordering:
      'the number N before the first _ (int64, at least 1: 00002 = 2; sequential numbers before timestamps)',
    compare: byNumber,
    identity: numberIdentity,
    pairing: 'sections',
    transaction: 'runner',
    transactionSpan: 'migration',
    optOut:
      '-- +goose NO TRANSACTION anywhere in the file (any case): both directions run statement by statement, each on its own',
    sends: 'statements',
    downs: true,
    ignores:
      'Go migrations (N_name.go, registered in Go code), names without a numeric prefix (its CLI refuses such a .sql file), sub-folders',
  },
  sqlx: {
    name: 'sqlx',
    runner: 'sqlx (sqlx migrate run, sqlx::migrate!)',
    recognise:
      'N_name.sql or N_name.up.sql / .down.sql files of a crate that uses sqlx (a Cargo.toml naming sqlx beside the folder or its parent), or a file that starts with -- no-transaction',
    recognises: ({ texts, inCrate }) => {
      const named = [...texts.entries()].filter(([name]) => SQLX_NAME.test(name));
      if (named.length === 0) return false;
      // another runner's markers: its layout, not sqlx's
      if ([...texts.values()].some((t) => UP_MARKER.test(t) || NPM_UP.test(t))) return false;
      return named.some(([, text]) => text.startsWith(SQLX_NO_TRANSACTION)) || inCrate === true;
    },
    unit: 'file',
    ordering: 'the number N before the first _ (i64: 0001 = 1)',
    compare: byNumber,
    identity: numberIdentity,
    pairing: 'by-version',
    transaction: 'runner',
    transactionSpan: 'migration',
    optOut:
      "-- no-transaction as the file's very first bytes (exact spelling; per file: a .down.sql needs its own); the file is still one string",
    sends: 'one-string',
    downs: true,
    ignores:
      'names without an _ or not ending in .sql, sub-folders; a .sql name whose prefix is not a number stops sqlx (and pgwarden)',
  },
};

/** The order layouts are tried in: the most specific signatures first; pgwarden's own layout is the fallback. */
export const LAYOUT_DETECTION: readonly LayoutName[] = [
  'prisma',
  'diesel',
  'flyway',
  'goose',
  'sqlx',
  'golang-migrate',
  'node-pg-migrate',
  'dbmate',
  'pgwarden',
];

/** The layout of a folder from its entries and the text of its top-level .sql files. */
export function detectLayout(listing: FolderListing): LayoutName {
  return LAYOUT_DETECTION.find((name) => LAYOUTS[name].recognises(listing)) ?? 'pgwarden';
}

/**
 * The line a fix writes to take a migration of this layout out of its runner's transaction: the runner's own
 * option where it has one in the file, told as a comment where it lives elsewhere, else pgwarden's directive.
 */
export function noTransactionLine(layout: MigrationLayout): string {
  switch (layout) {
    case 'dbmate':
      return NO_TRANSACTION_LINES.dbmate;
    case 'goose':
      return NO_TRANSACTION_LINES.goose;
    case 'sqlx':
      return SQLX_NO_TRANSACTION;
    case 'diesel':
      return '-- diesel: a metadata.toml beside this up.sql with run_in_transaction = false';
    case 'flyway':
      return "-- Flyway: executeInTransaction=false in this script's .conf (or only such statements in the script)";
    default:
      return NO_TRANSACTION_LINES.pgwarden;
  }
}

/** Whether a migration of this layout can have a down (the reversibility model's fact). */
export function layoutHasDowns(layout: MigrationLayout): boolean {
  return layout === 'plain' ? LAYOUTS.pgwarden.downs : LAYOUTS[layout].downs;
}
