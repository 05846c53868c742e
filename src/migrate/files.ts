import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { LoadedConfig } from '../core/config.js';
import { PgwardenError } from '../core/errors.js';
import { asNode } from '../sql/ast.js';
import { type FileTextCache, readSqlSources, type SqlSource } from '../sql/files.js';
import { loadParser, parseSqlSync } from '../sql/parser.js';
import {
  detectLayout,
  FLYWAY_REPEATABLE,
  FLYWAY_VERSIONED,
  type FolderEntry,
  GOLANG_MIGRATE,
  GOOSE_ANNOTATION,
  GOOSE_UP,
  LAYOUTS,
  type Layout,
  type LayoutName,
  type MigrationLayout,
  NPM_UP,
  type OrderKey,
  SQLX_NAME,
  SQLX_NO_TRANSACTION,
  versionKey,
} from './layouts.js';

export type { LayoutName, MigrationLayout } from './layouts.js';
export { compareVersions } from './layouts.js';

/** One direction of a migration: its SQL, positioned exactly as in its file (other sections blanked out). */
export interface MigrationScript extends SqlSource {
  /**
   * It runs inside one transaction: the runner's (pgwarden's default; off with `-- pgwarden:no-transaction`, the
   * layout's own opt-out), or the implicit one PostgreSQL gives a multi-statement string when the layout's
   * runner sends the file whole without BEGIN (golang-migrate, Prisma…) and the file has no BEGIN/COMMIT of its own.
   */
  readonly transaction: boolean;
  /**
   * Outside the runner's transaction, the layout's runner still sends the file as one string: several statements
   * then run in an implicit transaction block (CONCURRENTLY fails there), COMMIT starting a new one.
   */
  readonly sentWhole?: boolean;
  /**
   * In the runner's transaction, what that transaction covers (the layout's `transactionSpan`): `run` when the
   * runner puts every pending migration of a run in one (node-pg-migrate); absent: this migration alone.
   */
  readonly transactionSpan?: 'migration' | 'run';
  /**
   * The transaction is not one the runner begins but the one PostgreSQL gives a string of several statements: the
   * runner sends the script as one string without BEGIN (golang-migrate, Prisma, or an opt-out such as sqlx's).
   */
  readonly implicitTransaction?: boolean;
  /** Where it belongs, when it was read from a migrations folder. */
  readonly migration?: {
    readonly dir: string;
    readonly version: string;
    readonly name: string;
    readonly layout: MigrationLayout;
  };
  /** The whole file (`text` has the other sections blanked out, at the same positions). */
  readonly fileText: string;
  /**
   * Where the layout's runner ends a statement by itself, as offsets in the file, when it splits the script
   * without parsing it: goose ends one at each line ending in `;` outside a StatementBegin … StatementEnd block.
   */
  readonly runnerCuts?: readonly number[];
}

export interface Migration {
  readonly version: string;
  readonly name: string;
  readonly layout: MigrationLayout;
  readonly up: MigrationScript;
  /** Null when the migration has no down section (it cannot be rolled back). */
  readonly down: MigrationScript | null;
}

/** A file or folder of a migrations folder that its runner does not run. */
export interface IgnoredEntry {
  readonly path: string;
  readonly reason: string;
}

/** A migrations folder read as its runner reads it. */
export interface MigrationFolder {
  readonly dir: string;
  readonly layout: LayoutName;
  /** In the runner's order. */
  readonly migrations: Migration[];
  /** What the runner ignores (READMEs, lock files, stray files…), each said once. */
  readonly ignored: IgnoredEntry[];
}

const UP_MARKER = /^--\s*migrate:up\b.*$/im;
const DOWN_MARKER = /^--\s*migrate:down\b.*$/im;
const NPM_DOWN = /^\s*--[\s-]*down\s+migration\b.*$/im;
const NO_TRANSACTION = /^--\s*pgwarden:no-transaction\b/im;
/** dbmate's option, exactly as dbmate reads it: `transaction:false` (no space, lower case) on the directive line. */
const DBMATE_NO_TRANSACTION = /(?:^|\s)transaction:false(?:\s|$)/;

/** Keeps [from, to) of the text and blanks the rest, line breaks kept, so positions stay those of the file. */
function keepRange(text: string, from: number, to: number): string {
  // line by line: a replace() of every character built a rope of millions of one-character pieces, 42 s of
  // garbage collection on a 50 MB migration
  const blank = (part: string) =>
    part
      .split('\n')
      .map((line) => ' '.repeat(line.length))
      .join('\n');
  return blank(text.slice(0, from)) + text.slice(from, to) + blank(text.slice(to));
}

interface Section {
  readonly text: string;
  readonly transaction: boolean;
  /** The section opts out of the runner's transaction with its runner's own option (dbmate's transaction:false). */
  readonly runnerOptOut: boolean;
  /** It has `-- pgwarden:no-transaction`. */
  readonly directive: boolean;
  /** See MigrationScript.runnerCuts. */
  readonly runnerCuts?: readonly number[];
}

interface Sections {
  readonly up: Section;
  readonly down: Section | null;
}

/** Writes `replacement` over the start of the line at `at` (the line must be as long): positions stay. */
function overwrite(text: string, at: number, replacement: string): string {
  return text.slice(0, at) + replacement + text.slice(at + replacement.length);
}

/**
 * dbmate's several `-- migrate:up … -- migrate:down …` pairs in one file: dbmate runs the up blocks in order, each in
 * its own transaction unless its directive says `transaction:false`, and the down blocks likewise, in file order.
 * pgwarden runs the file statement by statement, each transactional block between a BEGIN written over its
 * directive line and a COMMIT over the next directive line (or after the end): lint and the runner see exactly the
 * transactions dbmate opens.
 */
function dbmateBlocks(text: string): Sections | undefined {
  const ups = [...text.matchAll(new RegExp(UP_MARKER.source, 'gim'))];
  if (ups.length < 2) return undefined;
  const blocks = ups.map((up, i) => {
    const end = ups[i + 1]?.index ?? text.length;
    const down = new RegExp(DOWN_MARKER.source, 'im').exec(text.slice(up.index, end));
    return { up, end, down: down ? { ...down, index: up.index + down.index } : null };
  });
  // dbmate refuses a block without its down: read the file as one section, as before
  if (blocks.some((b) => b.down === null)) return undefined;
  const side = (which: 'up' | 'down'): Section => {
    let out = text
      .split('\n')
      .map((line) => ' '.repeat(line.length))
      .join('\n');
    let tail = '';
    for (const block of blocks) {
      const marker = which === 'up' ? block.up : block.down!;
      const from = marker.index;
      const to = which === 'up' ? block.down!.index : block.end;
      out = out.slice(0, from) + text.slice(from, to) + out.slice(to);
      const optOut = DBMATE_NO_TRANSACTION.test(marker[0].replace(/^--\s*migrate:(up|down)/i, ''));
      if (optOut || NO_TRANSACTION.test(text.slice(from, to))) continue;
      out = overwrite(out, from, 'BEGIN;'.padEnd(marker[0].length));
      if (to < text.length) out = overwrite(out, to, 'COMMIT;');
      else tail = '\nCOMMIT;';
    }
    return { text: out + tail, transaction: false, runnerOptOut: true, directive: true };
  };
  return { up: side('up'), down: side('down') };
}

/** Splits a file with `-- migrate:up` / `-- migrate:down` (or node-pg-migrate's) markers into its sections. */
export function splitSections(text: string): Sections | undefined {
  const up = UP_MARKER.exec(text) ?? NPM_UP.exec(text);
  if (!up) return undefined;
  const dbmate = /migrate:/i.test(up[0]);
  const section = (header: string, from: number, to: number): Section => {
    const runnerOptOut = dbmate && DBMATE_NO_TRANSACTION.test(header.replace(/^--\s*migrate:(up|down)/i, ''));
    const directive = NO_TRANSACTION.test(text.slice(from, to));
    return {
      text: keepRange(text, from, to),
      transaction: !runnerOptOut && !directive,
      runnerOptOut,
      directive,
    };
  };
  if (dbmate) {
    const blocks = dbmateBlocks(text);
    if (blocks) return blocks;
  }
  const down = (dbmate ? DOWN_MARKER : NPM_DOWN).exec(text);
  const upStart = up.index;
  // node-pg-migrate also reads a Down Migration written before the Up: it runs up to the Up marker
  if (!dbmate && down && down.index < upStart) {
    return { up: section(up[0], upStart, text.length), down: section(down[0], down.index, upStart) };
  }
  const downStart = down && down.index > upStart ? down.index : -1;
  const upEnd = downStart >= 0 ? downStart : text.length;
  return {
    up: section(up[0], upStart, upEnd),
    down: downStart >= 0 ? section(down![0], downStart, text.length) : null,
  };
}

/**
 * A goose file's sections as goose reads them: the up from `-- +goose Up` to `-- +goose Down` (or the end), the down
 * after it; `-- +goose NO TRANSACTION`, wherever it stands, takes both out of goose's transaction, and goose then runs
 * each statement on its own, except that a `StatementBegin … StatementEnd` block is sent as one string: when it
 * holds several statements they share PostgreSQL's implicit transaction, written as a BEGIN over its StatementBegin
 * line and a COMMIT over its StatementEnd line (positions kept), so that lint and pgwarden's runner see it. A
 * StatementEnd line ends the block's last statement for goose even without a `;`: a `;` is written over it.
 */
export function gooseSections(text: string): Sections | undefined {
  const annotations = gooseAnnotations(text);
  const up = annotations.find((a) => a.word === 'up');
  if (!up) return undefined;
  const down = annotations.find((a) => a.word === 'down' && a.at > up.at);
  const noTransaction = annotations.some((a) => a.word === 'no transaction');
  const blocks = gooseBlocks(text, annotations);
  const section = (from: number, to: number): Section => {
    let kept = keepRange(text, from, to);
    for (const { begin, close } of blocks.filter((b) => b.start >= from && b.start < to)) {
      // goose ends the block's last statement at StatementEnd, `;` or not: so does the `;` written over it
      const oneString =
        noTransaction && factsOf(text.slice(begin.at + begin.length, close.at)).statements > 1;
      if (oneString) kept = overwrite(kept, begin.at, 'BEGIN;'.padEnd(begin.length));
      kept = overwrite(kept, close.at, (oneString ? ';COMMIT;' : ';').padEnd(close.length));
    }
    return {
      text: kept,
      transaction: !noTransaction,
      runnerOptOut: noTransaction,
      directive: NO_TRANSACTION.test(text.slice(from, to)),
      runnerCuts: gooseCuts(text, from, to, blocks),
    };
  };
  return {
    up: section(up.at, down ? down.at : text.length),
    down: down ? section(down.at, text.length) : null,
  };
}

/** One `-- +goose …` annotation line: its word (lower case), where it starts and its length (line break left out). */
interface GooseAnnotation {
  readonly word: string;
  readonly at: number;
  readonly length: number;
}

function gooseAnnotations(text: string): GooseAnnotation[] {
  return [...text.matchAll(GOOSE_ANNOTATION)].map((m) => ({
    word: m[1]!.toLowerCase(),
    at: m.index,
    length: m[0].length,
  }));
}

/** A StatementBegin … StatementEnd block: from the start of its Begin line to the end of its End line. */
interface GooseBlock {
  readonly start: number;
  readonly end: number;
  readonly begin: GooseAnnotation;
  readonly close: GooseAnnotation;
}

/** goose's StatementBegin … StatementEnd blocks of a file, in order. */
export function gooseBlocks(text: string, annotations = gooseAnnotations(text)): GooseBlock[] {
  const blocks: GooseBlock[] = [];
  let begin: GooseAnnotation | undefined;
  for (const annotation of annotations) {
    if (annotation.word === 'statementbegin') begin = annotation;
    else if (annotation.word === 'statementend' && begin) {
      blocks.push({ start: begin.at, end: annotation.at + annotation.length, begin, close: annotation });
      begin = undefined;
    }
  }
  return blocks;
}

/**
 * Where goose ends statements in [from, to) of a file: at the end of each line whose last word (before a word
 * starting with `--`) ends in `;`, outside StatementBegin … StatementEnd blocks, blind to quotes and dollar-quoted
 * bodies; an annotation line starts with `--`, so it ends nothing. (pressly/goose, internal/sqlparser/parser.go:
 * endsWithSemicolon.)
 */
export function gooseCuts(text: string, from = 0, to = text.length, blocks = gooseBlocks(text)): number[] {
  const cuts: number[] = [];
  let start = from;
  while (start < to) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 || newline > to ? to : newline;
    if (!blocks.some((block) => block.start <= start && start < block.end)) {
      const words = text
        .slice(start, end)
        .split(/\s+/)
        .filter((word) => word !== '');
      const comment = words.findIndex((word) => word.startsWith('--'));
      const last = (comment < 0 ? words : words.slice(0, comment)).at(-1);
      if (last?.endsWith(';')) cuts.push(end);
    }
    start = end + 1;
  }
  return cuts;
}

/** The statements Flyway's parser marks as not runnable in a transaction (it then runs the script without one). */
const FLYWAY_NON_TRANSACTIONAL =
  /^(?:CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY|DROP\s+INDEX\s+CONCURRENTLY|CREATE\s+DATABASE|DROP\s+DATABASE|CREATE\s+TABLESPACE|DROP\s+TABLESPACE|CREATE\s+SUBSCRIPTION|DROP\s+SUBSCRIPTION|ALTER\s+SYSTEM|REINDEX\s+(?:\([^)]*\)\s*)?(?:SCHEMA|DATABASE|SYSTEM)|VACUUM|DISCARD\s+ALL)\b/i;
/** Others PostgreSQL refuses in a transaction block. */
const ALSO_REFUSED_IN_BLOCK =
  /^(?:REINDEX\b[\s\S]*\bCONCURRENTLY\b|ALTER\s+TABLE\b[\s\S]*\bDETACH\s+PARTITION\b[\s\S]*\bCONCURRENTLY\b|ALTER\s+DATABASE\b[\s\S]*\bSET\s+TABLESPACE\b)/i;

/** What the runner's way of sending a script needs to know of it. */
interface ScriptFacts {
  /** Top-level statements. */
  readonly statements: number;
  /** It has its own BEGIN / COMMIT / ROLLBACK … */
  readonly ownTransactionControl: boolean;
  /** Every statement is one Flyway runs without a transaction. */
  readonly flywayNonTransactional: boolean;
  /** Every statement is one PostgreSQL refuses in a transaction block. */
  readonly refusedInBlock: boolean;
}

function factsOf(text: string): ScriptFacts {
  const parsed = parseSqlSync(text);
  const statements = parsed.statements;
  const texts = statements.map((s) => s.text.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*/, ''));
  const all = (test: (text: string) => boolean) =>
    texts.length > 0 && parsed.syntaxErrors.length === 0 && texts.every(test);
  return {
    statements: statements.length + parsed.syntaxErrors.length,
    ownTransactionControl: statements.some((s) => asNode(s.ast, 'TransactionStmt') !== undefined),
    flywayNonTransactional: all((t) => FLYWAY_NON_TRANSACTIONAL.test(t)),
    refusedInBlock: all((t) => FLYWAY_NON_TRANSACTIONAL.test(t) || ALSO_REFUSED_IN_BLOCK.test(t)),
  };
}

/**
 * How the layout's runner runs a script (LAYOUTS' `transaction` and `sends`): `runnerOptOut` is the script's own
 * opt-out in its runner's syntax (true: off, false: on, undefined: the layout's default).
 */
function transactionOf(
  layout: Layout,
  text: string,
  options: { directive: boolean; runnerOptOut?: boolean },
): { transaction: boolean; sentWhole: boolean; transactionSpan?: 'run'; implicit?: true } {
  if (options.directive) return { transaction: false, sentWhole: false };
  const runnerBegins =
    options.runnerOptOut !== undefined
      ? !options.runnerOptOut
      : layout.transaction === 'runner'
        ? true
        : layout.transaction === 'detected'
          ? !factsOf(text).flywayNonTransactional
          : false;
  if (runnerBegins)
    return {
      transaction: true,
      sentWhole: layout.sends === 'one-string',
      ...(layout.transactionSpan === 'run' ? { transactionSpan: 'run' as const } : {}),
    };
  if (layout.sends === 'statements') return { transaction: false, sentWhole: false };
  // one simple-query string without BEGIN: an implicit transaction when it holds several statements, unless it
  // manages transactions itself (pgwarden then runs it statement by statement, honouring its BEGIN/COMMIT); a
  // single statement runs alone, which pgwarden does in a transaction of its own with the history row (the same
  // effect) unless PostgreSQL refuses it in one (CREATE INDEX CONCURRENTLY…)
  const facts = factsOf(text);
  if (facts.ownTransactionControl) return { transaction: false, sentWhole: true };
  return {
    transaction: facts.statements > 1 || !facts.refusedInBlock,
    sentWhole: true,
    ...(facts.statements > 1 ? { implicit: true as const } : {}),
  };
}

function script(
  source: SqlSource,
  text: string,
  run: { transaction: boolean; sentWhole: boolean; transactionSpan?: 'run'; implicit?: true },
): MigrationScript {
  return {
    file: source.file,
    text,
    transaction: run.transaction,
    sentWhole: run.sentWhole,
    ...(run.transactionSpan ? { transactionSpan: run.transactionSpan } : {}),
    ...(run.implicit ? { implicitTransaction: true } : {}),
    fileText: source.text,
  };
}

/** A script of a file read whole (no sections), run as the layout runs it. */
function wholeScript(layout: Layout, source: SqlSource, runnerOptOut?: boolean): MigrationScript {
  return script(
    source,
    source.text,
    transactionOf(layout, source.text, {
      directive: NO_TRANSACTION.test(source.text),
      ...(runnerOptOut !== undefined ? { runnerOptOut } : {}),
    }),
  );
}

function sectionScript(layout: Layout, source: SqlSource, section: Section): MigrationScript {
  // pgwarden's own layout reads dbmate's transaction:false as its own directive (statement by statement)
  const own = layout.name === 'pgwarden';
  const made = script(
    source,
    section.text,
    transactionOf(layout, section.text, {
      directive: section.directive || (own && section.runnerOptOut),
      ...(section.runnerOptOut ? { runnerOptOut: true } : {}),
    }),
  );
  return section.runnerCuts ? { ...made, runnerCuts: section.runnerCuts } : made;
}

/**
 * diesel's metadata.toml: `run_in_transaction = false` turns the transaction off; a file without the key also
 * does (diesel's serde default for a bool), a missing or unreadable file leaves it on.
 */
export function dieselRunsInTransaction(toml: string | undefined): boolean {
  if (toml === undefined) return true;
  let value: boolean | undefined;
  for (const raw of toml.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (line === '' || line.startsWith('#') || /^\[[^\]]+\]$/.test(line)) continue;
    const pair = /^([A-Za-z0-9_-]+|"[^"]*")\s*=\s*(.+)$/.exec(line);
    if (!pair) return true; // not TOML: diesel falls back to its default
    if (pair[1] === 'run_in_transaction') {
      if (pair[2] !== 'true' && pair[2] !== 'false') return true;
      value = pair[2] === 'true';
    }
  }
  return value ?? false;
}

/** Flyway's script configuration (`V4__x.sql.conf`): `executeInTransaction`, or undefined when not set. */
export function flywayExecuteInTransaction(conf: string | undefined): boolean | undefined {
  if (conf === undefined) return undefined;
  const match = /^\s*executeInTransaction\s*=\s*(true|false)\s*$/im.exec(conf);
  return match ? match[1]!.toLowerCase() === 'true' : undefined;
}

/**
 * The project's migrations folder: `dir` when one is given (relative to `base`, by default the project's folder),
 * else the config's `migrations.dir`, relative to the project.
 */
export function migrationsFolder(config: LoadedConfig, dir?: string, base: string = config.dir): string {
  return dir !== undefined ? resolve(base, dir) : resolve(config.dir, config.config.migrations.dir);
}

/** One migration before its files are read: how it sorts, and how it is built from its files. */
interface Candidate {
  readonly key: OrderKey;
  readonly files: readonly string[];
  /** What `build` reads besides the files' texts (a runner's settings file): a watch session rebuilds on a change. */
  readonly depends?: readonly unknown[];
  readonly build: (
    source: (path: string) => SqlSource,
  ) => Omit<Migration, 'layout'> & { layout?: MigrationLayout };
}

function listOrNothing(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

const VERSIONED = /^(\d[\d._-]*?)_(.+)$/;
const readText = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);

export interface ReadFolderOptions {
  readonly layout?: LayoutName;
  /** Texts read before (a watch session): files unchanged since are not read again. */
  readonly cache?: FileTextCache;
}

/**
 * Reads a migrations folder as its runner does (see LAYOUTS): pgwarden's own layout (`NNNN_name.sql` with
 * `-- migrate:up` / `-- migrate:down`, or plain files), dbmate, golang-migrate (`N_x.up.sql` / `N_x.down.sql`),
 * diesel (`NAME/up.sql`, `down.sql`, `metadata.toml`), Prisma (`NAME/migration.sql`), Flyway (`V1__x.sql`,
 * `R__x.sql`), node-pg-migrate (`-- Up Migration`), goose (`-- +goose Up`) and sqlx (`N_x.sql`, `N_x.up.sql`). The layout is `options.layout`, or detected. Migrations come
 * in the runner's order; what the runner ignores is listed in `ignored`, never an error.
 */
export async function readMigrationFolder(
  dir: string,
  options: ReadFolderOptions = {},
): Promise<MigrationFolder> {
  return (await readFolder(dir, options)).folder;
}

/** A folder read, with what a watch session needs to read again only the files that changed. */
interface FolderRead {
  readonly folder: MigrationFolder;
  readonly entries: readonly FolderEntry[];
  /** The top-level .sql files' texts, by name (what the layout is detected from). */
  readonly texts: ReadonlyMap<string, string>;
  readonly siblings: readonly string[];
  /** In the runner's order, as `folder.migrations`. */
  readonly candidates: readonly Candidate[];
  /** Every file read, by path. */
  readonly sources: ReadonlyMap<string, SqlSource>;
}

async function readFolder(dir: string, options: ReadFolderOptions): Promise<FolderRead> {
  const facts = folderFacts(dir);
  if (!facts)
    throw new PgwardenError('input', `no migrations folder at ${dir}`, {
      hint: 'pass the folder that holds the migration files',
    });
  const { entries, siblings } = facts;
  const sqlFiles = entries.filter(
    (e) => e.kind === 'file' && /\.sql$/i.test(e.name) && !e.name.startsWith('.'),
  );
  const texts = new Map(
    (
      await readSqlSources(
        sqlFiles.map((e) => join(dir, e.name)),
        options.cache,
      )
    ).map((s) => [basename(s.file), s.text]),
  );
  const layoutName = options.layout ?? detectLayout({ dir: resolve(dir), ...facts, texts });
  const layout = LAYOUTS[layoutName];
  await loadParser();

  const ignored: IgnoredEntry[] = [];
  const ignore = (name: string, reason: string) => ignored.push({ path: join(dir, name), reason });
  const candidates = READERS[layoutName](dir, entries, texts, ignore);

  // duplicates: one identity, one migration (as every runner requires)
  const seen = new Map<string, Candidate>();
  for (const candidate of candidates) {
    const key = layout.identity(candidate.key.version);
    const other = seen.get(key);
    if (other) {
      const same =
        other.key.version === candidate.key.version
          ? ''
          : ` (${other.key.version} and ${candidate.key.version} are the same number)`;
      throw new PgwardenError(
        'input',
        `two migrations have version ${candidate.key.version}${same}: ${join(dir, other.key.entry)} and ${join(dir, candidate.key.entry)}`,
        { hint: 'each migration needs its own version' },
      );
    }
    seen.set(key, candidate);
  }
  candidates.sort((a, b) => layout.compare(a.key, b.key));
  const sources = new Map<string, SqlSource>();
  for (const [name, text] of texts) sources.set(join(dir, name), { file: join(dir, name), text });
  const wanted = [...new Set(candidates.flatMap((c) => c.files))].filter((f) => !sources.has(f));
  for (const read of await readSqlSources(wanted, options.cache)) sources.set(read.file, read);
  const source = (path: string): SqlSource => sources.get(path) ?? { file: path, text: '' };
  const migrations = candidates.map((candidate) =>
    buildMigration(dir, layoutName, candidate, source, options.cache),
  );
  return {
    folder: { dir, layout: layoutName, migrations, ignored },
    entries,
    texts,
    siblings,
    candidates,
    sources,
  };
}

/** What readMigrationScript learns of a folder, kept for the other files of one lint that are in it. */
export interface FolderFacts {
  readonly entries: readonly FolderEntry[];
  readonly siblings: readonly string[];
  readonly inCrate: boolean;
  /** The candidates of the layouts whose reader goes by names alone, by layout. */
  readonly candidates: Map<LayoutName, Candidate[] | null>;
}

/** The layouts whose readers go by the folder's names alone (their candidates hold for every file of it). */
const BY_NAMES: ReadonlySet<LayoutName> = new Set(['diesel', 'prisma', 'golang-migrate', 'sqlx', 'flyway']);

/**
 * One migration file read on its own (`pgwarden lint path/to/file.sql`), as its folder's runner runs it: the
 * folder's layout, detected from its entries and this file's text (the other files are not read: a one-file lint
 * stays quick), and the migration built from its own files; the up, or the down when `path` is the down's file.
 * Undefined for a file of pgwarden's own layout or a loose SQL file: read as itself. Diesel's and Prisma's files
 * are one folder deeper (their migrations folder is the file's grandparent); Flyway's are taken only by their
 * names (its reader walks every sub-folder). `folders` keeps what was learnt of a folder for the next file in it.
 */
export async function readMigrationScript(
  path: string,
  cache?: FileTextCache,
  folders: Map<string, FolderFacts> = new Map(),
): Promise<MigrationScript | undefined> {
  const wanted = resolve(path);
  const name = basename(path);
  const [own] = await readSqlSources([path], cache);
  const dirs = /^(up|down|migration)\.sql$/.test(name)
    ? [dirname(path), dirname(dirname(path))]
    : [dirname(path)];
  for (const dir of dirs) {
    const facts = folderFacts(dir, folders);
    if (!facts) continue;
    const texts = new Map(dir === dirname(path) ? [[name, own!.text]] : []);
    const layoutName = detectLayout({ dir: resolve(dir), ...facts, texts });
    if (layoutName === 'pgwarden') continue;
    if (layoutName === 'flyway' && !FLYWAY_VERSIONED.test(name) && !FLYWAY_REPEATABLE.test(name)) continue;
    let candidates = BY_NAMES.has(layoutName) ? facts.candidates.get(layoutName) : undefined;
    if (candidates === undefined) {
      try {
        candidates = READERS[layoutName](dir, facts.entries, texts, () => {});
      } catch {
        // the runner would refuse the folder (two files of one version…): the folder's own lint says so
        candidates = null;
      }
      if (BY_NAMES.has(layoutName)) facts.candidates.set(layoutName, candidates);
    }
    const candidate = candidates?.find((c) => c.files.some((file) => resolve(file) === wanted));
    if (!candidate) continue;
    await loadParser();
    const sources = new Map((await readSqlSources(candidate.files, cache)).map((s) => [s.file, s]));
    const source = (file: string): SqlSource => sources.get(file) ?? { file, text: '' };
    const migration = buildMigration(dir, layoutName, candidate, source, cache);
    // a file of up and down sections is its up; a down file of its own (golang-migrate, sqlx…) is its down
    return migration.down && resolve(migration.up.file) !== wanted ? migration.down : migration.up;
  }
  return undefined;
}

/** A folder's listing and what lies around it (undefined when it cannot be listed), kept in `folders`. */
function folderFacts(dir: string, folders?: Map<string, FolderFacts>): FolderFacts | undefined {
  const known = folders?.get(resolve(dir));
  if (known) return known;
  let dirents: import('node:fs').Dirent[];
  // synchronous, as the files are read (sql/files.ts): a local folder, listed faster than an await comes back
  try {
    dirents = readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  const facts = {
    entries: entriesOf(dir, dirents),
    siblings: siblingsOf(dir),
    inCrate: inCrate(dir),
    candidates: new Map(),
  };
  folders?.set(resolve(dir), facts);
  return facts;
}

/** The folder's entries, sorted by name (byte order), each folder with the names inside it. */
function entriesOf(dir: string, dirents: import('node:fs').Dirent[]): FolderEntry[] {
  dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return dirents.map((d) =>
    d.isDirectory()
      ? { name: d.name, kind: 'directory' as const, inner: listOrNothing(join(dir, d.name)) }
      : { name: d.name, kind: 'file' as const },
  );
}

function siblingsOf(dir: string): string[] {
  return listOrNothing(dirname(resolve(dir)));
}

/** The file starts with a UTF-8 byte-order mark (read from its bytes: decoding drops it). */
function startsWithBom(path: string): boolean {
  try {
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(3);
      return readSync(fd, head, 0, 3, 0) === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/**
 * A Cargo.toml that names sqlx, next to the folder or next to its parent: the folder is a sqlx crate's migrations
 * (a crate that does not use sqlx may keep golang-migrate's or another runner's files).
 */
function inCrate(dir: string): boolean {
  const parent = dirname(resolve(dir));
  return [parent, dirname(parent)].some((at) => /\bsqlx\b/.test(readText(join(at, 'Cargo.toml')) ?? ''));
}

function buildMigration(
  dir: string,
  layoutName: LayoutName,
  candidate: Candidate,
  source: (path: string) => SqlSource,
  cache: FileTextCache | undefined,
): Migration {
  const build = (): Migration => {
    const built = candidate.build(source);
    const migration: Migration = { ...built, layout: built.layout ?? layoutName };
    const where = { dir, version: migration.version, name: migration.name, layout: migration.layout };
    return {
      ...migration,
      up: { ...migration.up, migration: where },
      down: migration.down ? { ...migration.down, migration: where } : null,
    };
  };
  // a watch session builds a migration again only when its files' texts (or what else it reads) changed
  return cache
    ? cache.memo(
        JSON.stringify([layoutName, dir, candidate.key, candidate.files]),
        [...candidate.files.map((file) => source(file).text), ...(candidate.depends ?? [])],
        build,
      )
    : build();
}

/** The folder's inode, modification and change times: they change when a name in it is added, removed or renamed. */
function folderStamp(dir: string): string | undefined {
  try {
    const info = statSync(dir, { bigint: true });
    return `${info.ino}:${info.mtimeNs}:${info.ctimeNs}`;
  } catch {
    return undefined;
  }
}

/**
 * A migrations folder that a watch session reads after every change. `read()` reads it as readMigrationFolder
 * does (files unchanged since the last read taken from the cache). `reread(files)` is for a caller that knows only
 * the contents of `files` changed since (its file watcher saw no name added, removed or renamed, no other file
 * changed): it reads those files alone and builds their migrations again, reusing everything else. It gives
 * undefined, and the caller calls read(), whenever it cannot be sure of giving what read() would: a file that is
 * not one of a migration's (a runner's settings file such as a Flyway `.conf` or diesel's metadata.toml, a file
 * the runner ignores, a name it does not know), a file it cannot read, a new text that would change the layout
 * or whether the runner takes the file, or a folder whose names are no longer those it read.
 */
export class WatchedMigrationFolder {
  readonly #dir: string;
  readonly #options: ReadFolderOptions & { readonly cache: FileTextCache };
  #read: FolderRead | undefined;
  #stamp: string | undefined;
  /** Each migration file, by its path as read → the indexes of the migrations it is read for (made on a reread). */
  #byPath: Map<string, number[]> | undefined;

  constructor(dir: string, options: ReadFolderOptions & { readonly cache: FileTextCache }) {
    this.#dir = dir;
    this.#options = options;
  }

  async read(): Promise<MigrationFolder> {
    this.#read = undefined;
    // taken before listing: a change while it reads makes the next reread() compare the names
    const stamp = folderStamp(this.#dir);
    const read = await readFolder(this.#dir, this.#options);
    this.#byPath = undefined;
    this.#read = read;
    this.#stamp = stamp;
    return read.folder;
  }

  reread(files: readonly string[]): MigrationFolder | undefined {
    const read = this.#read;
    const dir = this.#dir;
    if (!read || !this.#sameNames(read)) return undefined;
    if (!this.#byPath) {
      this.#byPath = new Map();
      for (const [index, candidate] of read.candidates.entries())
        for (const path of candidate.files)
          this.#byPath.set(path, [...(this.#byPath.get(path) ?? []), index]);
    }
    // each file by its path as read (the folder as given, then the path inside it)
    const paths = files.map((file) => join(dir, relative(resolve(dir), resolve(file))));
    const indexes = paths.map((path) => this.#byPath!.get(path));
    if (indexes.some((i) => i === undefined)) return undefined;
    const changed = new Map<string, string>();
    try {
      for (const path of paths) changed.set(path, this.#options.cache.reread(path));
    } catch {
      return undefined;
    }
    const layoutName = read.folder.layout;
    const texts = new Map(read.texts);
    for (const [path, text] of changed) {
      if (!takesText(layoutName, text)) return undefined;
      const name = basename(path);
      if (join(dir, name) === path && texts.has(name)) texts.set(name, text);
    }
    const siblings = siblingsOf(dir);
    if (
      this.#options.layout === undefined &&
      detectLayout({ dir: resolve(dir), entries: read.entries, texts, siblings, inCrate: inCrate(dir) }) !==
        layoutName
    )
      return undefined;
    const sources = new Map(read.sources);
    for (const [path, text] of changed) sources.set(path, { file: path, text });
    const source = (path: string): SqlSource => sources.get(path) ?? { file: path, text: '' };
    const migrations = [...read.folder.migrations];
    for (const index of new Set(indexes.flat() as number[]))
      migrations[index] = buildMigration(
        dir,
        layoutName,
        read.candidates[index]!,
        source,
        this.#options.cache,
      );
    const folder = { ...read.folder, migrations };
    this.#read = { ...read, folder, texts, siblings, sources };
    return folder;
  }

  /** The folder holds the names it held when read (checked only when its stamp says it was written to since). */
  #sameNames(read: FolderRead): boolean {
    const stamp = folderStamp(this.#dir);
    if (stamp !== undefined && stamp === this.#stamp) return true;
    let now: FolderEntry[];
    try {
      now = entriesOf(this.#dir, readdirSync(this.#dir, { withFileTypes: true }));
    } catch {
      return false;
    }
    const same =
      now.length === read.entries.length &&
      now.every((entry, i) => {
        const was = read.entries[i]!;
        return (
          entry.name === was.name &&
          entry.kind === was.kind &&
          (entry.inner ?? []).join('\0') === (was.inner ?? []).join('\0')
        );
      });
    if (same) this.#stamp = stamp;
    return same;
  }
}

/** The migrations of a folder, in its runner's order (see readMigrationFolder). */
export async function readMigrations(dir: string, options: ReadFolderOptions = {}): Promise<Migration[]> {
  return (await readMigrationFolder(dir, options)).migrations;
}

/**
 * Whether the layout's reader takes a file with this text as a migration: dbmate refuses a file without
 * `-- migrate:up`, goose one without `-- +goose Up`; every other reader goes by names alone. (A watch session reads a changed file again on its own
 * only while this answer stays.)
 */
function takesText(layout: LayoutName, text: string): boolean {
  if (layout === 'goose') return GOOSE_UP.test(text);
  return layout !== 'dbmate' || UP_MARKER.test(text);
}

type Reader = (
  dir: string,
  entries: readonly FolderEntry[],
  texts: ReadonlyMap<string, string>,
  ignore: (name: string, reason: string) => void,
) => Candidate[];

/** Reads the files of pgwarden's own layout, dbmate's and node-pg-migrate's: one file per migration. */
function sectionFiles(name: LayoutName): Reader {
  const layout = LAYOUTS[name];
  return (dir, entries, texts, ignore) => {
    const candidates: Candidate[] = [];
    for (const entry of entries) {
      if (entry.kind === 'directory') {
        ignore(entry.name, `a folder: ${layout.runner} reads only the files of the migrations folder`);
        continue;
      }
      const text = texts.get(entry.name);
      if (text === undefined) {
        ignore(entry.name, `not a .sql migration (${layout.runner} ignores it)`);
        continue;
      }
      const stem = entry.name.replace(/\.sql$/i, '');
      let version: string;
      let label: string;
      if (name === 'dbmate') {
        const digits = /^(\d+)(.*)$/.exec(stem);
        if (!digits) {
          ignore(entry.name, 'dbmate reads only files whose name starts with digits');
          continue;
        }
        if (!takesText(name, text)) {
          ignore(entry.name, 'no -- migrate:up section: dbmate refuses this file');
          continue;
        }
        version = digits[1]!;
        label = digits[2]!.replace(/^[_-]/, '') || stem;
      } else if (name === 'node-pg-migrate') {
        const digits = /^(\d+)[_-]?(.*)$/.exec(stem);
        if (!digits) {
          ignore(entry.name, 'node-pg-migrate orders files by their numeric prefix: this one has none');
          continue;
        }
        version = digits[1]!;
        label = digits[2] || stem;
      } else {
        [version, label] = (VERSIONED.exec(stem)?.slice(1) ?? [stem, stem]) as [string, string];
      }
      candidates.push(
        sectionCandidate(
          layout,
          join(dir, entry.name),
          { version, entry: entry.name, name: label },
          {
            split: splitSections,
            whole: name === 'pgwarden' ? 'plain' : name,
            // pgwarden's own layout reads a node-pg-migrate file among its own as node-pg-migrate's
            sectioned: (text) =>
              name === 'pgwarden' && !UP_MARKER.test(text) ? 'node-pg-migrate' : undefined,
          },
        ),
      );
    }
    return candidates;
  };
}

/**
 * One migration of one file split into sections (`split`), or read whole (as layout `whole`) when it has none;
 * `sectioned` names another layout for a file whose sections are that layout's.
 */
function sectionCandidate(
  layout: Layout,
  path: string,
  key: OrderKey,
  how: {
    readonly split: (text: string) => Sections | undefined;
    readonly whole: MigrationLayout;
    readonly sectioned?: (text: string) => MigrationLayout | undefined;
  },
): Candidate {
  const { version, name } = key;
  return {
    key,
    files: [path],
    build: (source) => {
      const file = source(path);
      const sections = how.split(file.text);
      if (!sections) return { version, name, layout: how.whole, up: wholeScript(layout, file), down: null };
      const other = how.sectioned?.(file.text);
      return {
        version,
        name,
        ...(other ? { layout: other } : {}),
        up: sectionScript(layout, file, sections.up),
        down: sections.down ? sectionScript(layout, file, sections.down) : null,
      };
    },
  };
}

const READERS: Record<LayoutName, Reader> = {
  pgwarden: sectionFiles('pgwarden'),
  dbmate: sectionFiles('dbmate'),
  'node-pg-migrate': (dir, entries, texts, ignore) =>
    sectionFiles('node-pg-migrate')(
      dir,
      entries.filter((e) => {
        if (!e.name.startsWith('.') && !/\.(c|m)?(js|ts)$/.test(e.name)) return true;
        ignore(
          e.name,
          e.name.startsWith('.')
            ? 'node-pg-migrate ignores names starting with .'
            : 'a JavaScript/TypeScript migration: pgwarden reads only SQL migrations',
        );
        return false;
      }),
      texts,
      ignore,
    ),

  'golang-migrate': (dir, entries, _texts, ignore) => {
    const layout = LAYOUTS['golang-migrate'];
    const byVersion = new Map<string, { version: string; up?: string; down?: string; title: string }>();
    for (const entry of entries) {
      const match = entry.kind === 'file' ? GOLANG_MIGRATE.exec(entry.name) : null;
      if (!match) {
        ignore(entry.name, 'golang-migrate reads only N_title.up.ext / N_title.down.ext files');
        continue;
      }
      const [, digits, title, direction] = match;
      const id = BigInt(digits!).toString();
      const item = byVersion.get(id) ?? { version: digits!, title: title! };
      if (item[direction as 'up' | 'down']) {
        throw new PgwardenError(
          'input',
          `two ${direction} migrations have version ${id}: ${join(dir, item[direction as 'up' | 'down']!)} and ${join(dir, entry.name)}`,
          {
            hint: 'golang-migrate refuses this folder too: each version needs one up and at most one down file',
          },
        );
      }
      item[direction as 'up' | 'down'] = entry.name;
      if (direction === 'up') item.title = title!;
      byVersion.set(id, item);
    }
    return [...byVersion.values()].map((item) => {
      const upName = item.up ?? item.down!.replace(/\.down\.([^.]+)$/, '.up.$1');
      const upPath = join(dir, upName);
      const downPath = item.down ? join(dir, item.down) : undefined;
      return {
        key: { version: item.version, entry: upName, name: item.title },
        files: [...(item.up ? [upPath] : []), ...(downPath ? [downPath] : [])],
        build: (source) => {
          // a version with only a down file has an empty up (golang-migrate records it and runs nothing)
          const up = item.up ? source(upPath) : { file: upPath, text: '' };
          return {
            version: item.version,
            name: item.title,
            up: wholeScript(layout, up),
            down: downPath ? wholeScript(layout, source(downPath)) : null,
          };
        },
      };
    });
  },

  goose: (dir, entries, texts, ignore) => {
    const layout = LAYOUTS.goose;
    const candidates: Candidate[] = [];
    for (const entry of entries) {
      if (entry.kind === 'directory') {
        ignore(entry.name, 'a folder: goose reads only the files of the migrations folder');
        continue;
      }
      const named = /^(\d+)_.*\.(sql|go)$/i.exec(entry.name);
      if (named?.[2]?.toLowerCase() === 'go') {
        ignore(entry.name, 'a Go migration: pgwarden reads only SQL migrations');
        continue;
      }
      const text = texts.get(entry.name);
      if (text === undefined) {
        ignore(entry.name, 'not a .sql migration (goose ignores it)');
        continue;
      }
      if (!named) {
        ignore(
          entry.name,
          "no numeric version before an _: goose's CLI refuses this file, its library skips it",
        );
        continue;
      }
      const version = named[1]!;
      if (BigInt(version) < 1n) {
        ignore(entry.name, 'version 0: goose needs a version of 1 or more');
        continue;
      }
      if (!takesText('goose', text)) {
        ignore(entry.name, 'no -- +goose Up annotation: goose refuses this file');
        continue;
      }
      const label = entry.name.slice(version.length + 1).replace(/\.sql$/i, '');
      // a text changed since the folder was read (a watch session) that goose would refuse is linted whole
      candidates.push(
        sectionCandidate(
          layout,
          join(dir, entry.name),
          { version, entry: entry.name, name: label },
          {
            split: gooseSections,
            whole: 'goose',
          },
        ),
      );
    }
    return candidates;
  },

  sqlx: (dir, entries, _texts, ignore) => {
    const layout = LAYOUTS.sqlx;
    const byVersion = new Map<string, { version: string; name: string; up?: string; down?: string }>();
    for (const entry of entries) {
      if (entry.kind === 'directory') {
        ignore(entry.name, 'a folder: sqlx reads only the files of the migrations folder');
        continue;
      }
      const cut = entry.name.indexOf('_');
      if (cut < 0 || !/\.sql$/.test(entry.name)) {
        ignore(entry.name, 'sqlx ignores a name without an _ or not ending in .sql');
        continue;
      }
      const named = SQLX_NAME.exec(entry.name);
      if (!named)
        throw new PgwardenError(
          'input',
          `${join(dir, entry.name)}: sqlx stops at a migration name whose prefix is not a number ("${entry.name.slice(0, cut)}")`,
          {
            hint: 'sqlx refuses this folder too: rename the file with a number first, or move it out of the folder',
          },
        );
      const [, digits, label, direction] = named;
      const id = BigInt(digits!).toString();
      const item = byVersion.get(id) ?? { version: digits!, name: label! };
      const side = direction === 'down' ? 'down' : 'up';
      if (item[side])
        throw new PgwardenError(
          'input',
          `two migrations have version ${id}: ${join(dir, item[side]!)} and ${join(dir, entry.name)}`,
          { hint: 'sqlx would run both and fail on the second: each version needs one migration' },
        );
      item[side] = entry.name;
      if (side === 'up') item.name = label!;
      byVersion.set(id, item);
    }
    const candidates: Candidate[] = [];
    for (const item of byVersion.values()) {
      if (!item.up) {
        ignore(item.down!, 'a down migration without its up: sqlx never runs it');
        continue;
      }
      const upPath = join(dir, item.up);
      const downPath = item.down ? join(dir, item.down) : undefined;
      // sqlx's opt-out is per file, read from its first bytes: a byte-order mark before it (which the text, decoded,
      // no longer shows) turns it off
      const optOut = (file: SqlSource) =>
        file.text.startsWith(SQLX_NO_TRANSACTION) && !startsWithBom(file.file);
      candidates.push({
        key: { version: item.version, entry: item.up, name: item.name },
        files: [upPath, ...(downPath ? [downPath] : [])],
        build: (source) => {
          const up = source(upPath);
          const down = downPath ? source(downPath) : undefined;
          return {
            version: item.version,
            name: item.name,
            up: wholeScript(layout, up, optOut(up)),
            down: down ? wholeScript(layout, down, optOut(down)) : null,
          };
        },
      });
    }
    return candidates;
  },

  diesel: (dir, entries, _texts, ignore) => {
    const layout = LAYOUTS.diesel;
    const candidates: Candidate[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith('.')) {
        ignore(entry.name, 'diesel ignores names starting with .');
        continue;
      }
      if (entry.kind === 'file') {
        ignore(entry.name, 'a file: diesel reads only migration folders');
        continue;
      }
      const inner = entry.inner ?? [];
      if (!inner.includes('up.sql')) {
        ignore(
          entry.name,
          inner.length === 0
            ? 'an empty folder (diesel skips it)'
            : 'no up.sql: diesel refuses a folder without one',
        );
        continue;
      }
      const cut = entry.name.indexOf('_');
      const version = (cut >= 0 ? entry.name.slice(0, cut) : entry.name).replace(/-/g, '');
      const label = cut >= 0 ? entry.name.slice(cut + 1) : entry.name;
      const path = join(dir, entry.name);
      const upPath = join(path, 'up.sql');
      const downPath = inner.includes('down.sql') ? join(path, 'down.sql') : undefined;
      const inTransaction = dieselRunsInTransaction(
        inner.includes('metadata.toml') ? readText(join(path, 'metadata.toml')) : undefined,
      );
      candidates.push({
        key: { version, entry: entry.name, name: label },
        files: [upPath, ...(downPath ? [downPath] : [])],
        depends: [inTransaction],
        build: (source) => ({
          version,
          name: label,
          up: wholeScript(layout, source(upPath), !inTransaction),
          down: downPath ? wholeScript(layout, source(downPath), !inTransaction) : null,
        }),
      });
    }
    return candidates;
  },

  prisma: (dir, entries, _texts, ignore) => {
    const layout = LAYOUTS.prisma;
    const candidates: Candidate[] = [];
    for (const entry of entries) {
      if (entry.kind === 'file') {
        ignore(
          entry.name,
          entry.name === 'migration_lock.toml'
            ? "Prisma's provider lock"
            : 'a file: Prisma reads only migration folders',
        );
        continue;
      }
      const inner = entry.inner ?? [];
      if (!inner.includes('migration.sql')) {
        ignore(entry.name, 'no migration.sql: prisma migrate deploy would fail on this folder');
        continue;
      }
      for (const other of inner.filter((f) => f !== 'migration.sql'))
        ignore(join(entry.name, other), 'Prisma runs only migration.sql (it has no down migrations)');
      const cut = entry.name.indexOf('_');
      const label = cut >= 0 ? entry.name.slice(cut + 1) : entry.name;
      const upPath = join(dir, entry.name, 'migration.sql');
      // identity: the whole folder name (two folders may share a timestamp)
      candidates.push({
        key: { version: entry.name, entry: entry.name, name: label },
        files: [upPath],
        build: (source) => ({
          version: entry.name,
          name: label,
          up: wholeScript(layout, source(upPath)),
          down: null,
        }),
      });
    }
    return candidates;
  },

  flyway: (dir, entries, _texts, ignore) => {
    const layout = LAYOUTS.flyway;
    // Flyway scans a location recursively, down every folder that is not hidden; versions order across folders
    const files = flywayFiles(dir, entries, ignore);
    const names = new Set(files);
    const candidates: Candidate[] = [];
    for (const file of files) {
      const entry = { name: file, base: basename(file) };
      if (/\.conf$/i.test(entry.name) && names.has(entry.name.replace(/\.conf$/i, ''))) continue;
      const versioned = FLYWAY_VERSIONED.exec(entry.base);
      const repeatable = versioned ? null : FLYWAY_REPEATABLE.exec(entry.base);
      if (!versioned && !repeatable) {
        ignore(
          entry.name,
          /^U\d/.test(entry.base)
            ? 'an undo migration: Flyway community does not run them'
            : 'not a Flyway migration name (V<version>__<description>.sql or R__<description>.sql, prefix case-sensitive)',
        );
        continue;
      }
      const version = versioned ? versioned[1]!.replace(/_/g, '.') : entry.base.replace(/\.sql$/i, '');
      const label = (versioned ? versioned[2]! : repeatable![1]!).replace(/\.sql$/i, '');
      const path = join(dir, entry.name);
      const conf = flywayExecuteInTransaction(readText(`${path}.conf`));
      candidates.push({
        key: { version, entry: entry.name, name: label, repeatable: !versioned },
        files: [path],
        depends: [conf],
        build: (source) => ({
          version,
          name: label,
          up: wholeScript(layout, source(path), conf === undefined ? undefined : !conf),
          down: null,
        }),
      });
    }
    return candidates;
  },
};

/** The files of a Flyway location and of its sub-folders (not hidden ones), as paths relative to it, sorted. */
function flywayFiles(
  dir: string,
  entries: readonly FolderEntry[],
  ignore: (name: string, reason: string) => void,
  under = '',
): string[] {
  const files: string[] = [];
  for (const entry of entries) {
    const path = under ? join(under, entry.name) : entry.name;
    if (entry.kind === 'file') files.push(path);
    else if (entry.name.startsWith('.')) ignore(path, 'a hidden folder: Flyway does not scan it');
    else {
      const inner = readdirSync(join(dir, path), { withFileTypes: true })
        .sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)))
        .map((d): FolderEntry => ({ name: d.name, kind: d.isDirectory() ? 'directory' : 'file' }));
      files.push(...flywayFiles(dir, inner, ignore, path));
    }
  }
  return files;
}

/** Whether a folder looks like a migrations folder (rather than a folder of loose SQL files). */
export async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

/** pgwarden's version order, kept for callers that compare versions of its own layout. */
export { versionKey };
