import type { MigrationModel } from '../lint/migration-model.js';
import type { TypeRef } from '../lint/types.js';
import { asNode, type Node, stringValues } from '../sql/ast.js';

/** Something a statement destroys, and what must be backed up before it runs. */
export interface Destruction {
  readonly line: number;
  /** What the statement does, e.g. `DROP TABLE public.orders`. */
  readonly action: string;
  /** The objects to back up: tables (`schema.table`) or whole schemas. */
  readonly backup: {
    readonly tables: readonly string[];
    readonly schemas: readonly string[];
    /**
     * Tables whose rows go too through foreign keys that reference these: TRUNCATE … CASCADE empties every
     * referencing table, DELETE follows ON DELETE CASCADE / SET NULL / SET DEFAULT. Found on the live catalog.
     */
    readonly referencedBy?: 'truncate' | 'delete';
  };
}

// Type changes that keep every value (widening): anything else may round, truncate or drop information.
const WIDENING = new Set([
  'int2>int4',
  'int2>int8',
  'int4>int8',
  'int2>numeric',
  'int4>numeric',
  'int8>numeric',
  'float4>float8',
  'varchar>text',
  'bpchar>text',
  'date>timestamp',
  'date>timestamptz',
  'timestamp>timestamptz',
  'json>jsonb',
]);

function lossy(change: {
  from: TypeRef | undefined;
  to: TypeRef;
  keepsData: boolean | undefined;
  using: boolean;
}): boolean {
  if (change.keepsData === true) return false;
  if (change.using || !change.from) return true;
  return !WIDENING.has(`${change.from.name}>${change.to.name}`);
}

/**
 * The statements of a migration that destroy data — DROP TABLE / SCHEMA / COLUMN / MATERIALIZED VIEW, TRUNCATE,
 * DELETE or UPDATE without WHERE, type changes that can lose values — and the objects each one needs backed up.
 * Objects the migration itself created are not listed (there is nothing to lose yet).
 */
export function destructions(model: MigrationModel): Destruction[] {
  const found: Destruction[] = [];
  for (const analyzed of model.statements) {
    if (analyzed.embeddedIn === 'function') continue;
    const line = analyzed.statement.start.line;
    const add = (
      action: string,
      tables: string[],
      schemas: string[] = [],
      referencedBy?: 'truncate' | 'delete',
    ) => {
      const kept = tables.filter((t) => !model.createdHere(t));
      if (kept.length > 0 || schemas.length > 0)
        found.push({
          line,
          action,
          backup: { tables: kept, schemas, ...(referencedBy ? { referencedBy } : {}) },
        });
    };
    const drop = asNode<{ removeType?: string; objects?: Node[] }>(analyzed.statement.ast, 'DropStmt');
    if (drop?.removeType === 'OBJECT_SCHEMA') {
      const schemas = (drop.objects ?? [])
        .map((o) => asNode<{ sval?: string }>(o, 'String')?.sval)
        .filter((s): s is string => Boolean(s));
      add(`DROP SCHEMA ${schemas.join(', ')}`, [], schemas);
      continue;
    }
    if (drop?.removeType === 'OBJECT_MATVIEW') {
      const views = (drop.objects ?? []).map((o) => {
        const items = stringValues(asNode<{ items?: Node[] }>(o, 'List')?.items);
        return items.length === 1 ? `public.${items[0]}` : items.slice(-2).join('.');
      });
      add(`DROP MATERIALIZED VIEW ${views.join(', ')}`, views);
      continue;
    }
    for (const operation of analyzed.operations) {
      const table = operation.relations.table;
      if (!table) continue;
      switch (operation.entry) {
        case 'drop-table':
          add(`DROP TABLE ${table}`, [table]);
          break;
        case 'drop-column':
          add(`DROP COLUMN ${table}.${operation.column}`, [table]);
          break;
        case 'truncate':
          add(
            `TRUNCATE ${table}${operation.cascade ? ' CASCADE' : ''}`,
            [table],
            [],
            operation.cascade ? 'truncate' : undefined,
          );
          break;
        case 'write':
          if (operation.unbounded)
            add(
              `${operation.summary} ${table} without WHERE`,
              [table],
              [],
              operation.summary === 'DELETE' ? 'delete' : undefined,
            );
          break;
        case 'alter-column-type':
          if (operation.typeChange && lossy(operation.typeChange))
            add(`ALTER COLUMN ${table}.${operation.column} TYPE ${operation.typeChange.to.display}`, [table]);
          break;
        default:
          break;
      }
    }
  }
  return found;
}
