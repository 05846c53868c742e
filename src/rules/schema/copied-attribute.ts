import { z } from 'zod';
import type { ColumnInfo, ConstraintInfo, TableInfo } from '../../catalog/model.js';
import { defineRule } from '../../core/rule.js';
import { foreignKeys, identSql, literal, tableSql } from '../../schema/keys.js';
import { singularForms, templateName } from '../../schema/naming.js';
import { isTextColumn, typeFamily } from '../../schema/normalization.js';
import type { SchemaModel } from '../models.js';

interface Options {
  genericColumns: string[];
}

interface Copy {
  readonly table: TableInfo;
  readonly column: ColumnInfo;
  readonly fk: ConstraintInfo;
  readonly parent: TableInfo;
  readonly source: ColumnInfo;
}

export default defineRule<SchemaModel, Options>({
  id: 'schema/copied-attribute',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Column that copies an attribute of the row its foreign key references (orders.customer_email)',
  reportsOn: ['column'],
  docs: {
    why: "When orders has customer_id → customers and also customer_email, the email is stored twice: a customer who changes their email leaves old copies on their orders, and every write path must remember to update both (an update anomaly — the table is not in third normal form). Reports and the application then disagree depending on which copy they read. The rule reports a column named after the referenced table and one of its columns (`customer_email` for customers.email, `product_name` for products.name; the prefix may also be the foreign key column's, `billing_address_city` for billing_address_id → addresses.city), or, for text, carrying the same name as that column (`sku` beside product_id → products.sku; a number or a date of the same name is the row's own measure), with the same type family (text, integer, number, time…). Key columns, foreign key columns, and generic names that many tables carry with their own meaning (`genericColumns`: name, status, created_at…) are not compared by the same name. A differently named copy is not reported: `order_items.unit_price` beside products.price is the classic snapshot — the price at the time of the order — and its name says so.",
    howToFix:
      "Read the attribute through the join (`SELECT o.*, c.email FROM orders o JOIN customers c ON c.id = o.customer_id`, or a view that does), move the application's reads to it, then drop the copy. When the copy is intended — the value at the time of the event, kept even if the source changes (the email an invoice was sent to, the product name printed on the order) — say so: rename it to say it is a snapshot (`email_at_order`, `invoiced_email`), or accept the finding with the reason, in the column's comment (`COMMENT ON COLUMN orders.customer_email IS 'pgwarden-ignore schema/copied-attribute: the address the confirmation was sent to'`) or in the config's `schema.ignore`.",
    examples: {
      bad: 'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  customer_id bigint NOT NULL REFERENCES customers (id), customer_email text NOT NULL);',
      good: 'CREATE VIEW order_details AS\n  SELECT o.*, c.email AS customer_email FROM orders o JOIN customers c ON c.id = o.customer_id;',
    },
  },
  options: z.object({
    genericColumns: z
      .array(z.string().min(1))
      .default([
        'id',
        'name',
        'title',
        'description',
        'notes',
        'comment',
        'status',
        'state',
        'type',
        'kind',
        'category',
        'code',
        'position',
        'sort_order',
        'version',
        'active',
        'is_active',
        'enabled',
        'metadata',
        'data',
        'attributes',
        'settings',
        'locale',
        'currency',
        'created_at',
        'updated_at',
        'deleted_at',
        'created_by',
        'updated_by',
        'deleted_by',
      ])
      .describe(
        'Columns that many tables carry with their own meaning: not compared by the same name (customer_name still matches customers.name)',
      ),
  }),
  check({ model, options, report }) {
    const generic = new Set(options.genericColumns.map((c) => c.toLowerCase()));
    const tenant = model.conventions.tenancy.column;
    const singularsOf = new Map<string, Set<string>>();
    const singulars = (parent: TableInfo): Set<string> => {
      let forms = singularsOf.get(parent.qualifiedName);
      if (!forms) {
        forms = singularForms(templateName(parent.name));
        singularsOf.set(parent.qualifiedName, forms);
      }
      return forms;
    };
    for (const table of model.tables) {
      const fks = foreignKeys(table);
      if (fks.length === 0) continue;
      const keyColumns = new Set(
        table.constraints.filter((c) => c.type === 'primary key').flatMap((c) => c.columns),
      );
      const fkColumns = new Set(fks.flatMap((fk) => fk.columns));
      const reported = new Set<string>();
      for (const fk of fks) {
        const parent = model.table(fk.foreignKey!.referencedTable);
        if (!parent) continue;
        const parentKeys = new Set([
          ...fk.foreignKey!.referencedColumns,
          ...parent.constraints
            .filter((c) => c.type === 'primary key' || c.type === 'foreign key')
            .flatMap((c) => c.columns),
        ]);
        const sources = new Map<string, ColumnInfo>();
        for (const column of parent.columns) {
          // keys and references (`*_id`) are scopes copied on purpose (a tenant, an account), not attributes
          if (parentKeys.has(column.name) || column.name === tenant || /(^|_)id$/i.test(column.name))
            continue;
          sources.set(column.name.toLowerCase(), column);
        }
        if (sources.size === 0) continue;
        // prefixes a copy may carry: the referenced table in the singular, and the foreign key column without _id
        const prefixes = new Set(singulars(parent));
        // the column that names the parent row (customer_id; billing_address_id of (tenant_id, billing_address_id))
        const own = fk.columns.filter((c, i) => c !== fk.foreignKey!.referencedColumns[i]);
        const stem = own.length === 1 ? /^(.+)_id$/i.exec(own[0]!)?.[1] : undefined;
        if (stem) prefixes.add(stem.toLowerCase());
        // in a self-reference the same name is the column itself
        const sameName = parent.qualifiedName !== table.qualifiedName;
        for (const column of table.columns) {
          if (reported.has(column.name) || keyColumns.has(column.name) || fkColumns.has(column.name))
            continue;
          if (column.generated !== null || column.name === tenant) continue;
          const lower = column.name.toLowerCase();
          let source: ColumnInfo | undefined;
          for (const prefix of prefixes) {
            if (lower.startsWith(`${prefix}_`)) source = sources.get(lower.slice(prefix.length + 1));
            if (source) break;
          }
          // an unprefixed same name is a copy only for descriptive text (email, sku); a number, a date or a flag
          // of the same name is this row's own measure (stock_movements.quantity is not stock_levels.quantity)
          if (!source && sameName && !generic.has(lower) && isTextColumn(column)) source = sources.get(lower);
          if (!source || typeFamily(source) !== typeFamily(column)) continue;
          reported.add(column.name);
          reportCopy({ table, column, fk, parent, source });
        }
      }
    }

    function reportCopy({ table: child, column, fk, parent, source }: Copy) {
      const t = tableSql(child);
      const on = fk.columns
        .map((c, i) => `p.${identSql(fk.foreignKey!.referencedColumns[i]!)} = t.${identSql(c)}`)
        .join(' AND ');
      const fix = [
        `-- read it through the join (or a view that does), then drop the copy:`,
        `-- SELECT t.*, p.${identSql(source.name)} FROM ${t} AS t JOIN ${tableSql(parent)} AS p ON ${on};`,
        `-- ALTER TABLE ${t} DROP COLUMN ${identSql(column.name)};`,
        '-- or, when it is a snapshot on purpose (the value at the time of the row), say so:',
        `-- COMMENT ON COLUMN ${t}.${identSql(column.name)} IS ${literal('pgwarden-ignore schema/copied-attribute: <why the copy is kept>')};`,
      ].join('\n');
      report({
        message: `${child.qualifiedName}.${column.name} copies ${parent.qualifiedName}.${source.name} (${child.name}.${fk.columns.join(', ')} → ${parent.name}): the two drift apart when the ${parent.name} row changes, unless every write updates both`,
        location: { object: `${child.qualifiedName}.${column.name}`, kind: 'column' },
        fix,
      });
    }
  },
});
