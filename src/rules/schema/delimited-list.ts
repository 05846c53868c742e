import { z } from 'zod';
import type { ColumnInfo, TableInfo } from '../../catalog/model.js';
import { defineRule } from '../../core/rule.js';
import { identSql, literal, NameRegistry, tableSql } from '../../schema/keys.js';
import { pluralName, singularName, singularNameIfPlural, templateName } from '../../schema/naming.js';
import { childTableName, childTableSketch, isTextColumn } from '../../schema/normalization.js';
import type { SchemaModel } from '../models.js';

interface Options {
  minSamples: number;
  minShare: number;
  listNames: string[];
}

const SEPARATORS = [',', ';', '|'] as const;
type Separator = (typeof SEPARATORS)[number];
const MAX_TOKEN_LENGTH = 40;

/** Values that hold separators without being lists: JSON, URLs, numbers with thousands or decimal separators. */
function structured(value: string): boolean {
  const first = value.charCodeAt(0);
  if (first === 0x5b || first === 0x7b || first === 0x22) {
    // [ { "
    try {
      JSON.parse(value);
      return true;
    } catch {
      // not JSON: judge it as text
    }
  }
  if (value.includes('://')) return true;
  // numbers: 1,234,567.89 and 1.234,5
  const c = value.charCodeAt(0);
  if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d) {
    if (/^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(value)) return true;
    if (/^[-+]?\d{1,3}(?:\.\d{3})*,\d+$/.test(value)) return true;
  }
  return false;
}

/** Empty, or only white space. */
function blank(value: string): boolean {
  return value.length === 0 || (edged(value) && value.trim().length === 0);
}

/** Starts or ends with white space (most values do not: they need no trim). */
function edged(value: string): boolean {
  return value.charCodeAt(0) <= 0x20 || value.charCodeAt(value.length - 1) <= 0x20;
}

// three words or more: a clause of prose, not a list item
const CLAUSE = /\S\s+\S+\s+\S/;
const SPACE = /\s/;

/** The items of a value split at `separator`, when it reads as a list of short items (not prose). */
function listItems(value: string, separator: Separator): string[] | null {
  // most prose fails on its first clause: no need to split it all
  const first = value.slice(0, value.indexOf(separator));
  if (first.length > MAX_TOKEN_LENGTH + 8 || CLAUSE.test(first)) return null;
  const items = value.split(separator);
  if (items.length < 2) return null;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!.trim();
    if (item.length === 0 || item.length > MAX_TOKEN_LENGTH || CLAUSE.test(item)) return null;
    items[i] = item;
  }
  return items;
}

interface ListEvidence {
  readonly separator: Separator;
  readonly lists: number;
  readonly values: number;
  readonly examples: readonly string[];
}

interface Tally {
  readonly separator: Separator;
  lists: number;
  misses: number;
  items: number;
  singleWords: number;
  fewest: number;
  most: number;
  readonly examples: string[];
}

/**
 * What ANALYZE's sample of a column says: too few distinct values to judge (`undefined`), or whether they read as
 * delimited lists — at least `minShare` of them are lists of short items around the same separator, most items
 * are single words, and the number of items varies (or reaches three): two fixed parts ("Paris, France",
 * "48.85,2.35") are a composite value, not a list. Each value is looked at once, and the scan stops as soon as no
 * separator can reach the share (a column of prose or plain values costs a few character searches per value).
 */
function judgeSample(sample: readonly string[], options: Options): ListEvidence | null | undefined {
  // ANALYZE's most common values and histogram bounds are distinct already: count the non-blank ones
  let n = 0;
  for (const value of sample) if (!blank(value)) n++;
  if (n < options.minSamples) return undefined;
  const allowedMisses = n - Math.max(1, Math.ceil(options.minShare * n));
  const tallies: Tally[] = SEPARATORS.map((separator) => ({
    separator,
    lists: 0,
    misses: 0,
    items: 0,
    singleWords: 0,
    fewest: Number.POSITIVE_INFINITY,
    most: 0,
    examples: [],
  }));
  let live = tallies.length;
  for (const raw of sample) {
    if (blank(raw)) continue;
    const value = edged(raw) ? raw.trim() : raw;
    let isStructured: boolean | undefined;
    for (const tally of tallies) {
      if (tally.misses > allowedMisses) continue;
      let items: string[] | null = null;
      if (value.includes(tally.separator)) {
        isStructured ??= structured(value);
        if (!isStructured) items = listItems(value, tally.separator);
      }
      if (!items) {
        if (++tally.misses > allowedMisses) live--;
        continue;
      }
      tally.lists++;
      tally.items += items.length;
      for (const item of items) if (!SPACE.test(item)) tally.singleWords++;
      tally.fewest = Math.min(tally.fewest, items.length);
      tally.most = Math.max(tally.most, items.length);
      if (tally.examples.length < 3) tally.examples.push(value);
    }
    if (live === 0) return null;
  }
  let best: ListEvidence | null = null;
  for (const tally of tallies) {
    if (tally.misses > allowedMisses || tally.lists === 0) continue;
    if (tally.fewest === tally.most && tally.most < 3) continue;
    if (tally.singleWords < 0.8 * tally.items) continue;
    if (!best || tally.lists > best.lists)
      best = { separator: tally.separator, lists: tally.lists, values: n, examples: tally.examples };
  }
  return best;
}

function shorten(value: string): string {
  return value.length > 40 ? `${value.slice(0, 37)}…` : value;
}

export default defineRule<SchemaModel, Options>({
  id: 'schema/delimited-list',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Text column that stores delimited lists (tags = "red,blue,green")',
  reportsOn: ['column'],
  docs: {
    why: "A list packed into a text column ('red,blue,green', '12;17;40', 'admin|editor') hides its items from the database: no index finds the rows with the tag 'blue' (LIKE '%blue%' reads every row, and matches 'lightblue'), no foreign key checks that 17 is a real product, no constraint stops a duplicate or a stray space, counting or removing one item means parsing and rewriting the string, and the separator cannot appear in an item. On a live database the rule reads only what ANALYZE already sampled (pg_stats' most common values and histogram bounds) — never the table: a column is reported when at least `minShare` of the distinct sampled values are lists of short items around the same separator (`,` `;` `|`) and the number of items varies. Prose with commas (clauses of three or more words), JSON, URLs, numbers with thousands or decimal separators and fixed two-part values ('Paris, France', '48.85,2.35') are not lists. On a schema without data (a shadow database from DDL files) only the name can tell: a text column named like a list (`tags`, `*_list`, `*_ids`, `*_csv`) is reported at info.",
    howToFix:
      "Store the items as rows: a child table (`post_tags (post_id, tag)` with a unique key), or a join table with a foreign key when the items are ids of another table (`post_categories (post_id, category_id REFERENCES categories)`); copy the items with `INSERT … SELECT id, trim(item) FROM posts, unnest(string_to_array(tags, ',')) AS item`, move the application, then drop the column. An array column (`text[]`, `bigint[]`) is the smaller step: a GIN index serves `tags @> ARRAY['blue']`, but items still cannot be foreign keys. The finding's fix is that recipe with the table's names, as comments.",
    examples: {
      bad: "CREATE TABLE posts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tags text);  -- 'red,blue,green'",
      good: 'CREATE TABLE post_tags (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE, tag text NOT NULL, UNIQUE (post_id, tag));',
    },
  },
  options: z.object({
    minSamples: z
      .number()
      .int()
      .min(2)
      .default(5)
      .describe('Distinct sampled values a column needs before its data is judged'),
    minShare: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('Share of the sampled values that must be lists'),
    listNames: z
      .array(z.string().min(1))
      .default(['tags', '*_tags', '*_list', '*_ids', '*_csv'])
      .describe(
        'Column names that say "a list" (`*` matches any characters): reported without data, at info',
      ),
  }),
  check({ model, options, report }) {
    // a child table's name must be free, and differ from the other findings' (names made once, on first use)
    const names = new NameRegistry(model);
    const namePatterns = options.listNames.map(
      (p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i'),
    );

    for (const table of model.tables) {
      for (const column of table.columns) {
        if (!isTextColumn(column) || column.generated !== null) continue;
        const stats = model.columnStats(table.qualifiedName, column.name);
        // the data decides, when ANALYZE sampled enough of it; else the name
        const evidence = stats ? judgeSample(stats.sample, options) : undefined;
        if (evidence) reportList(table, column, evidence);
        else if (evidence === undefined && namePatterns.some((p) => p.test(column.name))) {
          reportList(table, column, null);
        }
      }
    }

    function reportList(table: TableInfo, column: ColumnInfo, evidence: ListEvidence | null) {
      const separator = evidence?.separator ?? ',';
      const column_ = identSql(column.name);
      const t = tableSql(table);
      // `category_ids` names the ids of categories: a join table with a foreign key, when that table exists
      const idsOf = /^(.+)_ids$/i.exec(column.name)?.[1];
      const target = idsOf
        ? (model.table(`${table.schema}.${pluralName(idsOf) ?? idsOf}`) ??
          model.table(`${table.schema}.${idsOf}`))
        : undefined;
      const targetPk = target?.constraints.find((c) => c.type === 'primary key');
      const targetKey =
        target && targetPk?.columns.length === 1
          ? target.columns.find((c) => c.name === targetPk.columns[0])
          : undefined;
      const base = column.name.replace(/_(list|csv)$/i, '');
      const item = templateName(idsOf ? `${idsOf}_id` : (singularNameIfPlural(base) ?? base));
      const itemType = target && targetKey ? targetKey.type : idsOf ? 'bigint' : 'text';
      const child = names.free(table.schema, childTableName(table, templateName(idsOf ?? item)));
      const itemColumn =
        target && targetKey
          ? `${identSql(item)} ${itemType} NOT NULL REFERENCES ${tableSql(target)} (${identSql(targetKey.name)}) ON DELETE CASCADE`
          : `${identSql(item)} ${itemType} NOT NULL`;
      const { lines, reference } = childTableSketch(model, table, child, [itemColumn], [identSql(item)]);
      const childSql = `${identSql(table.schema)}.${identSql(child)}`;
      const cast = itemType === 'text' ? '' : `::${itemType}`;
      const copy =
        reference.length === 0
          ? []
          : [
              `-- INSERT INTO ${childSql} (${[...reference.map((r) => identSql(r.name)), identSql(item)].join(', ')})`,
              `--   SELECT DISTINCT ${[...reference.map((r) => `t.${identSql(r.references)}`), `trim(x.item)${cast}`].join(', ')}`,
              `--   FROM ${t} AS t, unnest(string_to_array(t.${column_}, ${literal(separator)})) AS x (item)`,
              `--   WHERE trim(x.item) <> '';`,
            ];
      const arrayType = `${itemType.replace(/\(.*\)$/, '')}[]`;
      const fix = [
        `-- better than a list in a string: a ${target ? 'join' : 'child'} table, one row per ${singularName(templateName(table.name))} and ${item}`,
        ...lines,
        ...copy,
        `-- or at least an array column (a GIN index serves ${column.name} @> ARRAY[…]):`,
        `-- ALTER TABLE ${t} ADD COLUMN ${identSql(`${column.name}_array`)} ${arrayType};  -- filled in batches with string_to_array(${column_}, ${literal(separator)})${cast ? `::${arrayType}` : ''}`,
        `-- then, once the application uses it: ALTER TABLE ${t} DROP COLUMN ${column_};`,
      ].join('\n');
      const location = { object: `${table.qualifiedName}.${column.name}`, kind: 'column' as const };
      if (evidence) {
        report({
          message: `${table.qualifiedName}.${column.name} (${column.type}) holds delimited lists: ${evidence.lists} of the ${evidence.values} values ANALYZE sampled are '${evidence.separator}'-separated (${evidence.examples.map((e) => literal(shorten(e))).join(', ')}); no index, foreign key or constraint can reach the items`,
          location,
          fix,
        });
      } else {
        report({
          message: `${table.qualifiedName}.${column.name} is ${column.type} and its name says it holds a list${target ? ` of ${target.qualifiedName} ids` : ''}: items packed in a string cannot be indexed, constrained or joined${target ? ' (no foreign key checks them)' : ''}`,
          location,
          fix,
          severity: 'info',
        });
      }
    }
  },
});
