import { z } from 'zod';
import type { ColumnInfo, TableInfo } from '../../catalog/model.js';
import { defineRule } from '../../core/rule.js';
import { identSql, NameRegistry, tableSql } from '../../schema/keys.js';
import { singularName, templateName } from '../../schema/naming.js';
import { childTableName, childTableSketch } from '../../schema/normalization.js';
import type { SchemaModel } from '../models.js';

interface Options {
  minGroup: number;
}

const ORDINALS: Readonly<Record<string, number>> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
};

interface Numbered {
  /** The name with its number replaced by `#`: `phone#`, `address_line_#`, `#_phone`. */
  readonly pattern: string;
  readonly number: number;
}

/**
 * The number in a column name, when it has exactly one: a word of digits (`line_1`), a word ending in digits
 * (`phone1`, `q3`), or an ordinal word (`second_phone`).
 */
const MAY_HAVE_NUMBER = /\d|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth/i;

function numbered(name: string): Numbered | null {
  if (!MAY_HAVE_NUMBER.test(name)) return null;
  const words = name.toLowerCase().split('_');
  let found: Numbered | null = null;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const match = /^([a-z]*)(\d+)$/.exec(word);
    const number = match ? Number(match[2]) : ORDINALS[word];
    if (number === undefined) continue;
    if (found) return null; // two numbers: no single sequence to read
    const replaced = [...words];
    replaced[i] = match ? `${match[1]}#` : '#';
    found = { pattern: replaced.join('_'), number };
  }
  return found;
}

/**
 * The numbers of a group read as a sequence: small counters (1, 2, 3 — starting at 0, 1 or 2, few gaps) or
 * consecutive years; not sizes or versions (sha1, sha256, sha512; ipv4, ipv6).
 */
function sequenceKind(numbers: readonly number[]): 'ordinal' | 'year' | null {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  if (sorted.length !== numbers.length) return null;
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  if (max - min + 1 > 2 * sorted.length) return null;
  if (min <= 2) return 'ordinal';
  if (min >= 1900 && max <= 2100) return 'year';
  return null;
}

/** What the child table calls the group's values: the pattern without its number (`address_line_#` → address_line). */
function itemName(pattern: string): string {
  const base = pattern.replace(/#/g, '').replace(/_+/g, '_').replace(/^_|_$/g, '');
  return base.length > 0 ? base : 'value';
}

export default defineRule<SchemaModel, Options>({
  id: 'schema/repeating-columns',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary:
    'Numbered columns of one type (phone1, phone2, phone3): a repeating group that belongs in a child table',
  reportsOn: ['table'],
  docs: {
    why: "Columns that differ only by a number — phone1, phone2, phone3; address_line_1 … address_line_4; first_choice, second_choice, third_choice; revenue_2022, revenue_2023, revenue_2024 — are one attribute stored several times in a row (a repeating group: the table is not in first normal form). A fourth phone needs a migration; every query that looks for a phone must look in each column (phone1 = $1 OR phone2 = $1 OR …, which no single index serves); constraints are repeated per column; and the gaps (phone1 empty, phone2 set) mean nothing but must be handled. A group counts when at least `minGroup` columns (3 by default) share the name around the number and the type, and the numbers read as a sequence (1, 2, 3 or consecutive years — not sha1/sha256/sha512 or ipv4/ipv6). Two numbered columns are left alone: address_line_1 and address_line_2 is the accepted design of postal addresses (pg-index-health's TABLES_WITH_INCREMENTING_COLUMNS flags two; set `minGroup` to 2 to do the same).",
    howToFix:
      "Move the values to a child table that references the row and numbers the values: `CREATE TABLE customer_phones (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE, ordinal smallint NOT NULL, phone text NOT NULL, UNIQUE (customer_id, ordinal))`, copy the existing values with `INSERT … SELECT … CROSS JOIN LATERAL (VALUES (1, phone1), (2, phone2), (3, phone3))`, move the application to it, then drop the columns. Drop the ordinal when the order means nothing; use a kind column instead (home, work, mobile) when each position has a meaning — then the columns were not a repeating group but named attributes, and renaming them (home_phone, work_phone) says so. A column per year becomes a row per year. The finding's fix is that recipe with the table's names, as comments: it is a migration to plan, not a statement to run.",
    examples: {
      bad: 'CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, phone1 text, phone2 text, phone3 text);',
      good: 'CREATE TABLE customer_phones (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,\n  ordinal smallint NOT NULL, phone text NOT NULL, UNIQUE (customer_id, ordinal));',
    },
  },
  options: z.object({
    minGroup: z
      .number()
      .int()
      .min(2)
      .default(3)
      .describe('How many numbered columns of one type make a repeating group'),
  }),
  check({ model, options, report }) {
    // a child table's name must be free, and differ from the other findings' (names made once, on first use)
    const names = new NameRegistry(model);
    for (const table of model.tables) {
      const groups = new Map<
        string,
        { pattern: string; members: { column: ColumnInfo; number: number }[] }
      >();
      for (const column of table.columns) {
        if (column.generated !== null) continue;
        const found = numbered(column.name);
        if (!found) continue;
        const key = `${found.pattern}\0${column.typeName}\0${column.typeSchema}\0${column.isArray}`;
        let group = groups.get(key);
        if (!group) {
          group = { pattern: found.pattern, members: [] };
          groups.set(key, group);
        }
        group.members.push({ column, number: found.number });
      }
      for (const group of groups.values()) {
        if (group.members.length < options.minGroup) continue;
        const kind = sequenceKind(group.members.map((m) => m.number));
        if (!kind) continue;
        reportGroup(table, group.pattern, kind, group.members);
      }
    }

    function reportGroup(
      table: TableInfo,
      pattern: string,
      kind: 'ordinal' | 'year',
      members: readonly { column: ColumnInfo; number: number }[],
    ) {
      const item = itemName(pattern);
      const child = names.free(table.schema, childTableName(table, item));
      const ordinal = kind === 'year' ? 'year' : 'ordinal';
      const ordinalType = kind === 'year' ? 'integer' : 'smallint';
      const type = members[0]!.column.type;
      const { lines, reference } = childTableSketch(
        model,
        table,
        child,
        [`${identSql(ordinal)} ${ordinalType} NOT NULL`, `${identSql(item)} ${type} NOT NULL`],
        [identSql(ordinal)],
      );
      const t = tableSql(table);
      const childSql = `${identSql(table.schema)}.${identSql(child)}`;
      const refColumns = reference.map((r) => identSql(r.name));
      const refValues = reference.map((r) => `t.${identSql(r.references)}`);
      const values = members.map((m) => `(${m.number}, t.${identSql(m.column.name)})`).join(', ');
      const copy =
        reference.length === 0
          ? []
          : [
              `-- INSERT INTO ${childSql} (${[...refColumns, identSql(ordinal), identSql(item)].join(', ')})`,
              `--   SELECT ${[...refValues, `v.${identSql(ordinal)}`, `v.${identSql(item)}`].join(', ')} FROM ${t} AS t`,
              `--   CROSS JOIN LATERAL (VALUES ${values}) AS v (${identSql(ordinal)}, ${identSql(item)})`,
              `--   WHERE v.${identSql(item)} IS NOT NULL;`,
            ];
      const columns = members.map((m) => m.column.name);
      const fix = [
        `-- a child table: one row per ${singularName(templateName(table.name))} and ${item}, numbered by ${ordinal} (${members.map((m) => `${m.column.name} → ${m.number}`).join(', ')})`,
        ...lines,
        ...copy,
        `-- then, once the application reads and writes ${childSql}:`,
        `-- ALTER TABLE ${t} ${columns.map((n) => `DROP COLUMN ${identSql(n)}`).join(', ')};`,
      ].join('\n');
      report({
        message: `${table.qualifiedName} repeats one attribute in ${members.length} numbered columns (${columns.join(', ')}; ${type}): one more needs a migration and every query must look in each column; a child table ${table.schema}.${child} (${[...reference.map((r) => r.name), ordinal, item].join(', ')}) holds any number of them`,
        location: { object: table.qualifiedName, kind: 'table' },
        fix,
      });
    }
  },
});
