import type { ColumnInfo, TableInfo } from '../catalog/model.js';
import { objectPattern } from './build.js';
import { foreignKeys } from './keys.js';
import type { SchemaModel } from './model.js';

/** The multi-tenancy convention (config `schema.tenancy`) applied to one model. */
export interface Tenancy {
  readonly column: string;
  readonly mode: 'auto' | 'all' | 'off';
  /**
   * The tenants table: the one the tenant columns reference (the most referenced, if several); else a table
   * named after the column (`tenant_id` → tenants, tenant). Null when there is none.
   */
  readonly tenants: TableInfo | null;
  /** The tenants table's key column (single-column primary key), when there is one. */
  readonly tenantKey: ColumnInfo | null;
  /** Tables listed in `globalTables` (by `schema.table` or bare name, `*` patterns). */
  isGlobal(table: TableInfo): boolean;
  /** Tables whose rows belong to a tenant: they have the column, and are neither the tenants table nor global. */
  readonly tenantTables: readonly TableInfo[];
  /** The table has the tenant column (its rows belong to a tenant). */
  isTenantTable(qualifiedName: string): boolean;
}

const computed = new WeakMap<SchemaModel, Tenancy>();

/** The tenancy of a model (computed once per model: several rules ask). */
export function tenancyOf(model: SchemaModel): Tenancy {
  let tenancy = computed.get(model);
  if (!tenancy) {
    tenancy = computeTenancy(model);
    computed.set(model, tenancy);
  }
  return tenancy;
}

function computeTenancy(model: SchemaModel): Tenancy {
  const { column, mode, globalTables } = model.conventions.tenancy;
  const patterns = globalTables.map(objectPattern);
  const isGlobal = (table: TableInfo) =>
    patterns.some((p) => p.test(table.qualifiedName) || p.test(table.name));

  const counts = new Map<string, number>();
  for (const table of model.snapshot.tables) {
    for (const fk of foreignKeys(table)) {
      if (fk.columns.length === 1 && fk.columns[0] === column) {
        const target = fk.foreignKey!.referencedTable;
        counts.set(target, (counts.get(target) ?? 0) + 1);
      }
    }
  }
  let tenants: TableInfo | null = null;
  let best = 0;
  for (const [name, count] of counts) {
    const table = model.table(name);
    if (table && count > best) {
      tenants = table;
      best = count;
    }
  }
  if (!tenants && column.endsWith('_id')) {
    const base = column.slice(0, -3);
    const named = new Set([base, `${base}s`, `${base}es`]);
    tenants = model.tables.find((t) => named.has(t.name)) ?? null;
  }
  const pk = tenants?.constraints.find((c) => c.type === 'primary key');
  const tenantKey =
    tenants && pk && pk.columns.length === 1
      ? (tenants.columns.find((c) => c.name === pk.columns[0]) ?? null)
      : null;

  const tenantTables = model.tables.filter(
    (t) =>
      t !== tenants &&
      t.qualifiedName !== tenants?.qualifiedName &&
      !isGlobal(t) &&
      t.columns.some((c) => c.name === column),
  );
  const names = new Set(
    model.snapshot.tables.filter((t) => t.columns.some((c) => c.name === column)).map((t) => t.qualifiedName),
  );
  return {
    column,
    mode,
    tenants,
    tenantKey,
    isGlobal,
    tenantTables: mode === 'off' ? [] : tenantTables,
    isTenantTable: (name) => names.has(name),
  };
}
