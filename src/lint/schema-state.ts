import type { CatalogSnapshot } from '../catalog/model.js';
import type { TypeRef } from '../sql/types.js';
import type { Volatility } from './volatility.js';

export interface ColumnState {
  readonly type: TypeRef | undefined;
  notNull: boolean;
}

export type ConstraintKind = 'check' | 'foreign key' | 'unique' | 'primary key' | 'exclusion' | 'not null';

export interface ConstraintState {
  readonly kind: ConstraintKind;
  validated: boolean;
  readonly referencedTable?: string;
  /** A foreign key's own columns (dropping one of them drops the foreign key). */
  readonly columns?: readonly string[];
  /**
   * A foreign key's referenced columns (the referenced table's primary key when it names none): dropping one of
   * them with CASCADE drops the foreign key, and the unique key it leans on.
   */
  readonly referencedColumns?: readonly string[];
  /** A primary key's or unique constraint's columns. */
  readonly keyColumns?: readonly string[];
  /** The column a `CHECK (column IS NOT NULL)` or NOT NULL constraint proves non-null. */
  readonly notNullColumn?: string;
  /** The transaction (of the file being linted) that added it. */
  readonly addedIn?: TransactionRef;
}

/** Identifies one transaction of one file: statements sharing it hold their locks together. */
export interface TransactionRef {
  readonly file: string;
  readonly index: number;
}

export interface TableState {
  readonly name: string;
  readonly columns: Map<string, ColumnState>;
  readonly constraints: Map<string, ConstraintState>;
  partitioned: boolean;
  /** Size facts, from a database (--db). */
  readonly rows: number | null;
  readonly bytes: number | null;
  /** Set when the linted SQL created the table: lock rules do not apply to it there. */
  createdIn: TransactionRef | undefined;
  /**
   * The table is on the --db server: an earlier migration that creates it has already run there, so its size is
   * the server's, not that of a table just created.
   */
  readonly onServer?: boolean;
}

/**
 * What the linter knows of the schema a statement runs against: the database's catalog when one was given,
 * then every statement linted so far (earlier migrations first). It is a model, not a replay: it tracks what the
 * rules need (tables, columns and their types, constraints, indexes, sizes).
 */
export class SchemaState {
  readonly tables = new Map<string, TableState>();
  readonly indexes = new Map<
    string,
    {
      table: string;
      createdIn: TransactionRef | undefined;
      /** Its plain key columns (an ALTER COLUMN … TYPE that changes the operator class rebuilds it). */
      columns?: readonly string[];
    }
  >();
  readonly functions = new Map<string, Volatility>();
  readonly casts = new Set<string>();
  /** True when the state started from a real database (--db): an unknown table then does not exist. */
  readonly fromDatabase: boolean;
  /** The TimeZone the migrations' sessions start with (the config's, or the --db server's), when known. */
  sessionTimeZone: string | undefined;

  constructor(fromDatabase = false) {
    this.fromDatabase = fromDatabase;
  }

  static fromSnapshot(snapshot: CatalogSnapshot, casts: Iterable<string> = []): SchemaState {
    const state = new SchemaState(true);
    for (const table of snapshot.tables) {
      if (table.kind !== 'table' && table.kind !== 'partitioned table' && table.kind !== 'materialized view')
        continue;
      const columns = new Map<string, ColumnState>();
      for (const column of table.columns) {
        const mods = /\((\d+)(?:,(\d+))?\)/.exec(column.type);
        columns.set(column.name, {
          notNull: column.notNull,
          type: {
            name: column.typeName,
            schema: column.typeSchema === 'pg_catalog' ? undefined : column.typeSchema,
            mods: mods ? mods.slice(1).filter(Boolean).map(Number) : [],
            array: column.isArray,
            display: column.type,
          },
        });
      }
      const constraints = new Map<string, ConstraintState>();
      for (const constraint of table.constraints) {
        const notNull = /^CHECK \(\(?"?(\w+)"? IS NOT NULL\)?\)$/i.exec(constraint.definition)?.[1];
        constraints.set(constraint.name, {
          kind: constraint.type === 'exclusion' ? 'exclusion' : constraint.type,
          validated: constraint.validated,
          referencedTable: constraint.foreignKey?.referencedTable,
          ...(constraint.foreignKey
            ? { columns: constraint.columns, referencedColumns: constraint.foreignKey.referencedColumns }
            : {}),
          ...(constraint.type === 'primary key' || constraint.type === 'unique'
            ? { keyColumns: constraint.columns }
            : {}),
          notNullColumn: notNull,
        });
      }
      state.tables.set(table.qualifiedName, {
        name: table.qualifiedName,
        columns,
        constraints,
        partitioned: table.kind === 'partitioned table',
        rows: table.rowEstimate,
        bytes: table.sizes.total,
        createdIn: undefined,
        onServer: true,
      });
      for (const index of table.indexes)
        state.indexes.set(index.qualifiedName, {
          table: table.qualifiedName,
          createdIn: undefined,
          columns: index.columns.filter((column): column is string => column !== null),
        });
    }
    for (const fn of snapshot.functions) {
      state.functions.set(`${fn.schema}.${fn.name}`, fn.volatility);
      if (!state.functions.has(fn.name) || fn.schema === 'public')
        state.functions.set(fn.name, fn.volatility);
    }
    for (const cast of casts) state.casts.add(cast);
    return state;
  }

  table(name: string): TableState | undefined {
    return this.tables.get(name);
  }

  /** A copy of what statements change (tables, their columns and constraints, indexes), to go back to. */
  checkpoint(): () => void {
    const tables = [...this.tables].map(([name, table]) => [name, copyTable(table)] as const);
    const indexes = [...this.indexes];
    return () => {
      this.tables.clear();
      for (const [name, table] of tables) this.tables.set(name, copyTable(table));
      this.indexes.clear();
      for (const [name, index] of indexes) this.indexes.set(name, index);
    };
  }

  /** A table created by the SQL being linted, in the given transaction. */
  /** An independent copy: what a linter keeps to start again from this point. */
  copy(): SchemaState {
    const copy = new SchemaState(this.fromDatabase);
    for (const [name, table] of this.tables) copy.tables.set(name, copyTable(table));
    for (const [name, index] of this.indexes) copy.indexes.set(name, { ...index });
    for (const [name, volatility] of this.functions) copy.functions.set(name, volatility);
    for (const cast of this.casts) copy.casts.add(cast);
    copy.sessionTimeZone = this.sessionTimeZone;
    return copy;
  }

  createdIn(name: string, transaction: TransactionRef): boolean {
    const created = this.tables.get(name)?.createdIn;
    return created !== undefined && created.file === transaction.file && created.index === transaction.index;
  }

  /** Created by this file, in any of its transactions. */
  createdInFile(name: string, file: string): boolean {
    return this.tables.get(name)?.createdIn?.file === file;
  }

  addTable(name: string, createdIn: TransactionRef, partitioned: boolean): TableState {
    // a migration already applied on the --db server creates it again here: it keeps the server's size
    const server = this.tables.get(name);
    const onServer = server?.onServer === true;
    const table: TableState = {
      name,
      columns: new Map(),
      constraints: new Map(),
      partitioned,
      rows: onServer ? server.rows : null,
      bytes: onServer ? server.bytes : null,
      createdIn,
      ...(onServer ? { onServer } : {}),
    };
    this.tables.set(name, table);
    return table;
  }
}

function copyTable(table: TableState): TableState {
  return {
    ...table,
    columns: new Map([...table.columns].map(([name, column]) => [name, { ...column }])),
    constraints: new Map([...table.constraints].map(([name, constraint]) => [name, { ...constraint }])),
  };
}

/**
 * The foreign keys of other tables that reference `column` of `table` (explicitly, or through the primary key
 * when they name no column): what ALTER TABLE … DROP COLUMN … CASCADE drops with the column.
 */
export function foreignKeysReferencing(
  state: SchemaState,
  table: string,
  column: string,
): { table: TableState; key: string }[] {
  const primaryKey = [...(state.table(table)?.constraints.values() ?? [])].find(
    (c) => c.kind === 'primary key',
  )?.keyColumns;
  const found: { table: TableState; key: string }[] = [];
  for (const other of state.tables.values()) {
    if (other.name === table) continue;
    for (const [key, constraint] of other.constraints) {
      if (constraint.kind !== 'foreign key' || constraint.referencedTable !== table) continue;
      if ((constraint.referencedColumns ?? primaryKey)?.includes(column)) found.push({ table: other, key });
    }
  }
  return found;
}
