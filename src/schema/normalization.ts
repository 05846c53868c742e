import type { ColumnInfo, TableInfo } from '../catalog/model.js';
import { identSql, objectName, tableSql } from './keys.js';
import type { SchemaModel } from './model.js';
import { pluralName, singularName, templateName } from './naming.js';

/**
 * Helpers of the normalization rules (repeating columns, delimited lists, copied attributes, EAV): type families,
 * and the child table that replaces a repeating group or a list.
 */

export const TEXT_TYPES: ReadonlySet<string> = new Set(['text', 'varchar', 'bpchar', 'citext', 'name']);

const FAMILIES: Readonly<Record<string, string>> = {
  text: 'text',
  varchar: 'text',
  bpchar: 'text',
  citext: 'text',
  name: 'text',
  int2: 'integer',
  int4: 'integer',
  int8: 'integer',
  numeric: 'number',
  float4: 'number',
  float8: 'number',
  money: 'number',
  timestamptz: 'time',
  timestamp: 'time',
  date: 'time',
  json: 'json',
  jsonb: 'json',
};

/** The family of a column's type: text, integer, number, time, json; else the type itself. */
export function typeFamily(column: ColumnInfo): string {
  const base = FAMILIES[column.typeName] ?? `${column.typeSchema}.${column.typeName}`;
  return column.isArray ? `${base}[]` : base;
}

/** A text column (not an array). */
export function isTextColumn(column: ColumnInfo): boolean {
  return !column.isArray && TEXT_TYPES.has(column.typeName);
}

/** One column of a child table's reference to its parent: its name, type, and the parent column it references. */
export interface ParentReference {
  readonly name: string;
  readonly type: string;
  readonly references: string;
}

/**
 * The columns a child table of `table` uses to reference it: one per primary key column (`id` → `customer_id`,
 * the tenant column keeps its name). Empty when the table has no primary key.
 */
export function parentReference(model: SchemaModel, table: TableInfo): ParentReference[] {
  const pk = table.constraints.find((c) => c.type === 'primary key');
  if (!pk) return [];
  const singular = singularName(templateName(table.name));
  const tenant = model.conventions.tenancy.mode === 'off' ? null : model.conventions.tenancy.column;
  return pk.columns.map((name) => {
    const column = table.columns.find((c) => c.name === name);
    const snake = templateName(name);
    const childName =
      name === tenant || snake.startsWith(`${singular}_`) ? snake : objectName(singular, snake);
    return { name: childName, type: column?.type ?? 'bigint', references: name };
  });
}

/** The name of a child table of `table` that holds `items` (`customers`, `phone` → `customer_phones`). */
export function childTableName(table: TableInfo, items: string): string {
  const item = templateName(items);
  return objectName(singularName(templateName(table.name)), pluralName(item) ?? item);
}

/**
 * The commented lines of a child table's definition: an identity key, the reference to the parent (ON DELETE
 * CASCADE: the items belong to it), the given columns and a unique key over the reference and `unique`.
 */
export function childTableSketch(
  model: SchemaModel,
  parent: TableInfo,
  child: string,
  columns: readonly string[],
  unique: readonly string[],
): { lines: string[]; reference: ParentReference[] } {
  const reference = parentReference(model, parent);
  const childSql = `${identSql(parent.schema)}.${identSql(child)}`;
  const refLines =
    reference.length === 0
      ? [
          `--   ${identSql(`${singularName(templateName(parent.name))}_id`)} <the type of ${parent.qualifiedName}'s key> NOT NULL,  -- ${parent.qualifiedName} has no primary key to reference: add one first`,
        ]
      : reference.length === 1
        ? [
            `--   ${identSql(reference[0]!.name)} ${reference[0]!.type} NOT NULL REFERENCES ${tableSql(parent)} (${identSql(reference[0]!.references)}) ON DELETE CASCADE,`,
          ]
        : reference.map((r) => `--   ${identSql(r.name)} ${r.type} NOT NULL,`);
  const refNames =
    reference.length === 0
      ? [identSql(`${singularName(templateName(parent.name))}_id`)]
      : reference.map((r) => identSql(r.name));
  const lines = [
    `-- CREATE TABLE ${childSql} (`,
    '--   id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,',
    ...refLines,
    ...columns.map((c) => `--   ${c},`),
    ...(reference.length > 1
      ? [
          `--   FOREIGN KEY (${refNames.join(', ')}) REFERENCES ${tableSql(parent)} (${reference.map((r) => identSql(r.references)).join(', ')}) ON DELETE CASCADE,`,
        ]
      : []),
    `--   UNIQUE (${[...refNames, ...unique].join(', ')})`,
    '-- );',
  ];
  return { lines, reference };
}
