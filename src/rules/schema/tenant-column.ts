import { defineRule } from '../../core/rule.js';
import {
  foreignKeys,
  freeConstraintName,
  identSql,
  objectName,
  setNotNullStatements,
  tableSql,
} from '../../schema/keys.js';
import { tenancyOf } from '../../schema/tenancy.js';
import type { SchemaModel } from '../models.js';

export default defineRule<SchemaModel>({
  id: 'schema/tenant-column',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Tenant column missing, nullable, or not a foreign key to the tenants table',
  reportsOn: ['table', 'column'],
  docs: {
    why: 'In a multi-tenant schema every row must say whose it is, and say it reliably. A NULL tenant is a row no tenant owns (or, depending on how the policies are written, that every tenant sees): it is an error. Without a foreign key to the tenants table, rows can name tenants that do not exist, and deleting a tenant leaves orphans nobody can reach. With `schema.tenancy.mode` set to `all`, every table but the `globalTables` and the tenants table itself must have the tenant column: a table without it is shared by every tenant, which is a design decision to write down in `globalTables`. In `auto` mode (the default) only the tables that have the column are checked; `off` turns the multi-tenancy rules off. The tenants table is the one the tenant columns reference (else a table named after the column: tenant_id → tenants).',
    howToFix:
      'A nullable tenant column: backfill, then the safe NOT NULL recipe (CHECK … IS NOT NULL NOT VALID, VALIDATE, SET NOT NULL, drop the CHECK). A missing foreign key: `ADD CONSTRAINT … FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE RESTRICT NOT VALID`, then VALIDATE CONSTRAINT (reads and writes go on); RESTRICT refuses to delete a tenant that still has rows — write CASCADE if deleting a tenant should delete its data. A missing column: add it nullable with the foreign key, backfill every row with its tenant, then the NOT NULL recipe (on a table with rows the recipe fails until the backfill is done).',
    examples: {
      bad: 'CREATE TABLE invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tenant_id uuid, total numeric);',
      good: 'CREATE TABLE invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE, total numeric);',
    },
  },
  check({ model, report }) {
    const tenancy = tenancyOf(model);
    if (tenancy.mode === 'off') return;
    const { column, tenants, tenantKey } = tenancy;
    const c = identSql(column);
    const reference = tenants && tenantKey ? `${tableSql(tenants)} (${identSql(tenantKey.name)})` : null;
    // the type of the tenant column elsewhere, for a table that lacks it
    const typeCounts = new Map<string, number>();
    for (const table of tenancy.tenantTables) {
      const type = table.columns.find((col) => col.name === column)!.type;
      typeCounts.set(type, (typeCounts.get(type) ?? 0) + 1);
    }
    const columnType =
      tenantKey?.type ?? [...typeCounts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'bigint';

    const foreignKeyStatements = (table: (typeof model.tables)[number]) => {
      const t = tableSql(table);
      const name = identSql(freeConstraintName(table, objectName(table.name, column, 'fkey')));
      return [
        `ALTER TABLE ${t} ADD CONSTRAINT ${name} FOREIGN KEY (${c}) REFERENCES ${reference} ON DELETE RESTRICT NOT VALID;`,
        `ALTER TABLE ${t} VALIDATE CONSTRAINT ${name};`,
      ];
    };

    if (tenancy.mode === 'all') {
      for (const table of model.tables) {
        if (
          table.qualifiedName === tenants?.qualifiedName ||
          tenancy.isGlobal(table) ||
          table.columns.some((col) => col.name === column)
        )
          continue;
        const t = tableSql(table);
        report({
          message: `${table.qualifiedName} has no ${column} column (tenancy mode "all"): its rows belong to no tenant; add the column, or list the table in schema.tenancy.globalTables`,
          location: { object: table.qualifiedName, kind: 'table' },
          fix: [
            `ALTER TABLE ${t} ADD COLUMN ${c} ${columnType};`,
            ...(reference ? foreignKeyStatements(table) : []),
            `-- backfill every row with its tenant (UPDATE ${t} SET ${c} = … in batches), then:`,
            ...setNotNullStatements(table, column),
          ].join('\n'),
        });
      }
    }

    for (const table of tenancy.tenantTables) {
      const col = table.columns.find((x) => x.name === column)!;
      const location = { object: `${table.qualifiedName}.${column}`, kind: 'column' as const };
      if (!col.notNull) {
        const stats = model.columnStats(table.qualifiedName, column);
        const nulls = stats !== undefined && stats.nullFraction > 0;
        report({
          message: `${table.qualifiedName}.${column} is nullable${nulls ? `, and ~${Math.round(stats.nullFraction * 1000) / 10}% of the rows have no tenant` : ''}: a row without a tenant belongs to nobody, or to everybody`,
          location,
          severity: 'error',
          fix: [
            ...(nulls
              ? [`-- give every row its tenant first: SELECT * FROM ${tableSql(table)} WHERE ${c} IS NULL;`]
              : []),
            ...setNotNullStatements(table, column),
          ].join('\n'),
        });
      }
      if (!reference || !tenantKey || !tenants) continue;
      const hasForeignKey = foreignKeys(table).some(
        (fk) => fk.columns.includes(column) && fk.foreignKey!.referencedTable === tenants.qualifiedName,
      );
      if (hasForeignKey) continue;
      const sameType = col.typeName === tenantKey.typeName;
      report({
        message: `${table.qualifiedName}.${column} is not a foreign key to ${tenants.qualifiedName}${sameType ? '' : ` (and it is ${col.type} while ${tenants.qualifiedName}.${tenantKey.name} is ${tenantKey.type})`}: rows can name tenants that do not exist`,
        location,
        fix: sameType
          ? [
              '-- ON DELETE RESTRICT refuses to delete a tenant that has rows here; CASCADE deletes them with it',
              ...foreignKeyStatements(table),
            ].join('\n')
          : null,
      });
    }
  },
});
