import type {
  ColumnInfo,
  ConstraintInfo,
  IndexInfo,
  ReferentialAction,
  TableInfo,
} from '../catalog/model.js';
import { createHash } from '../core/hash.js';
import { qualifiedIdent, quoteIdent, quoteLiteral } from '../sql/quote.js';
import type { SchemaModel } from './model.js';

/**
 * Keys, indexes and the DDL recipes that several catalog rules share: which index serves a foreign key, which
 * column generates its own values, names that fit PostgreSQL's 63 bytes, and index builds that do not block writes
 * (CONCURRENTLY, or per partition and attached for a partitioned table).
 */

const MAX_IDENTIFIER_BYTES = 63;

/**
 * A name made of `parts` joined by `_`, as PostgreSQL would keep it: at most 63 bytes. A longer one is cut and
 * ends with a hash of the whole, so two long names that share a prefix stay different.
 */
export function objectName(...parts: readonly string[]): string {
  const full = parts.filter((p) => p.length > 0).join('_');
  if (Buffer.byteLength(full) <= MAX_IDENTIFIER_BYTES) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  let cut = full;
  while (Buffer.byteLength(cut) > MAX_IDENTIFIER_BYTES - hash.length - 1) cut = cut.slice(0, -1);
  return `${cut.replace(/_+$/, '')}_${hash}`;
}

/** Names in use per schema (relations share one namespace: tables, indexes, sequences, views). */
export class NameRegistry {
  private used: Map<string, Set<string>> | null = null;
  constructor(private readonly model: SchemaModel) {}

  /** Built on first use: most reviews need no new name at all. */
  private names(schema: string): Set<string> {
    if (!this.used) {
      const used = new Map<string, Set<string>>();
      const add = (s: string, name: string) => {
        let set = used.get(s);
        if (!set) {
          set = new Set();
          used.set(s, set);
        }
        set.add(name);
      };
      for (const table of this.model.snapshot.tables) {
        add(table.schema, table.name);
        for (const index of table.indexes) add(index.schema, index.name);
      }
      for (const sequence of this.model.snapshot.sequences) add(sequence.schema, sequence.name);
      this.used = used;
    }
    let set = this.used.get(schema);
    if (!set) {
      set = new Set();
      this.used.set(schema, set);
    }
    return set;
  }

  /** `base` if no relation of `schema` has that name, else `base_2`, `base_3`… (and remembers it). */
  free(schema: string, base: string): string {
    const set = this.names(schema);
    let name = base;
    for (let n = 2; set.has(name); n++) name = objectName(base, String(n));
    set.add(name);
    return name;
  }
}

/** A constraint name not yet used on `table` (constraint names are per table). */
export function freeConstraintName(table: TableInfo, base: string): string {
  const used = new Set(table.constraints.map((c) => c.name));
  for (const index of table.indexes) used.add(index.name);
  let name = base;
  for (let n = 2; used.has(name); n++) name = objectName(base, String(n));
  return name;
}

/** The foreign keys declared on a table (not the clones a partition inherits). */
export function foreignKeys(table: TableInfo): ConstraintInfo[] {
  return table.constraints.filter((c) => c.type === 'foreign key' && c.foreignKey !== null && !c.inherited);
}

/**
 * A junction (join) table: its primary key is two or more columns, each of them in a foreign key
 * (`user_roles (user_id, role_id, assigned_at)` keyed by (user_id, role_id), Prisma's `_PostToTag ("A", "B")`). Its
 * rows are identified by the pair: it needs no id of its own, and no created_at / updated_at to be sound.
 */
export function isJunctionTable(table: TableInfo): boolean {
  const pk = table.constraints.find((c) => c.type === 'primary key');
  if (!pk || pk.columns.length < 2) return false;
  const fkColumns = new Set(foreignKeys(table).flatMap((fk) => fk.columns));
  return pk.columns.every((c) => fkColumns.has(c));
}

/** True when `a` and `b` hold the same names, in any order. */
export function sameColumnSet(a: readonly (string | null)[], b: readonly (string | null)[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return set.size === a.length && b.every((c) => c !== null && set.has(c));
}

/**
 * The index can serve the lookups of a foreign key on `columns`: a valid, non-partial btree index whose leading
 * key columns are those columns, in any order ((a, b, c) serves a key on (b, a); (b) alone does not serve (a, b)).
 */
export function indexCovers(index: IndexInfo, columns: readonly string[]): boolean {
  if (!index.valid || index.predicate !== null || index.method !== 'btree') return false;
  if (index.columns.length < columns.length) return false;
  return sameColumnSet(index.columns.slice(0, columns.length), columns);
}

/** The indexes of `table` that serve one of its foreign keys (those an index rule must not weaken). */
export function foreignKeyIndexes(table: TableInfo): Set<string> {
  const out = new Set<string>();
  const keys = foreignKeys(table);
  for (const index of table.indexes) {
    if (keys.some((fk) => indexCovers(index, fk.columns))) out.add(index.name);
  }
  return out;
}

const UUID_GENERATORS = new Set([
  'gen_random_uuid',
  'uuidv4',
  'uuidv7',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'uuid_generate_v6',
  'uuid_generate_v7',
]);

/** The function a default calls (`schema.fn(…)` → `fn`), or null when it is not a call. */
export function defaultFunction(expression: string | null): string | null {
  if (expression === null) return null;
  const match = /^(?:"?[\w$]+"?\.)?"?([\w$]+)"?\s*\(/.exec(expression.trim());
  return match ? match[1]!.toLowerCase() : null;
}

/** The column makes its own values: identity, a sequence default, or a uuid generator (built in or extension). */
export function generatesValues(
  column: ColumnInfo,
  uuidGenerators: ReadonlySet<string> = UUID_GENERATORS,
): boolean {
  if (column.identity !== null) return true;
  const fn = defaultFunction(column.default);
  return fn !== null && (fn === 'nextval' || uuidGenerators.has(fn));
}

export const DEFAULT_UUID_GENERATORS: readonly string[] = [...UUID_GENERATORS];

/** Rows of a table: its row estimate, or the sum over its partitions (null when nothing was ever analyzed). */
export function rowsOf(model: SchemaModel, table: TableInfo): number | null {
  if (table.kind !== 'partitioned table') return table.rowEstimate;
  let total: number | null = null;
  for (const part of model.partitions(table.qualifiedName)) {
    if (part.kind === 'partitioned table' || part.rowEstimate === null) continue;
    total = (total ?? 0) + part.rowEstimate;
  }
  return total ?? table.rowEstimate;
}

/** SQL of `schema.table`. */
export function tableSql(table: TableInfo): string {
  return qualifiedIdent(table.schema, table.name);
}

export function identSql(name: string): string {
  return quoteIdent(name);
}

/** A text literal. */
export const literal = quoteLiteral;

/** An index definition taken apart: what goes between `USING` and `WHERE`. */
export interface IndexShape {
  readonly unique: boolean;
  readonly method: string;
  /** The key list without its parentheses: `tenant_id, lower(email)`. */
  readonly keys: string;
  /** What follows the keys and precedes WHERE: ` INCLUDE (…)`, ` NULLS NOT DISTINCT`, ` WITH (…)` (with a leading space). */
  readonly middle: string;
  readonly predicate: string | null;
}

/** Index of the parenthesis closing the one at `open`, skipping quoted text. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      if (end < 0) return -1;
      i = end;
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Takes pg_get_indexdef's text apart; null when it does not have the expected shape. */
export function indexShape(index: IndexInfo): IndexShape | null {
  const using = /^CREATE (UNIQUE )?INDEX .+? USING (\w+) \(/.exec(index.definition);
  if (!using) return null;
  const open = using[0].length - 1;
  const close = closingParen(index.definition, open);
  if (close < 0) return null;
  const keys = index.definition.slice(open + 1, close);
  let middle = index.definition.slice(close + 1);
  if (index.predicate !== null) {
    const where = middle.lastIndexOf(' WHERE ');
    if (where >= 0) middle = middle.slice(0, where);
  }
  return { unique: using[1] !== undefined, method: using[2]!, keys, middle, predicate: index.predicate };
}

export interface IndexBuild {
  readonly name: string;
  readonly unique?: boolean;
  readonly method?: string;
  /** The key list, SQL, without parentheses. */
  readonly keys: string;
  readonly middle?: string;
  readonly predicate?: string | null;
  /** The name of a partition's index (default: the partition's name and the index's). */
  readonly partitionName?: (partition: TableInfo) => string;
}

/**
 * Statements that build an index without blocking writes: CREATE INDEX CONCURRENTLY; for a partitioned table (where
 * CONCURRENTLY is refused), the index on the parent alone (ON ONLY), each partition's built CONCURRENTLY and
 * attached, after which the parent's index is valid.
 */
export function buildIndexStatements(
  model: SchemaModel,
  table: TableInfo,
  build: IndexBuild,
  names: NameRegistry,
): string[] {
  const head = (concurrently: boolean, only: boolean, name: string, on: TableInfo) =>
    `CREATE ${build.unique ? 'UNIQUE ' : ''}INDEX ${concurrently ? 'CONCURRENTLY ' : ''}${identSql(name)} ON ${only ? 'ONLY ' : ''}${tableSql(on)}${build.method && build.method !== 'btree' ? ` USING ${build.method}` : ''} (${build.keys})${build.middle ?? ''}${build.predicate ? ` WHERE ${build.predicate}` : ''};`;
  if (table.kind !== 'partitioned table') return [head(true, false, build.name, table)];
  const out = [head(false, true, build.name, table)];
  const indexOf = new Map<string, { schema: string; name: string }>([
    [table.qualifiedName, { schema: table.schema, name: build.name }],
  ]);
  for (const part of model.partitions(table.qualifiedName)) {
    const parent = indexOf.get(part.partitionOf?.parent ?? '');
    if (!parent) continue;
    const name = names.free(part.schema, build.partitionName?.(part) ?? objectName(part.name, build.name));
    indexOf.set(part.qualifiedName, { schema: part.schema, name });
    out.push(head(part.kind !== 'partitioned table', part.kind === 'partitioned table', name, part));
    out.push(
      `ALTER INDEX ${qualifiedIdent(parent.schema, parent.name)} ATTACH PARTITION ${qualifiedIdent(part.schema, name)};`,
    );
  }
  return out;
}

/** DROP INDEX, concurrently unless the index is on a partitioned table (where PostgreSQL refuses it). */
export function dropIndexStatement(table: TableInfo, index: IndexInfo): string {
  return `DROP INDEX ${table.kind === 'partitioned table' ? '' : 'CONCURRENTLY '}${qualifiedIdent(index.schema, index.name)};`;
}

/**
 * SET NOT NULL without holding ACCESS EXCLUSIVE during a scan (PostgreSQL 12+): a CHECK … IS NOT NULL added NOT
 * VALID, validated under SHARE UPDATE EXCLUSIVE, then SET NOT NULL uses it instead of scanning, and it goes.
 */
export function setNotNullStatements(table: TableInfo, column: string): string[] {
  const t = tableSql(table);
  const c = identSql(column);
  const check = identSql(freeConstraintName(table, objectName('chk', table.name, column, 'not_null')));
  return [
    `ALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (${c} IS NOT NULL) NOT VALID;`,
    `ALTER TABLE ${t} VALIDATE CONSTRAINT ${check};`,
    `ALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL;`,
    `ALTER TABLE ${t} DROP CONSTRAINT ${check};`,
  ];
}

const patternCache = new Map<string, RegExp>();

function cached(key: string, make: () => RegExp): RegExp {
  let pattern = patternCache.get(key);
  if (!pattern) {
    pattern = make();
    patternCache.set(key, pattern);
  }
  return pattern;
}

/** Where a predicate says `column IS NULL` as one of its ANDed terms. */
export function predicateRequiresNull(predicate: string | null, column: string): boolean {
  if (predicate === null) return false;
  if (/\bOR\b/i.test(predicate)) return false;
  const ident = identSql(column);
  return cached(
    `null:${ident}`,
    () => new RegExp(`(^|[\\s(])${escapeRegExp(ident)}\\)?\\s+IS\\s+NULL\\b`, 'i'),
  ).test(predicate);
}

/** Whether an SQL expression mentions `column` (bare or quoted). */
export function mentionsColumn(expression: string | null, column: string): boolean {
  if (expression === null) return false;
  const ident = identSql(column);
  return cached(`ident:${ident}`, () =>
    ident.startsWith('"')
      ? new RegExp(escapeRegExp(ident))
      : new RegExp(`(^|[^\\w$."])${escapeRegExp(ident)}($|[^\\w$"])`),
  ).test(expression);
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The index's columns for messages: `(tenant_id, lower(email)) WHERE (deleted_at IS NULL)`. */
export function describeIndex(index: IndexInfo): string {
  const shape = indexShape(index);
  const keys = shape ? shape.keys : index.columns.map((c) => c ?? '<expression>').join(', ');
  return `(${keys})${index.predicate ? ` WHERE ${index.predicate}` : ''}`;
}

export const ACTION_SQL = {
  'no action': 'NO ACTION',
  restrict: 'RESTRICT',
  cascade: 'CASCADE',
  'set null': 'SET NULL',
  'set default': 'SET DEFAULT',
} as const satisfies Record<ReferentialAction, string>;

/** `REFERENCES …` and the rest of a foreign key's definition, with another ON DELETE. */
export function foreignKeySql(model: SchemaModel, fk: ConstraintInfo, onDelete: ReferentialAction): string {
  const key = fk.foreignKey!;
  const referenced = model.table(key.referencedTable);
  const dot = key.referencedTable.indexOf('.');
  const target = referenced
    ? tableSql(referenced)
    : qualifiedIdent(key.referencedTable.slice(0, dot), key.referencedTable.slice(dot + 1));
  const columns = fk.columns.map((c) => identSql(c)).join(', ');
  const refColumns = key.referencedColumns.map((c) => identSql(c)).join(', ');
  return [
    `FOREIGN KEY (${columns}) REFERENCES ${target} (${refColumns})`,
    key.match === 'full' ? ' MATCH FULL' : '',
    ` ON DELETE ${ACTION_SQL[onDelete]}`,
    key.onUpdate !== 'no action' ? ` ON UPDATE ${ACTION_SQL[key.onUpdate]}` : '',
  ].join('');
}

/**
 * Replaces a foreign key by one with another definition without a long lock: the new one is added NOT VALID
 * (PostgreSQL 18 accepts that on a partitioned table too), validated while reads and writes go on, then the old
 * one is dropped and the new one takes its name, in one short transaction.
 */
export function replaceForeignKeyStatements(
  table: TableInfo,
  fk: ConstraintInfo,
  definition: string,
  pgVersion: number,
): string[] {
  const t = tableSql(table);
  const temp = identSql(freeConstraintName(table, objectName(fk.name, 'new')));
  const notValid = table.kind !== 'partitioned table' || pgVersion >= 18;
  return [
    ...(notValid
      ? [
          `ALTER TABLE ${t} ADD CONSTRAINT ${temp} ${definition} NOT VALID;`,
          `ALTER TABLE ${t} VALIDATE CONSTRAINT ${temp};`,
        ]
      : [
          '-- before PostgreSQL 18 a partitioned table takes no NOT VALID foreign key: this ADD checks every row',
          `ALTER TABLE ${t} ADD CONSTRAINT ${temp} ${definition};`,
        ]),
    'BEGIN;',
    `ALTER TABLE ${t} DROP CONSTRAINT ${identSql(fk.name)};`,
    `ALTER TABLE ${t} RENAME CONSTRAINT ${temp} TO ${identSql(fk.name)};`,
    'COMMIT;',
  ];
}
