import type { ColumnInfo, TableInfo } from '../../catalog/model.js';
import { defineRule } from '../../core/rule.js';
import { foreignKeys, identSql, tableSql } from '../../schema/keys.js';
import type { SchemaModel } from '../models.js';

const INTEGER_RANK: Record<string, number> = { smallint: 1, integer: 2, bigint: 3 };

/** `character varying(20)` → { base: 'character varying', length: 20 }. */
function textType(type: string): { base: string; length: number | null } | null {
  const match = /^(text|character varying)(?:\((\d+)\))?$/.exec(type);
  return match ? { base: match[1]!, length: match[2] ? Number(match[2]) : null } : null;
}

/** A change PostgreSQL makes without rewriting the table (binary-coercible text types getting wider). */
function withoutRewrite(from: string, to: string): boolean {
  const a = textType(from);
  const b = textType(to);
  if (!a || !b) return false;
  if (b.base === 'text' || b.length === null) return true;
  return a.base === 'character varying' && a.length !== null && a.length <= b.length;
}

export default defineRule<SchemaModel>({
  id: 'schema/foreign-key-type-mismatch',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Foreign key column of another type than the column it references',
  reportsOn: ['column'],
  docs: {
    why: 'PostgreSQL accepts a foreign key between columns of different but comparable types (integer → bigint, varchar(20) → text), and the mismatch stays hidden until it bites: an integer column referencing a bigint key fails on the first parent id above 2,147,483,647, a varchar(20) cannot hold a longer key, and every foreign key check and join compares across types. A domain counts as its base type.',
    howToFix:
      "Give the referencing column the referenced column's type: `ALTER TABLE child ALTER COLUMN col TYPE bigint` — it rewrites the table and rebuilds its indexes under an ACCESS EXCLUSIVE lock (only binary-coercible changes such as varchar → text skip the rewrite), so on a large table plan it: a new column, a batched backfill, a swap. When the referenced key is the narrower integer, widen the key instead (and every column that references it): narrowing the child would only move the overflow.",
    examples: {
      bad: 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id integer REFERENCES customers (id)); -- customers.id is bigint',
      good: 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));',
    },
  },
  check({ model, report }) {
    const domains = new Map<string, string>();
    for (const type of model.snapshot.types) {
      if (type.kind === 'domain' && type.baseType) domains.set(`${type.schema}.${type.name}`, type.baseType);
    }
    const resolved = (column: ColumnInfo) =>
      domains.get(`${column.typeSchema}.${column.typeName}`) ?? column.type;
    // every column that references each key column, to widen them together with the key
    const referencing = new Map<string, { table: TableInfo; column: ColumnInfo }[]>();
    for (const table of model.snapshot.tables) {
      for (const fk of foreignKeys(table)) {
        fk.columns.forEach((name, i) => {
          const column = table.columns.find((c) => c.name === name);
          if (!column) return;
          const key = `${fk.foreignKey!.referencedTable}.${fk.foreignKey!.referencedColumns[i]}`;
          const list = referencing.get(key) ?? [];
          list.push({ table, column });
          referencing.set(key, list);
        });
      }
    }

    const alter = (table: TableInfo, column: ColumnInfo, type: string) => {
      const c = identSql(column.name);
      return `ALTER TABLE ${tableSql(table)} ALTER COLUMN ${c} TYPE ${type} USING ${c}::${type};${withoutRewrite(resolved(column), type) ? '' : '  -- rewrites the table and its indexes (ACCESS EXCLUSIVE)'}`;
    };

    for (const table of model.tables) {
      for (const fk of foreignKeys(table)) {
        const parent = model.table(fk.foreignKey!.referencedTable);
        if (!parent) continue;
        fk.columns.forEach((name, i) => {
          const column = table.columns.find((c) => c.name === name);
          const refName = fk.foreignKey!.referencedColumns[i]!;
          const target = parent.columns.find((c) => c.name === refName);
          if (!column || !target) return;
          const from = resolved(column);
          const to = resolved(target);
          if (from === to) return;
          const keyNarrower =
            (INTEGER_RANK[to] ?? 0) > 0 && (INTEGER_RANK[to] ?? 0) < (INTEGER_RANK[from] ?? 0);
          let fix: string;
          if (keyNarrower) {
            const others = (referencing.get(`${parent.qualifiedName}.${refName}`) ?? []).filter(
              (r) =>
                !(r.table.qualifiedName === table.qualifiedName && r.column.name === column.name) &&
                (INTEGER_RANK[resolved(r.column)] ?? 99) < (INTEGER_RANK[from] ?? 0),
            );
            fix = [
              `-- the key ${parent.qualifiedName}.${refName} is the narrower one: widen it (and the columns that reference it)`,
              alter(parent, target, from),
              ...others.map((r) => alter(r.table, r.column, from)),
            ].join('\n');
          } else {
            fix = alter(table, column, to);
          }
          report({
            message: `${table.qualifiedName}.${name} is ${from} but references ${parent.qualifiedName}.${refName}, which is ${to} (foreign key ${fk.name})${keyNarrower ? ': the key is the narrower type' : ''}`,
            location: { object: `${table.qualifiedName}.${name}`, kind: 'column' },
            fix,
          });
        });
      }
    }
  },
});
