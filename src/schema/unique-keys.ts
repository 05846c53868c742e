import type { ColumnInfo, IndexInfo, TableInfo } from '../catalog/model.js';
import { qualifiedIdent } from '../sql/quote.js';
import {
  buildIndexStatements,
  dropIndexStatement,
  foreignKeys,
  generatesValues,
  identSql,
  indexShape,
  mentionsColumn,
  type NameRegistry,
  objectName,
  predicateRequiresNull,
  sameColumnSet,
  tableSql,
} from './keys.js';
import type { SchemaModel } from './model.js';
import { splitTopLevel } from './naming.js';
import type { Tenancy } from './tenancy.js';

/**
 * The conventional shape of a unique key, shared by the rules that judge unique keys (tenant-in-keys,
 * soft-delete-index, likely-unique): per tenant on a tenant table, case-insensitive for emails and user names,
 * over the live rows of a soft-delete table. Each rule reports its own aspect, and all of them propose the same
 * replacement index, so applying one fix settles them all.
 */

/** Columns whose uniqueness must ignore case (schema/likely-unique's `caseInsensitive` default). */
export const DEFAULT_CASELESS: readonly string[] = ['email', 'username', 'user_name', 'login', 'handle'];

export interface UniqueKeyContext {
  readonly model: SchemaModel;
  readonly tenancy: Tenancy;
  readonly caseless: ReadonlySet<string>;
  /** `schema.table` → the column sets foreign keys reference. */
  readonly referenced: ReadonlyMap<string, readonly (readonly string[])[]>;
  readonly tenantTables: ReadonlySet<string>;
}

export function uniqueKeyContext(
  model: SchemaModel,
  tenancy: Tenancy,
  caseless: readonly string[] = DEFAULT_CASELESS,
): UniqueKeyContext {
  const referenced = new Map<string, (readonly string[])[]>();
  for (const table of model.snapshot.tables) {
    for (const fk of foreignKeys(table)) {
      const list = referenced.get(fk.foreignKey!.referencedTable) ?? [];
      list.push(fk.foreignKey!.referencedColumns);
      referenced.set(fk.foreignKey!.referencedTable, list);
    }
  }
  return {
    model,
    tenancy,
    caseless: new Set(caseless),
    referenced,
    tenantTables: new Set(tenancy.tenantTables.map((t) => t.qualifiedName)),
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The column compares without case by itself: citext, a case-insensitive collation, a CHECK that folds it. */
export function caselessByType(table: TableInfo, column: ColumnInfo): boolean {
  if (column.typeName === 'citext') return true;
  if (column.collation !== null && /ci|insensitive|nocase|nondeterministic/i.test(column.collation))
    return true;
  const folded = new RegExp(`(lower|upper)\\(+${escapeRegExp(identSql(column.name))}\\b`);
  return table.constraints.some(
    (c) => c.type === 'check' && c.columns.includes(column.name) && folded.test(c.definition),
  );
}

/** What the conventions ask of one unique index, and the index they want instead. */
export interface UniqueKeyVerdict {
  /** Foreign keys reference the key: it cannot be dropped while they exist (and must stay whole). */
  readonly referenced: boolean;
  /** Unique by construction: a generated column, or a foreign key to a row of another tenant table. */
  readonly byConstruction: boolean;
  /** The tenant column the key lacks (null: it has it, or needs none). */
  readonly missingTenant: string | null;
  /** Plain key columns compared with case that should not be. */
  readonly caseSensitive: readonly string[];
  /** The soft-delete column the predicate lacks (null: it has it, or needs none). */
  readonly missingLiveOnly: string | null;
}

const facts = new WeakMap<TableInfo, { generated: Set<string>; scoped: Set<string> }>();

/** Per table, once: the columns that generate their values, and those pointing at rows of other tenant tables. */
function tableFacts(
  ctx: UniqueKeyContext,
  table: TableInfo,
): { generated: Set<string>; scoped: Set<string> } {
  let found = facts.get(table);
  if (!found) {
    const { tenancy } = ctx;
    found = {
      generated: new Set(table.columns.filter((c) => generatesValues(c)).map((c) => c.name)),
      scoped: new Set(
        foreignKeys(table)
          .filter(
            (fk) =>
              fk.columns.length === 1 &&
              fk.columns[0] !== tenancy.column &&
              tenancy.isTenantTable(fk.foreignKey!.referencedTable),
          )
          .map((fk) => fk.columns[0]!),
      ),
    };
    facts.set(table, found);
  }
  return found;
}

export function judgeUniqueKey(ctx: UniqueKeyContext, table: TableInfo, index: IndexInfo): UniqueKeyVerdict {
  const { model, tenancy } = ctx;
  const plain = index.columns.filter((c): c is string => c !== null);
  const referenced =
    index.expressions === null &&
    (ctx.referenced.get(table.qualifiedName) ?? []).some((k) => sameColumnSet(index.columns, k));
  const { generated, scoped } = tableFacts(ctx, table);
  const byConstruction = plain.some((c) => generated.has(c) || scoped.has(c));

  const tenant = tenancy.column;
  const hasTenant = index.columns.includes(tenant) || mentionsColumn(index.expressions, tenant);
  const missingTenant =
    ctx.tenantTables.has(table.qualifiedName) &&
    !hasTenant &&
    !byConstruction &&
    !(index.primary && plain.includes('id'))
      ? tenant
      : null;

  const caseSensitive = index.primary
    ? []
    : plain.filter((name) => {
        if (!ctx.caseless.has(name)) return false;
        const column = table.columns.find((c) => c.name === name);
        return column !== undefined && !caselessByType(table, column);
      });

  const softDelete = model.conventions.softDeleteColumn;
  const missingLiveOnly =
    table.columns.some((c) => c.name === softDelete) &&
    !index.primary &&
    !referenced &&
    !(index.expressions === null && plain.length > 0 && plain.every((c) => generated.has(c))) &&
    !predicateRequiresNull(index.predicate, softDelete) &&
    !index.columns.includes(softDelete) &&
    !index.include.includes(softDelete) &&
    !mentionsColumn(index.expressions, softDelete) &&
    !mentionsColumn(index.predicate, softDelete)
      ? softDelete
      : null;

  return { referenced, byConstruction, missingTenant, caseSensitive, missingLiveOnly };
}

/**
 * The fix that replaces a unique index by its conventional shape, without a moment unprotected: the new index
 * first (CONCURRENTLY, or per partition), then the old key dropped and its name given to the new index (a primary
 * key is swapped in one short transaction). Null when the definition cannot be taken apart.
 */
export function replaceUniqueKey(
  ctx: UniqueKeyContext,
  table: TableInfo,
  index: IndexInfo,
  verdict: UniqueKeyVerdict,
  names: NameRegistry,
  suffix: string,
): string | null {
  const { model } = ctx;
  const shape = indexShape(index);
  if (!shape) return null;
  if (index.primary && table.kind === 'partitioned table') return null; // no PRIMARY KEY USING INDEX there
  const caseless = new Set(verdict.caseSensitive.map((c) => identSql(c)));
  const elements = splitTopLevel(shape.keys).map((k) => (caseless.has(k) ? `lower(${k})` : k));
  if (verdict.missingTenant) elements.unshift(identSql(verdict.missingTenant));
  const live = verdict.missingLiveOnly ? `${identSql(verdict.missingLiveOnly)} IS NULL` : null;
  const predicate = live ? (index.predicate ? `${index.predicate} AND ${live}` : live) : index.predicate;

  const changes = [
    ...(verdict.missingTenant ? [`per tenant (${verdict.missingTenant})`] : []),
    ...verdict.caseSensitive.map((c) => `lower(${c})`),
    ...(live ? [`live rows only (${live})`] : []),
  ];
  const t = tableSql(table);
  const temp = names.free(index.schema, objectName(index.name, suffix));
  const old = identSql(index.constraint ?? index.name);
  const swap = index.primary
    ? [
        'BEGIN;',
        `ALTER TABLE ${t} DROP CONSTRAINT ${old};`,
        `ALTER TABLE ${t} ADD CONSTRAINT ${old} PRIMARY KEY USING INDEX ${identSql(temp)};`,
        'COMMIT;',
      ]
    : [
        index.constraint !== null
          ? `ALTER TABLE ${t} DROP CONSTRAINT ${old};`
          : dropIndexStatement(table, index),
        `ALTER INDEX ${qualifiedIdent(index.schema, temp)} RENAME TO ${identSql(index.name)};`,
      ];
  return [
    `-- the new key: ${changes.join(', ')}${verdict.caseSensitive.length > 0 ? '; it fails if two rows differ only by case' : ''}`,
    ...buildIndexStatements(
      model,
      table,
      {
        name: temp,
        unique: true,
        method: shape.method,
        keys: elements.join(', '),
        middle: shape.middle,
        predicate,
      },
      names,
    ),
    ...(verdict.referenced
      ? [
          `-- foreign keys reference ${index.constraint ?? index.name}: move them to the new key, then:`,
          ...swap.map((s) => `-- ${s}`),
        ]
      : swap),
  ].join('\n');
}
