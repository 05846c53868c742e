import type { ColumnInfo, TableInfo } from '../../catalog/model.js';
import { defineRule } from '../../core/rule.js';
import { isToolTable } from '../../schema/conventions.js';
import { foreignKeys, freeConstraintName, identSql, objectName, tableSql } from '../../schema/keys.js';
import { isSnakeCase, singularForms, toSnakeCase } from '../../schema/naming.js';
import type { SchemaModel } from '../models.js';

/** The words after the entity that make a column name a reference: `order_id`, `orderId`, `order_uuid`. */
const REFERENCE = /^(.+)_(id|uuid)$/;
/** Companion columns that make a `{stem}_id` polymorphic: it names a row of whichever table they say. */
const POLYMORPHIC = ['type', 'class', 'kind', 'table', 'model'];

interface Target {
  readonly table: TableInfo;
  readonly column: string;
}

const snakeOf = (name: string) => (isSnakeCase(name) ? name : toSnakeCase(name));

/** The single-column keys of a table (primary key first, then unique constraints and plain unique indexes). */
function singleColumnKeys(table: TableInfo): string[] {
  const keys: string[] = [];
  const pk = table.constraints.find((c) => c.type === 'primary key');
  if (pk && pk.columns.length === 1) keys.push(pk.columns[0]!);
  for (const c of table.constraints)
    if (c.type === 'unique' && c.columns.length === 1 && !c.inherited) keys.push(c.columns[0]!);
  for (const index of table.indexes)
    if (
      index.unique &&
      index.valid &&
      index.predicate === null &&
      index.expressions === null &&
      index.columns.length === 1 &&
      index.columns[0] !== null
    )
      keys.push(index.columns[0]!);
  return [...new Set(keys)];
}

const sameType = (a: ColumnInfo, b: ColumnInfo) =>
  a.typeName === b.typeName && a.typeSchema === b.typeSchema && a.isArray === b.isArray;

export default defineRule<SchemaModel>({
  id: 'schema/missing-foreign-key',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Column named and typed like a reference to a table, with no foreign key',
  reportsOn: ['column'],
  docs: {
    why: "A column named `order_id` (or `orderId`) of the type of orders' key is a reference in everyone's mind but not in the database's: nothing stops it from pointing at an order that never existed or was deleted, and such orphans are found months later, by a report that does not add up or a join that silently drops rows. A foreign key costs a lookup per write and answers for the data forever. Constraints are the schema's best friends: the ORM's relation, a validation in the application or a convention in a team's head are all bypassed by the first script, import or second service.",
    howToFix:
      "Add the foreign key without blocking the table: `ALTER TABLE orders ADD CONSTRAINT orders_coupon_id_fkey FOREIGN KEY (coupon_id) REFERENCES coupons (id) NOT VALID;` checks new rows only and takes a brief SHARE ROW EXCLUSIVE lock on both tables; then `ALTER TABLE orders VALIDATE CONSTRAINT orders_coupon_id_fkey;` reads the existing rows under a lock that lets reads and writes go on. VALIDATE fails on the first orphan: find them first (the fix carries the query) and delete them, or set them to NULL. Before PostgreSQL 18 a partitioned table takes no NOT VALID foreign key: its fix adds it in one step, which checks every row. Choose ON DELETE (see schema/foreign-key-on-delete) and index the column (schema/foreign-key-without-index) with it. Reported: a column whose name is an entity followed by `_id` or `_uuid` in the project's case (`coupon_id`, `couponId`, `shipping_address_id` → the last words name the table), where a table of that entity exists (singular or plural, in the column's schema first), the column has the type of that table's single-column primary key or unique key, and no foreign key includes the column. Not reported: polymorphic references (a `{entity}_type`, `_class`, `_kind`, `_table` or `_model` column beside `{entity}_id`, as Rails' and Laravel's polymorphic associations write them), columns of another type than the key (a Stripe `customer_id` text beside customers (integer)), ids of other systems that match no table (`stripe_id`, `external_id`), names that lead back to their own table (`accounts.provider_account_id` is the provider's id, a self-reference is named for its role: `parent_id`), and tables that migration tools own.",
    examples: {
      bad: 'CREATE TABLE orders (id bigint PRIMARY KEY, coupon_id bigint);  -- coupons (id bigint) exists',
      good: 'CREATE TABLE orders (id bigint PRIMARY KEY, coupon_id bigint REFERENCES coupons (id));',
    },
  },
  check({ model, pgVersion, report }) {
    const reviewed = new Set(model.schemas);
    // tables by every singular and plural spelling of their name (snake_case), reviewed schemas only
    const byEntity = new Map<string, TableInfo[]>();
    for (const table of model.snapshot.tables) {
      if (table.kind !== 'table' && table.kind !== 'partitioned table') continue;
      if (table.partitionOf !== null || !reviewed.has(table.schema) || isToolTable(table.name)) continue;
      const snake = snakeOf(table.name);
      if (snake === null) continue;
      for (const form of new Set([snake, ...singularForms(snake)])) {
        const list = byEntity.get(form) ?? [];
        list.push(table);
        byEntity.set(form, list);
      }
    }
    const targetOf = (table: TableInfo, column: ColumnInfo, stem: string): Target | null => {
      // the longest tail of the stem that names a table: `shipping_address` → shipping_addresses, else addresses
      const words = stem.split('_');
      for (let start = 0; start < words.length; start++) {
        const entity = words.slice(start).join('_');
        const tables = byEntity.get(entity) ?? [];
        const ordered = [
          ...tables.filter((t) => t.schema === table.schema),
          ...tables.filter((t) => t.schema !== table.schema),
        ];
        for (const candidate of ordered) {
          const keys = singleColumnKeys(candidate);
          if (candidate.qualifiedName === table.qualifiedName && keys.includes(column.name)) continue;
          const key = keys
            .map((name) => candidate.columns.find((c) => c.name === name))
            .find((c): c is ColumnInfo => c !== undefined && sameType(c, column));
          if (key) return { table: candidate, column: key.name };
        }
        if (ordered.length > 0) return null; // the entity's table exists, with no key of this type
      }
      return null;
    };

    for (const table of model.tables) {
      if (isToolTable(table.name)) continue;
      const inForeignKey = new Set(foreignKeys(table).flatMap((fk) => fk.columns));
      const snakeColumns = new Set(table.columns.map((c) => snakeOf(c.name)));
      for (const column of table.columns) {
        if (inForeignKey.has(column.name) || column.generated !== null) continue;
        const snake = snakeOf(column.name);
        const match = snake ? REFERENCE.exec(snake) : null;
        if (!match) continue;
        const stem = match[1]!.replace(/^_+/, '');
        if (stem.length === 0) continue;
        if (POLYMORPHIC.some((word) => snakeColumns.has(`${stem}_${word}`))) continue;
        const target = targetOf(table, column, stem);
        if (!target) continue;
        // a name that leads back to its own table is another system's id (`Account.providerAccountId`) or the
        // table's own key (`accounts.account_id`) far more often than a self-reference, which is named for its role
        if (target.table.qualifiedName === table.qualifiedName) continue;

        const t = tableSql(table);
        const c = identSql(column.name);
        const r = tableSql(target.table);
        const k = identSql(target.column);
        const name = identSql(freeConstraintName(table, objectName(table.name, column.name, 'fkey')));
        const definition = `FOREIGN KEY (${c}) REFERENCES ${r} (${k})`;
        const notValid = table.kind !== 'partitioned table' || pgVersion >= 18;
        const orphans = `-- orphans make VALIDATE fail; find them first: SELECT ${c} FROM ${t} x WHERE ${c} IS NOT NULL AND NOT EXISTS (SELECT FROM ${r} y WHERE y.${k} = x.${c});`;
        const fix = notValid
          ? [
              orphans,
              `ALTER TABLE ${t} ADD CONSTRAINT ${name} ${definition} NOT VALID;`,
              `ALTER TABLE ${t} VALIDATE CONSTRAINT ${name};`,
            ]
          : [
              orphans,
              '-- before PostgreSQL 18 a partitioned table takes no NOT VALID foreign key: this ADD checks every row',
              `ALTER TABLE ${t} ADD CONSTRAINT ${name} ${definition};`,
            ];
        report({
          message: `${table.qualifiedName}.${column.name} looks like a reference to ${target.table.qualifiedName} (${target.column}), of the same type (${column.type}), but no foreign key says so: nothing stops it from pointing at a row that does not exist`,
          location: { object: `${table.qualifiedName}.${column.name}`, kind: 'column' },
          fix: fix.join('\n'),
        });
      }
    }
  },
});
