import { z } from 'zod';
import type { ColumnInfo, TableInfo } from '../../catalog/model.js';
import { defineRule } from '../../core/rule.js';
import { foreignKeys, identSql, objectName, tableSql } from '../../schema/keys.js';
import { isTextColumn } from '../../schema/normalization.js';
import type { SchemaModel } from '../models.js';

interface Options {
  maxOtherColumns: number;
}

// the row an attribute belongs to
const ENTITY =
  /^(?:entity|object|owner|record|subject|target|resource|item|parent|row|instance)_(?:id|uuid|key|ref)$/i;
// the attribute's name
const ATTRIBUTE =
  /^(?:(?:meta|attribute|attr|property|prop|field|setting|option|param|parameter)_?(?:key|name)?|key|name|attribute_id|property_id|field_id)$/i;
// its value: one text column, or one column per type (value_text, value_int, int_value…); not old_value/new_value
const VALUE_TYPES =
  'text|string|str|int|integer|bigint|long|number|numeric|num|float|double|decimal|bool|boolean|date|time|timestamp|datetime|json|jsonb';
const VALUE = new RegExp(
  `^(?:(?:meta|attribute|attr|property|prop|field|setting|option|param|parameter)_value|value|val|value_(?:${VALUE_TYPES})|(?:${VALUE_TYPES})_value)$`,
  'i',
);
// bookkeeping columns that any table may carry
const BOOKKEEPING =
  /^(?:id|uuid|created_at|updated_at|deleted_at|created_by|updated_by|(?:entity|object|owner|record|value|attribute)_type|data_type|value_type|type|locale|position|sort_order|version)$/i;

interface Eav {
  readonly entity: ColumnInfo;
  readonly attribute: ColumnInfo;
  readonly values: readonly ColumnInfo[];
  readonly others: readonly ColumnInfo[];
}

/** The EAV shape of a table: a row reference, an attribute name and a text value, and little else. */
function eavShape(model: SchemaModel, table: TableInfo, maxOther: number): Eav | null {
  const tenant = model.conventions.tenancy.column;
  const fkColumns = new Set(
    foreignKeys(table)
      .filter((fk) => fk.columns.length === 1)
      .map((fk) => fk.columns[0]!),
  );
  const pk = new Set(table.constraints.filter((c) => c.type === 'primary key').flatMap((c) => c.columns));
  let entity: ColumnInfo | undefined;
  let attribute: ColumnInfo | undefined;
  const values: ColumnInfo[] = [];
  const rest: ColumnInfo[] = [];
  for (const column of table.columns) {
    if (column.name === tenant) continue;
    if (!attribute && ATTRIBUTE.test(column.name) && (isTextColumn(column) || /_id$/i.test(column.name))) {
      attribute = column;
    } else if (VALUE.test(column.name) && !column.isArray) {
      values.push(column);
    } else {
      rest.push(column);
    }
  }
  if (!attribute || values.length === 0) return null;
  // a single value column must be text (anything goes in it); typed value columns need a text one among them
  if (values.length === 1 && !isTextColumn(values[0]!)) return null;
  if (values.length > 1 && !values.some(isTextColumn)) return null;
  // the entity: a column named like one, else the one foreign key that is not the attribute's
  entity = rest.find((c) => ENTITY.test(c.name));
  if (!entity) {
    const references = rest.filter((c) => fkColumns.has(c.name) && !pk.has(c.name));
    if (references.length === 1) entity = references[0];
  }
  if (!entity) return null;
  const others = rest.filter((c) => c !== entity && !pk.has(c.name) && !BOOKKEEPING.test(c.name));
  if (others.length > maxOther) return null;
  return { entity, attribute, values, others };
}

export default defineRule<SchemaModel, Options>({
  id: 'schema/entity-attribute-value',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Entity-attribute-value table: (entity_id, attribute, value as text) rows instead of columns',
  reportsOn: ['table'],
  docs: {
    why: "An entity-attribute-value table (`product_attributes (product_id, name, value text)`, WordPress' `postmeta (post_id, meta_key, meta_value)`) stores each attribute of a row as a row of its own, with the value as text. It looks flexible and costs everything the database does for columns: no type (a price is '12,50' in one row and '12.5' in another), no NOT NULL or CHECK per attribute, no foreign key from a value, no statistics the planner can use per attribute; reading one entity's attributes means one join per attribute (or a pivot), and a filter on two attributes is a self-join. The rule reports a table with a column that names the entity (entity_id, object_id, owner_id… or its only foreign key), one that names the attribute (attribute, key, name, property, meta_key, attribute_id…) and a text value column (value, meta_value, or typed value_text / value_int columns), and at most `maxOtherColumns` other columns besides the key, timestamps and a type column. A log of changes (old_value, new_value) is not EAV and is not reported.",
    howToFix:
      "Attributes that every row has, or that queries filter on, become real columns with their type and constraints. Open-ended attributes go in one `jsonb` column on the entity's own table (`attributes jsonb NOT NULL DEFAULT '{}'`): one row per entity, a GIN index serves `attributes @> '{\"color\": \"red\"}'`, a CHECK keeps the types of the keys that matter (`CHECK (jsonb_typeof(attributes->'weight') IN ('number', 'null'))`), and a generated column extracts a hot attribute so it can be indexed and constrained like any other (`weight numeric GENERATED ALWAYS AS ((attributes->>'weight')::numeric) STORED`). The finding's fix sketches that migration as comments.",
    examples: {
      bad: 'CREATE TABLE product_attributes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  product_id bigint NOT NULL REFERENCES products (id), name text NOT NULL, value text);',
      good: "ALTER TABLE products ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}';\nCREATE INDEX idx_products_attributes ON products USING gin (attributes);",
    },
  },
  options: z.object({
    maxOtherColumns: z
      .number()
      .int()
      .min(0)
      .default(2)
      .describe(
        'Columns besides the entity, attribute, value, key, timestamps and type that an EAV table may have',
      ),
  }),
  check({ model, options, report }) {
    for (const table of model.tables) {
      const eav = eavShape(model, table, options.maxOtherColumns);
      if (!eav) continue;
      const fk = foreignKeys(table).find((k) => k.columns.length === 1 && k.columns[0] === eav.entity.name);
      const owner = fk ? model.table(fk.foreignKey!.referencedTable) : undefined;
      const t = tableSql(table);
      const e = identSql(eav.entity.name);
      const a = identSql(eav.attribute.name);
      const textValue = eav.values.find((v) => isTextColumn(v))!;
      const v = identSql(textValue.name);
      const attributeIsText = isTextColumn(eav.attribute);
      const existing = owner?.columns.find((c) => c.name === 'attributes');
      const merge = existing?.typeName === 'jsonb' && !existing.isArray;
      const docName = existing && !merge ? 'attributes_jsonb' : 'attributes';
      const doc = identSql(docName);
      const fix = owner
        ? [
            `-- the attributes as one jsonb document per ${owner.name} row (real columns for the ones every row has):`,
            ...(merge
              ? [`-- ${owner.qualifiedName} has a jsonb attributes column already: merge them into it`]
              : [
                  `-- ALTER TABLE ${tableSql(owner)} ADD COLUMN ${doc} jsonb NOT NULL DEFAULT '{}';`,
                  `-- CREATE INDEX CONCURRENTLY ${identSql(objectName('idx', owner.name, docName))} ON ${tableSql(owner)} USING gin (${doc});`,
                ]),
            ...(attributeIsText
              ? [
                  `-- UPDATE ${tableSql(owner)} AS o SET ${doc} = ${merge ? `o.${doc} || ` : ''}a.doc`,
                  `--   FROM (SELECT ${e}, jsonb_object_agg(${a}, ${v}) AS doc FROM ${t} GROUP BY ${e}) AS a`,
                  `--   WHERE o.${identSql(fk!.foreignKey!.referencedColumns[0]!)} = a.${e};  -- in batches on a large table`,
                ]
              : [`-- fill it from ${t}, joining ${a} to the attributes' names, in batches`]),
            `-- e.g. a hot attribute as a typed, indexable column: ALTER TABLE ${tableSql(owner)} ADD COLUMN weight numeric GENERATED ALWAYS AS ((${doc}->>'weight')::numeric) STORED;`,
            `-- then, once the application uses it: DROP TABLE ${t};`,
          ].join('\n')
        : [
            `-- the attributes as real columns, or as one jsonb document per ${eav.entity.name}, on the table that ${eav.entity.name} identifies:`,
            `-- SELECT ${e}, jsonb_object_agg(${a}, ${v}) AS attributes FROM ${t} GROUP BY ${e};`,
          ].join('\n');
      const valueText =
        eav.values.length === 1
          ? `${textValue.name} ${textValue.type}`
          : `values in ${eav.values.map((c) => c.name).join(', ')}`;
      report({
        message: `${table.qualifiedName} is an entity-attribute-value table (${eav.entity.name}, ${eav.attribute.name}, ${valueText}): each attribute is a row, so values have no type, NOT NULL, CHECK or foreign key, and reading an entity takes a join per attribute; use real columns${owner ? ` on ${owner.qualifiedName}` : ''}, or a jsonb column with CHECKs and generated columns for the attributes that matter`,
        location: { object: table.qualifiedName, kind: 'table' },
        fix,
      });
    }
  },
});
