import { asNode, type Node, qualify, type RangeVar, rangeVarName, stringValues } from '../sql/ast.js';
import { SERIAL_TYPES, typeRef } from '../sql/types.js';
import {
  type ConstraintKind,
  foreignKeysReferencing,
  type SchemaState,
  type TableState,
  type TransactionRef,
} from './schema-state.js';

const name = (rangeVar: unknown): string | undefined => {
  const n = rangeVarName(rangeVar as RangeVar | undefined);
  return n ? qualify(n) : undefined;
};

/** The column a `CHECK (column IS NOT NULL)` expression proves non-null. */
export function notNullCheckColumn(expression: unknown): string | undefined {
  const test = asNode<{ arg?: Node; nulltesttype?: string }>(expression, 'NullTest');
  if (test?.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const fields = stringValues(asNode<{ fields?: Node[] }>(test.arg, 'ColumnRef')?.fields);
  return fields.length === 1 ? fields[0] : undefined;
}

const KINDS: Record<string, ConstraintKind> = {
  CONSTR_CHECK: 'check',
  CONSTR_FOREIGN: 'foreign key',
  CONSTR_UNIQUE: 'unique',
  CONSTR_PRIMARY: 'primary key',
  CONSTR_EXCLUSION: 'exclusion',
  CONSTR_NOTNULL: 'not null',
};

const SUFFIXES: Record<ConstraintKind, string> = {
  check: 'check',
  'foreign key': 'fkey',
  unique: 'key',
  'primary key': 'pkey',
  exclusion: 'excl',
  'not null': 'not_null',
};

function addConstraint(
  table: TableState,
  constraint: Record<string, unknown>,
  transaction: TransactionRef,
  column?: string,
): void {
  const kind = KINDS[String(constraint.contype)];
  if (!kind) return;
  const columns = stringValues((constraint.keys ?? constraint.fk_attrs) as Node[] | undefined);
  // PostgreSQL's own name for an unnamed constraint (ChooseConstraintName, without the 63-byte truncation)
  const keys = columns.length > 0 ? columns : column ? [column] : [];
  const conname =
    typeof constraint.conname === 'string'
      ? constraint.conname
      : kind === 'primary key'
        ? `${table.name.split('.')[1]}_pkey`
        : `${[table.name.split('.')[1], ...(kind === 'check' ? keys.slice(0, 1) : keys)].join('_')}_${SUFFIXES[kind]}`;
  // a foreign key without referenced columns references the primary key (read when needed: it may come later)
  const referenced = stringValues(constraint.pk_attrs as Node[] | undefined);
  table.constraints.set(conname, {
    kind,
    validated: constraint.skip_validation !== true && constraint.is_enforced !== false,
    referencedTable: kind === 'foreign key' ? name(constraint.pktable) : undefined,
    ...(kind === 'foreign key'
      ? { columns: keys, ...(referenced.length > 0 ? { referencedColumns: referenced } : {}) }
      : {}),
    ...(kind === 'primary key' || kind === 'unique' ? { keyColumns: keys } : {}),
    notNullColumn:
      kind === 'check'
        ? notNullCheckColumn(constraint.raw_expr)
        : kind === 'not null'
          ? (columns[0] ?? column)
          : undefined,
    addedIn: transaction,
  });
  if ((kind === 'primary key' || kind === 'not null') && constraint.skip_validation !== true) {
    for (const col of columns.length > 0 ? columns : column ? [column] : []) {
      const state = table.columns.get(col);
      if (state) state.notNull = true;
    }
  }
}

function addColumn(table: TableState, def: Record<string, unknown>, transaction: TransactionRef): void {
  const colname = typeof def.colname === 'string' ? def.colname : undefined;
  if (!colname) return;
  const type = typeRef(def.typeName);
  const constraints = ((def.constraints as Node[] | undefined) ?? []).map(
    (n) => asNode<Record<string, unknown>>(n, 'Constraint') ?? {},
  );
  const normalized = type && SERIAL_TYPES[type.name] ? { ...type, name: SERIAL_TYPES[type.name]! } : type;
  table.columns.set(colname, {
    type: normalized,
    notNull: constraints.some(
      (c) =>
        c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_IDENTITY',
    ),
  });
  for (const constraint of constraints) {
    if (constraint.contype !== 'CONSTR_NOTNULL') addConstraint(table, constraint, transaction, colname);
  }
}

/** What a statement changed in the set of tables: those it created, and those it renamed (or moved). */
export interface StateChange {
  readonly created: string[];
  readonly renamed: { readonly from: string; readonly to: string }[];
}

const schemaOf = (qualified: string) => qualified.slice(0, qualified.indexOf('.'));
const unqualified = (qualified: string) => qualified.slice(qualified.indexOf('.') + 1);

/**
 * A table takes a new name (RENAME TO, SET SCHEMA): it keeps everything known of it (columns, constraints, size,
 * where it was created); its indexes follow it (into its new schema), and foreign keys that reference it too.
 */
function renameTable(state: SchemaState, table: TableState, to: string): void {
  const from = table.name;
  state.tables.delete(from);
  state.tables.set(to, { ...table, name: to });
  for (const [key, index] of [...state.indexes]) {
    if (index.table !== from) continue;
    const moved = schemaOf(from) === schemaOf(to) ? key : `${schemaOf(to)}.${unqualified(key)}`;
    state.indexes.delete(key);
    state.indexes.set(moved, { ...index, table: to });
  }
  for (const other of state.tables.values()) {
    for (const [key, constraint] of other.constraints) {
      if (constraint.referencedTable === from)
        other.constraints.set(key, { ...constraint, referencedTable: to });
    }
  }
}

/** An index takes a new name; the constraint it backs (UNIQUE, PRIMARY KEY) is renamed with it, as PostgreSQL does. */
function renameIndex(state: SchemaState, from: string, newName: string): void {
  const index = state.indexes.get(from);
  if (!index) return;
  state.indexes.delete(from);
  state.indexes.set(`${schemaOf(from)}.${newName}`, index);
  const constraints = state.table(index.table)?.constraints;
  const constraint = constraints?.get(unqualified(from));
  if (constraints && constraint && (constraint.kind === 'unique' || constraint.kind === 'primary key')) {
    constraints.delete(unqualified(from));
    constraints.set(newName, constraint);
  }
}

/** Records what a statement did to the schema, for the statements after it. */
export function applyToState(
  kind: string,
  ast: Node,
  state: SchemaState,
  transaction: TransactionRef,
): StateChange {
  const change: StateChange = { created: [], renamed: [] };
  apply(kind, ast, state, transaction, change);
  return change;
}

function apply(
  kind: string,
  ast: Node,
  state: SchemaState,
  transaction: TransactionRef,
  change: StateChange,
): void {
  const payload = asNode<Record<string, unknown>>(ast, kind) ?? {};
  switch (kind) {
    case 'CreateStmt': {
      const table = name(payload.relation);
      if (!table || (payload.if_not_exists === true && state.table(table))) return;
      const created = state.addTable(table, transaction, payload.partspec !== undefined);
      change.created.push(table);
      for (const element of (payload.tableElts as Node[] | undefined) ?? []) {
        const column = asNode<Record<string, unknown>>(element, 'ColumnDef');
        if (column) addColumn(created, column, transaction);
        const constraint = asNode<Record<string, unknown>>(element, 'Constraint');
        if (constraint) addConstraint(created, constraint, transaction);
      }
      return;
    }
    case 'CreateTableAsStmt': {
      const into =
        asNode<{ rel?: RangeVar }>(payload.into, 'IntoClause') ??
        (payload.into as { rel?: RangeVar } | undefined);
      const table = name(into?.rel);
      if (!table || (payload.if_not_exists === true && state.table(table))) return;
      state.addTable(table, transaction, false);
      change.created.push(table);
      return;
    }
    case 'AlterTableStmt': {
      const table = state.table(name(payload.relation) ?? '');
      if (!table) return;
      for (const node of (payload.cmds as Node[] | undefined) ?? []) {
        const cmd = asNode<Record<string, unknown>>(node, 'AlterTableCmd');
        if (!cmd) continue;
        const column = typeof cmd.name === 'string' ? cmd.name : undefined;
        switch (cmd.subtype) {
          case 'AT_AddColumn':
            addColumn(table, asNode<Record<string, unknown>>(cmd.def, 'ColumnDef') ?? {}, transaction);
            break;
          case 'AT_DropColumn':
            if (column) {
              // with CASCADE, the other tables' foreign keys that reference the column go too (without, the
              // statement fails while there is one)
              if (cmd.behavior === 'DROP_CASCADE')
                for (const { table: other, key } of foreignKeysReferencing(state, table.name, column))
                  other.constraints.delete(key);
              table.columns.delete(column);
              // PostgreSQL drops the column's foreign keys, unique keys and indexes with it
              for (const [key, constraint] of table.constraints)
                if (constraint.columns?.includes(column) || constraint.keyColumns?.includes(column))
                  table.constraints.delete(key);
              for (const [key, index] of state.indexes)
                if (index.table === table.name && index.columns?.includes(column)) state.indexes.delete(key);
            }
            break;
          case 'AT_AlterColumnType': {
            const state = column ? table.columns.get(column) : undefined;
            const type = typeRef(asNode<Record<string, unknown>>(cmd.def, 'ColumnDef')?.typeName);
            if (column && state && type) table.columns.set(column, { ...state, type });
            break;
          }
          case 'AT_SetNotNull': {
            const state = column ? table.columns.get(column) : undefined;
            if (state) state.notNull = true;
            break;
          }
          case 'AT_DropNotNull': {
            const state = column ? table.columns.get(column) : undefined;
            if (state) state.notNull = false;
            break;
          }
          case 'AT_AddConstraint': {
            const constraint = asNode<Record<string, unknown>>(cmd.def, 'Constraint');
            if (constraint) addConstraint(table, constraint, transaction);
            break;
          }
          case 'AT_ValidateConstraint': {
            const constraint = column ? table.constraints.get(column) : undefined;
            if (constraint) constraint.validated = true;
            break;
          }
          case 'AT_DropConstraint':
            if (column) table.constraints.delete(column);
            break;
          default:
            break;
        }
      }
      return;
    }
    case 'IndexStmt': {
      const table = name(payload.relation);
      if (table && typeof payload.idxname === 'string') {
        const columns = ((payload.indexParams as Node[] | undefined) ?? [])
          .map((param) => asNode<{ name?: string }>(param, 'IndexElem')?.name)
          .filter((column): column is string => column !== undefined);
        state.indexes.set(`${table.split('.')[0]}.${payload.idxname}`, {
          table,
          createdIn: transaction,
          columns,
        });
      }
      return;
    }
    case 'DropStmt': {
      for (const object of (payload.objects as Node[] | undefined) ?? []) {
        const items = stringValues(asNode<{ items?: Node[] }>(object, 'List')?.items);
        const qualified = items.length === 1 ? `public.${items[0]}` : items.slice(-2).join('.');
        if (payload.removeType === 'OBJECT_TABLE' || payload.removeType === 'OBJECT_MATVIEW') {
          if (!state.tables.delete(qualified)) continue;
          for (const [key, index] of [...state.indexes])
            if (index.table === qualified) state.indexes.delete(key);
          // the other tables' foreign keys to it went with it (CASCADE; without, the DROP fails)
          for (const other of state.tables.values())
            for (const [key, constraint] of other.constraints)
              if (constraint.referencedTable === qualified) other.constraints.delete(key);
        }
        if (payload.removeType === 'OBJECT_INDEX') state.indexes.delete(qualified);
      }
      return;
    }
    case 'RenameStmt': {
      const from = name(payload.relation);
      const newName = typeof payload.newname === 'string' ? payload.newname : undefined;
      if (!from || !newName) return;
      const table = state.table(from);
      switch (payload.renameType) {
        case 'OBJECT_TABLE':
        case 'OBJECT_MATVIEW':
        case 'OBJECT_FOREIGN_TABLE': {
          // ALTER TABLE also renames an index
          if (!table) {
            if (state.indexes.has(from)) renameIndex(state, from, newName);
            return;
          }
          const to = `${schemaOf(from)}.${newName}`;
          renameTable(state, table, to);
          change.renamed.push({ from, to });
          return;
        }
        case 'OBJECT_INDEX':
          renameIndex(state, from, newName);
          return;
        case 'OBJECT_COLUMN': {
          const old = typeof payload.subname === 'string' ? payload.subname : undefined;
          const column = old ? table?.columns.get(old) : undefined;
          if (!table || !old || !column) return;
          table.columns.delete(old);
          table.columns.set(newName, column);
          for (const [key, constraint] of table.constraints) {
            if (constraint.notNullColumn !== old && !constraint.columns?.includes(old)) continue;
            table.constraints.set(key, {
              ...constraint,
              notNullColumn: constraint.notNullColumn === old ? newName : constraint.notNullColumn,
              columns: constraint.columns?.map((c) => (c === old ? newName : c)),
            });
          }
          return;
        }
        case 'OBJECT_TABCONSTRAINT': {
          const old = typeof payload.subname === 'string' ? payload.subname : undefined;
          const constraint = old ? table?.constraints.get(old) : undefined;
          if (!table || !old || !constraint) return;
          table.constraints.delete(old);
          table.constraints.set(newName, constraint);
          // the index behind a UNIQUE or PRIMARY KEY constraint takes its new name
          const index = `${schemaOf(from)}.${old}`;
          if (
            (constraint.kind === 'unique' || constraint.kind === 'primary key') &&
            state.indexes.get(index)?.table === table.name
          ) {
            const entry = state.indexes.get(index)!;
            state.indexes.delete(index);
            state.indexes.set(`${schemaOf(from)}.${newName}`, entry);
          }
          return;
        }
        default:
          return;
      }
    }
    case 'AlterObjectSchemaStmt': {
      const from = name(payload.relation);
      const schema = typeof payload.newschema === 'string' ? payload.newschema : undefined;
      const table = from ? state.table(from) : undefined;
      if (!from || !table || !schema) return;
      if (
        payload.objectType !== 'OBJECT_TABLE' &&
        payload.objectType !== 'OBJECT_MATVIEW' &&
        payload.objectType !== 'OBJECT_FOREIGN_TABLE'
      )
        return;
      const to = `${schema}.${unqualified(from)}`;
      if (to === from) return;
      renameTable(state, table, to);
      change.renamed.push({ from, to });
      return;
    }
    default:
      return;
  }
}
