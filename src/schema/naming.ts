import pluralize from 'pluralize';
import { z } from 'zod';
import type { CatalogSnapshot, ConstraintInfo, IndexInfo, TableInfo } from '../catalog/model.js';
import type { ObjectKind } from '../core/finding.js';
import { qualifiedIdent, quoteIdent } from '../sql/quote.js';
import { objectName } from './keys.js';
import type { KeywordCategory, SchemaModel } from './model.js';

/**
 * Naming conventions: snake_case, singular and plural nouns, name templates, and PostgreSQL's name limits. Pure
 * functions shared by the schema/*-naming rules.
 */

/** NAMEDATALEN − 1: the longest name PostgreSQL keeps, in bytes; longer names are cut (with only a NOTICE). */
export const NAME_MAX_BYTES = 63;

export function byteLength(name: string): number {
  return Buffer.byteLength(name, 'utf8');
}

/** The longest prefix of `name` that fits in `maxBytes` bytes, cut between characters (never inside one). */
export function truncateBytes(name: string, maxBytes: number): string {
  if (byteLength(name) <= maxBytes) return name;
  let out = '';
  let bytes = 0;
  for (const char of name) {
    const size = byteLength(char);
    if (bytes + size > maxBytes) break;
    out += char;
    bytes += size;
  }
  return out;
}

// Lower-case ASCII words of letters and digits joined by single underscores, starting with a letter; one leading
// underscore is allowed (tools' own tables: _prisma_migrations).
const SNAKE_CASE = /^_?[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

export function isSnakeCase(name: string): boolean {
  return SNAKE_CASE.test(name);
}

/**
 * The snake_case form of a name: `OrderItems` → `order_items`, `customerID` → `customer_id`, `HTTPRequest` →
 * `http_request`, `Order Items` → `order_items`. Null when there is no unambiguous one: non-ASCII letters, or no
 * letter to start with (`2fa_codes`).
 */
export function toSnakeCase(name: string): string | null {
  if (isSnakeCase(name)) return name;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range
  if (/[^\x00-\x7f]/.test(name)) return null;
  const leading = name.startsWith('_') ? '_' : '';
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase()
    .replace(/^_+|_+$/g, '');
  const snake = `${leading}${words}`;
  return isSnakeCase(snake) ? snake : null;
}

// Words whose plural is themselves, or that are not counted: a table named after one is never asked to change.
const UNCOUNTABLE = new Set([
  'access',
  'analytics',
  'audio',
  'auth',
  'baggage',
  'banking',
  'bias',
  'billing',
  'caching',
  'chaos',
  'clothing',
  'content',
  'cosmos',
  'data',
  'dns',
  'economics',
  'equipment',
  'ethics',
  'ethos',
  'evidence',
  'feedback',
  'firmware',
  'funding',
  'gps',
  'hardware',
  'history',
  'hosting',
  'housing',
  'info',
  'information',
  'inventory',
  'invoicing',
  'knowledge',
  'kudos',
  'licensing',
  'logging',
  'logistics',
  'marketing',
  'mathematics',
  'media',
  'messaging',
  'metadata',
  'middleware',
  'mms',
  'money',
  'news',
  'onboarding',
  'os',
  'physics',
  'politics',
  'premises',
  'pricing',
  'progress',
  'research',
  'routing',
  'rss',
  'scheduling',
  'series',
  'shipping',
  'sms',
  'software',
  'species',
  'staff',
  'staffing',
  'status',
  'tracking',
  'training',
  'weather',
]);

// Singular → plural where pluralize gets it wrong, or where the database world says it otherwise.
const IRREGULAR: Readonly<Record<string, string>> = {
  axis: 'axes',
  cache: 'caches',
  canvas: 'canvases',
  cookie: 'cookies',
  index: 'indexes',
  lens: 'lenses',
  niche: 'niches',
  schema: 'schemas',
  virus: 'viruses',
};
const IRREGULAR_PLURAL: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(IRREGULAR).map(([singular, plural]) => [plural, singular]),
);

/** The last word of a snake_case name and what comes before it (`order_items` → [`order_`, `items`]). */
function splitLastWord(name: string): [string, string] {
  const at = name.lastIndexOf('_');
  return at < 0 ? ['', name] : [name.slice(0, at + 1), name.slice(at + 1)];
}

/** A word whose number can be judged: letters only, at least two of them, and counted. */
function judgeable(word: string): boolean {
  return /^[a-z]{2,}$/.test(word) && !UNCOUNTABLE.has(word);
}

/** The plural of one lower-case word (the word itself when it has none). */
export function pluralWord(word: string): string {
  if (!judgeable(word)) return word;
  if (IRREGULAR[word]) return IRREGULAR[word];
  if (IRREGULAR_PLURAL[word]) return word;
  return pluralize.plural(word);
}

/** The singular of one lower-case word (the word itself when it has none). */
export function singularWord(word: string): string {
  if (!judgeable(word)) return word;
  if (IRREGULAR_PLURAL[word]) return IRREGULAR_PLURAL[word];
  if (IRREGULAR[word]) return word;
  return pluralize.singular(word);
}

/**
 * The plural form of a snake_case name (its last word made plural), or null when it is plural already or cannot
 * be made plural: an uncountable word (`data`, `metadata`, `news`, `series`, `status`), a number (`log_v2`).
 */
export function pluralName(name: string): string | null {
  const [head, word] = splitLastWord(name);
  if (!judgeable(word) || IRREGULAR_PLURAL[word] || pluralize.isPlural(word)) return null;
  const plural = pluralWord(word);
  return plural === word ? null : `${head}${plural}`;
}

/** The singular form of a snake_case name, or null when it is singular already (or uncountable). */
export function singularNameIfPlural(name: string): string | null {
  const [head, word] = splitLastWord(name);
  if (!judgeable(word) || IRREGULAR[word]) return null;
  if (!IRREGULAR_PLURAL[word] && pluralize.isSingular(word)) return null;
  const singular = singularWord(word);
  // only a singular that pluralizes back to the word: pluralize's guesses for unknown words (bias → bia) do not
  return singular === word || pluralWord(singular) !== word ? null : `${head}${singular}`;
}

/** The singular of a table name, for templates: `order_items` → `order_item`, `data` → `data`. */
export function singularName(name: string): string {
  const [head, word] = splitLastWord(name);
  return `${head}${singularWord(word)}`;
}

/**
 * Every singular that a reader may fairly write for a table name: the preferred one, and any other word that
 * pluralizes back to the table's last word (`cookies` → `cookie` as well as pluralize's `cooky`).
 */
export function singularForms(name: string): Set<string> {
  const [head, word] = splitLastWord(name);
  const forms = new Set([`${head}${singularWord(word)}`]);
  if (!judgeable(word)) return forms;
  const candidates = [
    word.slice(0, -1),
    word.slice(0, -2),
    `${word.slice(0, -3)}y`,
    `${word.slice(0, -3)}ie`,
  ];
  for (const candidate of candidates)
    if (candidate.length >= 2 && pluralWord(candidate) === word) forms.add(`${head}${candidate}`);
  return forms;
}

/**
 * True when a key column's name is another spelling of "the id of this table": `order_id`, `orderid`, `OrderID`,
 * `orders_id`, `pk`, `uuid`, `order_pk` in table orders — a name to rename to `id`, not a natural key.
 */
export function isIdSpelling(column: string, table: string): boolean {
  const flat = (s: string) => s.toLowerCase().replace(/_/g, '');
  const name = flat(column);
  const snake = toSnakeCase(table) ?? table.toLowerCase();
  const entities = [flat(snake), flat(singularName(snake))];
  const words = ['id', 'pk', 'key', 'uuid', 'guid', 'identifier', 'pkid', 'rowid'];
  if (words.includes(name)) return true;
  return entities.some((entity) =>
    words.some((word) => name === `${entity}${word}` || name === `${word}${entity}`),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Templates

export const TEMPLATE_PLACEHOLDER = /\{([a-z]+)\}/g;

/** The placeholders a template uses, in order. */
export function templatePlaceholders(template: string): string[] {
  return [...template.matchAll(TEMPLATE_PLACEHOLDER)].map((m) => m[1]!);
}

/** A zod refinement message when a template uses a placeholder outside `allowed` (null when valid). */
export function templateProblem(template: string, allowed: readonly string[]): string | null {
  const unknown = templatePlaceholders(template).filter((p) => !allowed.includes(p));
  if (unknown.length > 0)
    return `unknown placeholder {${unknown[0]}}: use ${allowed.map((p) => `{${p}}`).join(' ')}`;
  if (templatePlaceholders(template).length === 0) return 'a template needs at least one placeholder';
  return null;
}

/** Replaces each `{placeholder}` with its value (a placeholder without a value is left as it is). */
export function expandTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return expandParts(parsedTemplate(template), values, null);
}

/** A template split into literal text and placeholders (parsed once per template: rules expand it per object). */
type TemplatePart = { readonly text: string } | { readonly key: string };
const parsedTemplates = new Map<string, readonly TemplatePart[]>();

function parsedTemplate(template: string): readonly TemplatePart[] {
  let parts = parsedTemplates.get(template);
  if (!parts) {
    const list: TemplatePart[] = [];
    let at = 0;
    for (const m of template.matchAll(TEMPLATE_PLACEHOLDER)) {
      if (m.index > at) list.push({ text: template.slice(at, m.index) });
      list.push({ key: m[1]! });
      at = m.index + m[0].length;
    }
    if (at < template.length) list.push({ text: template.slice(at) });
    parts = list;
    parsedTemplates.set(template, parts);
  }
  return parts;
}

function expandParts(
  parts: readonly TemplatePart[],
  values: Readonly<Record<string, string>>,
  stop: readonly string[] | null,
): string {
  let out = '';
  for (const part of parts) {
    if ('text' in part) out += part.text;
    else if (stop?.includes(part.key)) break;
    else out += values[part.key] ?? `{${part.key}}`;
  }
  return out;
}

/**
 * The expansion of a template up to (not including) the first of the `stop` placeholders: the fixed prefix every
 * conforming name starts with (`idx_{table}_{columns}` → `idx_orders_`). The whole expansion when none occurs.
 */
export function templatePrefix(
  template: string,
  values: Readonly<Record<string, string>>,
  stop: readonly string[],
): string {
  return expandParts(parsedTemplate(template), values, stop);
}

/** The literal text of a template before its first placeholder, and after its last (`{singular}_id` → `_id`). */
export function templateAffixes(template: string): { prefix: string; suffix: string } {
  const matches = [...template.matchAll(TEMPLATE_PLACEHOLDER)];
  if (matches.length === 0) return { prefix: template, suffix: '' };
  const last = matches[matches.length - 1]!;
  return {
    prefix: template.slice(0, matches[0]!.index),
    suffix: template.slice(last.index + last[0].length),
  };
}

/** A name in its conventional (snake_case) spelling for templates: the name itself when it has none. */
export function templateName(name: string): string {
  return toSnakeCase(name) ?? name;
}

// ---------------------------------------------------------------------------------------------------------------
// Indexes

/** Splits a list of SQL expressions at its top-level commas (outside parentheses, brackets and quotes). */
export function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const ch = list[i];
    if (ch === "'" || ch === '"') {
      const close = ch;
      for (i++; i < list.length; i++) {
        if (list[i] === close) {
          if (list[i + 1] === close) i++;
          else break;
        }
      }
    } else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(list.slice(start).trim());
  return parts.filter((p) => p.length > 0);
}

/**
 * The column names an expression mentions, in order of first appearance, among `columns`: identifiers outside
 * string literals that are neither called (function names) nor cast to (type names).
 */
export function expressionColumns(expression: string, columns: ReadonlySet<string>): string[] {
  const found: string[] = [];
  const token =
    /'(?:[^']|'')*'|"((?:[^"]|"")*)"|([A-Za-z_][A-Za-z0-9_$]*)|::\s*("(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$.]*)/g;
  for (const m of expression.matchAll(token)) {
    const name = m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2];
    if (name === undefined) continue; // a string literal, or a cast's type name
    const after = expression.slice(m.index + m[0].length).trimStart();
    if (after.startsWith('(')) continue; // a function name
    if (columns.has(name) && !found.includes(name)) found.push(name);
  }
  return found;
}

export interface IndexKey {
  /** Column names of the key, expressions replaced by the columns they read (snake_case spelling). */
  readonly columns: readonly string[];
  /** At least one key element is an expression. */
  readonly hasExpressions: boolean;
  /** Some expression reads no column: the column list cannot say what the index holds. */
  readonly opaque: boolean;
}

/** The key of an index as names: `(tenant_id, lower(email))` → `tenant_id`, `email`. */
export function indexKey(index: IndexInfo, table: TableInfo): IndexKey {
  const expressions = index.expressions ? splitTopLevel(index.expressions) : [];
  const names = expressions.length > 0 ? new Set(table.columns.map((c) => c.name)) : new Set<string>();
  const out: string[] = [];
  let next = 0;
  let opaque = false;
  for (const column of index.columns) {
    const found = column !== null ? [column] : expressionColumns(expressions[next++] ?? '', names);
    if (found.length === 0) opaque = true;
    for (const name of found) if (!out.includes(name)) out.push(name);
  }
  return { columns: out.map(templateName), hasExpressions: expressions.length > 0, opaque };
}

/** What a name template asks of one index or constraint name. */
export interface NameJudgement {
  /** The name follows the convention (or one of its tolerated variants). */
  readonly ok: boolean;
  /** The template's expansion. */
  readonly expected: string;
  /** The name to rename to: the expansion, or when it exceeds 63 bytes, its cut with a hash (as pgwarden names). */
  readonly target: string;
}

/**
 * Judges a name against a template over a key (`idx_{table}_{columns}`):
 * - the expansion itself, or it followed by a number (`idx_orders_customer_id_2`, as tools disambiguate);
 * - it followed by `_` and any suffix when the key alone does not tell the object apart (`loose`): a partial
 *   index, an expression, or another object of the table with the same expansion (`idx_orders_customer_id_open`);
 * - only the prefix before the key placeholders (`idx_orders_`) when the expansion would exceed 63 bytes, or when
 *   the key has an expression that reads no column.
 */
export function judgeName(
  name: string,
  template: string,
  values: Readonly<Record<string, string>>,
  keyPlaceholders: readonly string[],
  options: { readonly loose: boolean; readonly prefixOnly: boolean },
): NameJudgement {
  const expected = expandTemplate(template, values);
  const prefix = templatePrefix(template, values, keyPlaceholders);
  const tooLong = byteLength(expected) > NAME_MAX_BYTES;
  const target = tooLong ? objectName(expected) : expected;
  const ok =
    name === expected ||
    name === target ||
    (name.startsWith(`${expected}_`) && (options.loose || /^\d+$/.test(name.slice(expected.length + 1)))) ||
    ((tooLong || options.prefixOnly) && name.startsWith(prefix) && name.length > prefix.length);
  return { ok, expected, target };
}

/**
 * A `template` option without a default: when it is not set, the rule uses the template most of the schema's names
 * follow among its candidates (pgwarden's own, and PostgreSQL's as Prisma also names).
 */
export function detectedTemplateOption(placeholders: readonly string[], description: string) {
  return z
    .string()
    .min(1)
    .optional()
    .superRefine((value, ctx) => {
      const problem = value === undefined ? null : templateProblem(value, placeholders);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .describe(description);
}

/**
 * A naming rule's `template` option: a non-empty template whose placeholders are among `placeholders`, checked when
 * the config is read (an unknown `{placeholder}` is a config error, not a name that never matches).
 */
export function templateOption(
  defaultTemplate: string,
  placeholders: readonly string[],
  description: string,
) {
  return z
    .string()
    .min(1)
    .default(defaultTemplate)
    .superRefine((value, ctx) => {
      const problem = templateProblem(value, placeholders);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .describe(description);
}

/**
 * In a multi-tenant schema the tenancy column leads most keys, so a key's name may leave it out: whether `name`
 * follows `template` over the key's other columns. Always false when tenancy is off or the key is the tenancy
 * column alone.
 */
export function omitsTenantColumn(
  model: SchemaModel,
  template: string,
): (
  name: string,
  columns: readonly string[],
  values: Readonly<Record<string, string>>,
  judgeOptions: { readonly loose: boolean; readonly prefixOnly: boolean },
) => boolean {
  const tenant = model.conventions.tenancy.mode === 'off' ? null : model.conventions.tenancy.column;
  return (name, columns, values, judgeOptions) =>
    tenant !== null &&
    columns.length > 1 &&
    columns.includes(tenant) &&
    judgeName(
      name,
      template,
      { ...values, columns: columns.filter((c) => c !== tenant).join('_') },
      ['columns'],
      judgeOptions,
    ).ok;
}

/** The spelling a name is compared in: its snake_case form in a project whose names are mixed case. */
export function comparableName(name: string, mixedCase: boolean): string {
  return mixedCase ? templateName(name) : name;
}

/**
 * A template's expansion in the project's own spelling, for a project whose names are mixed case: the table and the
 * key columns as they are written (`{table}_{columns}_idx` → Prisma's `Post_authorId_idx`).
 */
export function spelledExpansion(
  template: string,
  values: Readonly<Record<string, string>>,
  table: TableInfo,
  keyColumns: readonly string[],
): string {
  const written = new Map(table.columns.map((c) => [templateName(c.name), c.name]));
  return expandTemplate(template, {
    ...values,
    table: table.name,
    columns: keyColumns.map((c) => written.get(c) ?? c).join('_'),
  });
}

/** The template most names follow among `candidates`, by `follows` (how many follow it); the first on a tie. */
export function likeliestTemplate(
  candidates: readonly string[],
  follows: (template: string) => number,
): string {
  let best = candidates[0]!;
  let count = follows(best);
  for (const candidate of candidates.slice(1)) {
    const n = follows(candidate);
    if (n > count) {
      best = candidate;
      count = n;
    }
  }
  return best;
}

/** A named key (an index, a unique constraint) with its template values, as the naming rules judge it. */
export interface NamedKey {
  readonly table: TableInfo;
  readonly name: string;
  readonly key: IndexKey;
  readonly values: Readonly<Record<string, string>>;
  /** Any suffix is tolerated whatever the other names (a partial or expression key). */
  readonly loose: boolean;
}

/**
 * The template the keys are judged by — `configured`, else the candidate most of them follow — and the judgement of
 * one key: its name, in the project's spelling (snake_case for a mixed-case project), against the template, with the
 * tolerances of judgeName and of a left-out tenancy column.
 */
export function projectTemplate<K extends NamedKey>(
  model: SchemaModel,
  keys: readonly K[],
  candidates: readonly string[],
  configured: string | undefined,
  mixedCase: boolean,
): { template: string; judge(key: K): { judged: NameJudgement; ok: boolean } } {
  const judgeWith = (template: string) => {
    const expectedOf = (k: K) => `${k.table.qualifiedName}\0${expandTemplate(template, k.values)}`;
    const count = new Map<string, number>();
    for (const k of keys) count.set(expectedOf(k), (count.get(expectedOf(k)) ?? 0) + 1);
    const omitsTenant = omitsTenantColumn(model, template);
    return (k: K) => {
      const options = { loose: k.loose || (count.get(expectedOf(k)) ?? 0) > 1, prefixOnly: k.key.opaque };
      const name = comparableName(k.name, mixedCase);
      const judged = judgeName(name, template, k.values, ['columns'], options);
      return { judged, ok: judged.ok || omitsTenant(name, k.key.columns, k.values, options) };
    };
  };
  const template =
    configured ??
    likeliestTemplate(candidates, (t) => {
      const judge = judgeWith(t);
      return keys.filter((k) => judge(k).ok).length;
    });
  return { template, judge: judgeWith(template) };
}

// ---------------------------------------------------------------------------------------------------------------
// Names in use

/**
 * The names taken in each schema's relation namespace (tables, views, indexes, sequences) and by types (a table
 * also makes a row type of its name): a rename to one of them fails.
 */
export function takenNames(snapshot: CatalogSnapshot): Map<string, Set<string>> {
  const taken = new Map<string, Set<string>>();
  const add = (schema: string, name: string) => {
    let names = taken.get(schema);
    if (!names) {
      names = new Set();
      taken.set(schema, names);
    }
    names.add(name);
  };
  for (const table of snapshot.tables) {
    add(table.schema, table.name);
    for (const index of table.indexes) add(index.schema, index.name);
  }
  for (const sequence of snapshot.sequences) add(sequence.schema, sequence.name);
  for (const type of snapshot.types) add(type.schema, type.name);
  return taken;
}

/**
 * Takes `name` in `schema` for a rename: false when it is in use (or already promised to another rename of the
 * same review), true after recording it.
 */
export function claimName(taken: Map<string, Set<string>>, schema: string, name: string): boolean {
  let names = taken.get(schema);
  if (!names) {
    names = new Set();
    taken.set(schema, names);
  }
  if (names.has(name)) return false;
  names.add(name);
  return true;
}

/**
 * `claimName` over the names of a snapshot, read only when the first rename is planned (a clean schema pays
 * nothing).
 */
export function nameClaims(snapshot: CatalogSnapshot): (schema: string, name: string) => boolean {
  let taken: Map<string, Set<string>> | undefined;
  return (schema, name) => {
    taken ??= takenNames(snapshot);
    return claimName(taken, schema, name);
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Quoting

/** Where a name stands decides which keywords it may be: PostgreSQL's ColId versus type_function_name. */
export type NamePosition = 'relation' | 'function';

export interface QuotingNeed {
  /** Why the name must be written in double quotes, in words. */
  readonly reason: string;
  /**
   * `required`: the name cannot be written bare there; `conventional`: a keyword PostgreSQL accepts bare in that
   * position, which quote_ident() and pg_dump still quote, and which cannot be used bare everywhere.
   */
  readonly level: 'required' | 'conventional';
}

/** Why a name needs double quotes (null when it can always be written bare), as quote_ident() decides. */
export function quotingNeed(
  name: string,
  keywords: ReadonlyMap<string, KeywordCategory>,
  position: NamePosition,
  options: { readonly upperCase?: boolean } = {},
): QuotingNeed | null {
  const reasons: string[] = [];
  if (/[A-Z]/.test(name) && options.upperCase !== false)
    reasons.push('has upper-case letters (unquoted names are folded to lower case)');
  if (/^[0-9$]/.test(name)) reasons.push(`starts with ${name.startsWith('$') ? 'a dollar sign' : 'a digit'}`);
  if (/\s/.test(name)) reasons.push('contains white space');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range
  if (/[\x00-\x7f]/.test(name.replace(/[A-Za-z0-9_$\s]/g, ''))) reasons.push('contains punctuation');
  if (name.length === 0) reasons.push('is empty');
  if (reasons.length > 0) return { reason: reasons.join(', '), level: 'required' };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range
  if (/[^\x00-\x7f]/.test(name))
    return {
      reason: 'contains non-ASCII letters: accepted bare, but quoted by quote_ident() and pg_dump',
      level: 'conventional',
    };
  const category = keywords.get(name);
  if (category === undefined || category === 'unreserved') return null;
  if (category === 'reserved') return { reason: 'is a reserved SQL keyword', level: 'required' };
  // ColId (tables, columns, schemas, indexes, constraints, sequences) accepts column-name keywords;
  // type_function_name (functions, types) accepts type-or-function-name keywords.
  const bareHere =
    (position === 'relation' && category === 'column name') ||
    (position === 'function' && category === 'type or function name');
  return bareHere
    ? {
        reason: `is a SQL keyword (${category}): accepted bare here, but quoted by quote_ident() and pg_dump, and not usable bare everywhere`,
        level: 'conventional',
      }
    : { reason: `is a SQL keyword (${category}) that cannot be written bare here`, level: 'required' };
}

// ---------------------------------------------------------------------------------------------------------------
// Every named object of a review

/** One named object of the reviewed schemas, with how to rename it. */
export interface NamedObject {
  /** What it is, in words: `table`, `materialized view`, `column`, `check constraint`, `function`… */
  readonly what: string;
  readonly name: string;
  readonly location: { readonly object: string; readonly kind: ObjectKind };
  /** Which keywords the name may be (functions and types differ from the rest). */
  readonly position: NamePosition;
  /** The statement that renames it to `target` (identifiers quoted as needed), or null when there is none. */
  rename(target: string): string | null;
  /** True when `target` is free for it (no sibling of that name). */
  free(target: string): boolean;
  /** The objects whose rename changes how this one is addressed (its table, its schema), as location objects. */
  readonly containers: readonly string[];
  /** Names in one namespace must differ: two renames to the same name in it cannot both run. */
  readonly namespace: string;
}

const RELATION_ALTER: Record<TableInfo['kind'], string> = {
  table: 'ALTER TABLE',
  'partitioned table': 'ALTER TABLE',
  view: 'ALTER VIEW',
  'materialized view': 'ALTER MATERIALIZED VIEW',
  'foreign table': 'ALTER FOREIGN TABLE',
};

const CONSTRAINT_WHAT: Record<ConstraintInfo['type'], string> = {
  'primary key': 'primary key constraint',
  'foreign key': 'foreign key constraint',
  unique: 'unique constraint',
  check: 'check constraint',
  exclusion: 'exclusion constraint',
};

/**
 * The names under review that `select` keeps, contents before containers (the columns, constraints and indexes of
 * a table before the table; the objects of a schema before the schema), so that renames run in this order each
 * find their object: schemas, tables and views with their columns, constraints and indexes, sequences (not the
 * hidden ones of identity columns), functions and types (not those of extensions). Only selected objects are
 * built: a clean schema of 10,000 tables costs a name test per object.
 */
export function namedObjects(
  model: SchemaModel,
  select: (name: string, position: NamePosition) => boolean,
): NamedObject[] {
  let taken: Map<string, Set<string>> | undefined;
  const isTaken = (schema: string, name: string) => {
    taken ??= takenNames(model.snapshot);
    return taken.get(schema)?.has(name) ?? false;
  };
  const reviewed = new Set(model.schemas);
  const out: NamedObject[] = [];
  for (const table of [...model.tables, ...model.views]) {
    const isTable = table.kind === 'table' || table.kind === 'partitioned table';
    const sqlTable = () => qualifiedIdent(table.schema, table.name);
    const alter = RELATION_ALTER[table.kind];
    const containers = [table.schema, table.qualifiedName];
    const hasColumn = (name: string) => table.columns.some((c) => c.name === name);
    const hasConstraint = (name: string) => table.constraints.some((c) => c.name === name);
    for (const column of table.columns) {
      if (!select(column.name, 'relation')) continue;
      out.push({
        what: 'column',
        name: column.name,
        location: { object: `${table.qualifiedName}.${column.name}`, kind: 'column' },
        position: 'relation',
        rename: (target) =>
          `${alter} ${sqlTable()} RENAME COLUMN ${quoteIdent(column.name)} TO ${quoteIdent(target)};`,
        free: (target) => !hasColumn(target),
        containers,
        namespace: `column ${table.qualifiedName}`,
      });
    }
    for (const constraint of table.constraints) {
      if (constraint.inherited || !select(constraint.name, 'relation')) continue;
      const ownsIndex = constraint.index !== null;
      out.push({
        what: CONSTRAINT_WHAT[constraint.type],
        name: constraint.name,
        location: { object: `${table.qualifiedName}.${constraint.name}`, kind: 'constraint' },
        position: 'relation',
        rename: (target) =>
          `ALTER TABLE ${sqlTable()} RENAME CONSTRAINT ${quoteIdent(constraint.name)} TO ${quoteIdent(target)};`,
        free: (target) => !hasConstraint(target) && !(ownsIndex && isTaken(table.schema, target)),
        containers,
        namespace: `constraint ${table.qualifiedName}`,
      });
    }
    for (const index of table.indexes) {
      // an index that belongs to a constraint is named by it
      if (index.constraint !== null || !select(index.name, 'relation')) continue;
      out.push({
        what: index.unique ? 'unique index' : 'index',
        name: index.name,
        location: { object: index.qualifiedName, kind: 'index' },
        position: 'relation',
        rename: (target) =>
          `ALTER INDEX ${qualifiedIdent(index.schema, index.name)} RENAME TO ${quoteIdent(target)};`,
        free: (target) => !isTaken(index.schema, target),
        containers: [index.schema],
        namespace: `relation ${index.schema}`,
      });
    }
    if (!select(table.name, 'relation')) continue;
    out.push({
      what: isTable ? 'table' : table.kind,
      name: table.name,
      location: { object: table.qualifiedName, kind: isTable ? 'table' : 'view' },
      position: 'relation',
      rename: (target) => `${alter} ${sqlTable()} RENAME TO ${quoteIdent(target)};`,
      free: (target) => !isTaken(table.schema, target),
      containers: [table.schema],
      namespace: `relation ${table.schema}`,
    });
  }
  let identityColumns: Set<string> | undefined;
  const isIdentity = (column: string) => {
    if (!identityColumns) {
      identityColumns = new Set();
      for (const table of model.snapshot.tables)
        for (const c of table.columns)
          if (c.identity !== null) identityColumns.add(`${table.qualifiedName}.${c.name}`);
    }
    return identityColumns.has(column);
  };
  for (const sequence of model.snapshot.sequences) {
    if (!reviewed.has(sequence.schema) || !select(sequence.name, 'relation')) continue;
    if (sequence.ownedBy !== null && isIdentity(sequence.ownedBy)) continue;
    out.push({
      what: 'sequence',
      name: sequence.name,
      location: { object: sequence.qualifiedName, kind: 'sequence' },
      position: 'relation',
      rename: (target) =>
        `ALTER SEQUENCE ${qualifiedIdent(sequence.schema, sequence.name)} RENAME TO ${quoteIdent(target)};`,
      free: (target) => !isTaken(sequence.schema, target),
      containers: [sequence.schema],
      namespace: `relation ${sequence.schema}`,
    });
  }
  for (const fn of model.snapshot.functions) {
    if (!reviewed.has(fn.schema) || fn.extension !== null || !select(fn.name, 'function')) continue;
    const alter =
      fn.kind === 'procedure' ? 'ALTER PROCEDURE' : fn.kind === 'aggregate' ? null : 'ALTER FUNCTION';
    out.push({
      what: fn.kind === 'procedure' ? 'procedure' : fn.kind === 'aggregate' ? 'aggregate' : 'function',
      name: fn.name,
      location: { object: `${fn.schema}.${fn.name}(${fn.arguments})`, kind: 'function' },
      position: 'function',
      rename: (target) =>
        alter === null
          ? null
          : `${alter} ${qualifiedIdent(fn.schema, fn.name)}(${fn.arguments}) RENAME TO ${quoteIdent(target)};`,
      free: (target) =>
        !model.snapshot.functions.some(
          (other) => other.schema === fn.schema && other.name === target && other.arguments === fn.arguments,
        ),
      containers: [fn.schema],
      namespace: `function ${fn.schema} (${fn.arguments})`,
    });
  }
  for (const type of model.snapshot.types) {
    if (!reviewed.has(type.schema) || type.extension !== null || !select(type.name, 'function')) continue;
    out.push({
      what: type.kind === 'domain' ? 'domain' : `${type.kind} type`,
      name: type.name,
      location: { object: `${type.schema}.${type.name}`, kind: 'type' },
      position: 'function',
      rename: (target) =>
        `${type.kind === 'domain' ? 'ALTER DOMAIN' : 'ALTER TYPE'} ${qualifiedIdent(type.schema, type.name)} RENAME TO ${quoteIdent(target)};`,
      free: (target) => !isTaken(type.schema, target),
      containers: [type.schema],
      namespace: `relation ${type.schema}`,
    });
  }
  for (const schema of model.snapshot.schemas) {
    if (!reviewed.has(schema.name) || !select(schema.name, 'relation')) continue;
    out.push({
      what: 'schema',
      name: schema.name,
      location: { object: schema.name, kind: 'schema' },
      position: 'relation',
      rename: (target) => `ALTER SCHEMA ${quoteIdent(schema.name)} RENAME TO ${quoteIdent(target)};`,
      free: (target) => !model.snapshot.schemas.some((other) => other.name === target),
      containers: [],
      namespace: 'schema',
    });
  }
  return out;
}
