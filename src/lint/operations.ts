import type { LockEntryId, TargetRole } from '../locks/model.js';
import { LOCK_MODES, type LockMode } from '../locks/modes.js';
import { asNode, type Node, qualify, type RangeVar, rangeVarName, stringValues } from '../sql/ast.js';
import { changeKeepsData, SERIAL_TYPES, type TypeRef, typeRef } from '../sql/types.js';
import {
  type ConstraintKind,
  foreignKeysReferencing,
  type SchemaState,
  type TransactionRef,
} from './schema-state.js';
import { betweenTimestamps, isUtcZone } from './time-zone.js';
import { columnDefault, expressionVolatility, type VolatilityVerdict } from './volatility.js';

/** One thing a statement does to one relation, tied to its lock model entry. */
export interface Operation {
  /** Lock model entry id; undefined for statements that take no lock worth modelling (SET, BEGIN). */
  readonly entry: LockEntryId | undefined;
  readonly relations: Partial<Record<TargetRole, string>>;
  /** What it does, in SQL words: `ADD COLUMN total numeric DEFAULT 0`. */
  readonly summary: string;
  /** The relation was created earlier in the same transaction: nobody else can be waiting for it. */
  readonly newTable: boolean;
  readonly column?: string;
  readonly constraintName?: string;
  readonly constraintKind?: ConstraintKind;
  readonly notValid?: boolean;
  readonly notEnforced?: boolean;
  readonly usingIndex?: string;
  readonly volatility?: VolatilityVerdict;
  readonly generated?: 'stored' | 'virtual' | 'identity' | 'serial';
  readonly notNull?: boolean;
  readonly hasDefault?: boolean;
  readonly typeChange?: {
    readonly from: TypeRef | undefined;
    readonly to: TypeRef;
    readonly keepsData: boolean | undefined;
    readonly using: boolean;
    /** timestamp ↔ timestamptz (precision kept or widened): no rewrite on 12+ when the session's TimeZone is UTC. */
    readonly betweenTimestamps: boolean;
  };
  /** Indexes on the column that a type change keeping the table's files still rebuilds (another operator class). */
  readonly rebuildsIndexes?: readonly string[];
  readonly concurrently?: boolean;
  readonly cascade?: boolean;
  readonly partitioned?: boolean;
  /** CREATE INDEX … ON ONLY: on a partitioned table, the parent's index alone (instant, invalid until attached). */
  readonly onlyParent?: boolean;
  readonly lockMode?: LockMode;
  /** A data change without WHERE (UPDATE/DELETE). */
  readonly unbounded?: boolean;
  /** DROP … IF EXISTS / CREATE … IF NOT EXISTS. */
  readonly ifExists?: boolean;
  /** SET NOT NULL proven by a valid CHECK (column IS NOT NULL): PostgreSQL 12+ skips the scan. */
  readonly provenNotNull?: boolean;
  /** SET NOT NULL on a column that is NOT NULL already (a primary key's, say): PostgreSQL changes nothing, reads nothing. */
  readonly alreadyNotNull?: boolean;
  /** ATTACH PARTITION of a partition that has a valid CHECK constraint (taken to imply the bound). */
  readonly provenBound?: boolean;
}

const name = (rangeVar: unknown): string | undefined => {
  const n = rangeVarName(rangeVar as RangeVar | undefined);
  return n ? qualify(n) : undefined;
};

function objectName(node: Node | undefined): string | undefined {
  const items = stringValues(asNode<{ items?: Node[] }>(node, 'List')?.items);
  if (items.length === 0) return undefined;
  return items.length === 1 ? `public.${items[0]}` : items.slice(-2).join('.');
}

function defNames(options: Node[] | undefined): string[] {
  return (options ?? []).map((o) => asNode<{ defname?: string }>(o, 'DefElem')?.defname ?? '');
}

interface Context {
  readonly state: SchemaState;
  readonly transaction: TransactionRef;
  readonly pgVersion: number;
  /** The session's TimeZone when the statement runs, when known. */
  readonly timeZone?: string;
}

/** The operations of one statement, given what is known of the schema before it runs. */
export function operationsOf(kind: string, ast: Node, context: Context): Operation[] {
  const operations = statementOperations(kind, ast, context);
  const writes = cteWrites(asNode<Record<string, unknown>>(ast, kind), context);
  return writes.length > 0 ? [...operations, ...writes] : operations;
}

/**
 * The writes of a statement's data-modifying CTEs (`WITH u AS (UPDATE … RETURNING …) SELECT …`): PostgreSQL runs
 * them whatever the outer statement is, a backfill loop's batch often among them.
 */
function cteWrites(payload: Record<string, unknown> | undefined, context: Context): Operation[] {
  const ctes = (payload?.withClause as { ctes?: Node[] } | undefined)?.ctes ?? [];
  return ctes.flatMap((node) => {
    const query = asNode<{ ctequery?: Node }>(node, 'CommonTableExpr')?.ctequery;
    const kind = query ? Object.keys(query)[0] : undefined;
    return kind === 'InsertStmt' || kind === 'UpdateStmt' || kind === 'DeleteStmt'
      ? operationsOf(kind, query!, context)
      : [];
  });
}

function statementOperations(kind: string, ast: Node, context: Context): Operation[] {
  const payload = asNode<Record<string, unknown>>(ast, kind) ?? {};
  const isNew = (relation: string | undefined) =>
    relation !== undefined && context.state.createdIn(relation, context.transaction);
  const op = (
    entry: LockEntryId | undefined,
    relations: Operation['relations'],
    summary: string,
    more: Partial<Operation> = {},
  ): Operation => ({
    entry,
    relations,
    summary,
    newTable: isNew(relations.table ?? relations.index),
    ...more,
  });

  switch (kind) {
    case 'AlterTableStmt': {
      const table = name(payload.relation);
      if (!table) return [];
      if (payload.objtype === 'OBJECT_INDEX') return [op('rename-index', { index: table }, 'ALTER INDEX')];
      const commands = ((payload.cmds as Node[] | undefined) ?? [])
        .map((cmd) => asNode<Record<string, unknown>>(cmd, 'AlterTableCmd'))
        .filter((c): c is Record<string, unknown> => c !== undefined);
      const statement = {
        addsColumnWithDefault: commands.some(
          (c) =>
            c.subtype === 'AT_AddColumn' &&
            hasDefaultExpression(asNode<Record<string, unknown>>(c.def, 'ColumnDef') ?? {}),
        ),
      };
      return commands.flatMap((c) => alterTableCommand(table, c, context, op, statement));
    }
    case 'IndexStmt': {
      const table = name(payload.relation);
      const concurrently = payload.concurrent === true;
      const index =
        typeof payload.idxname === 'string'
          ? `${table?.split('.')[0] ?? 'public'}.${payload.idxname}`
          : undefined;
      return [
        op(
          concurrently ? 'create-index-concurrently' : 'create-index',
          { table },
          `CREATE ${payload.unique ? 'UNIQUE ' : ''}INDEX${concurrently ? ' CONCURRENTLY' : ''}`,
          {
            concurrently,
            partitioned: table ? context.state.table(table)?.partitioned : undefined,
            // the parser writes `inh: true` for a plain ON t, and leaves it out for ON ONLY t
            onlyParent: (payload.relation as { inh?: boolean } | undefined)?.inh !== true,
            ifExists: payload.if_not_exists === true,
            constraintName: index,
          },
        ),
      ];
    }
    case 'DropStmt': {
      const objects = (payload.objects as Node[] | undefined) ?? [];
      const ifExists = payload.missing_ok === true;
      const cascade = payload.behavior === 'DROP_CASCADE';
      switch (payload.removeType) {
        case 'OBJECT_TABLE':
          return objects.flatMap((o) => {
            const table = objectName(o);
            return [
              op('drop-table', { table }, 'DROP TABLE', { ifExists, cascade }),
              ...(table ? droppedForeignKeys(context.state, op, table, 'DROP TABLE', { cascade }) : []),
            ];
          });
        case 'OBJECT_INDEX':
          return objects.map((o) => {
            const index = objectName(o);
            const table = index ? context.state.indexes.get(index)?.table : undefined;
            const concurrently = payload.concurrent === true;
            return op(
              concurrently ? 'drop-index-concurrently' : 'drop-index',
              { table, index },
              `DROP INDEX${concurrently ? ' CONCURRENTLY' : ''}`,
              {
                concurrently,
                ifExists,
                newTable:
                  index !== undefined &&
                  context.state.indexes.get(index)?.createdIn?.index === context.transaction.index &&
                  context.state.indexes.get(index)?.createdIn?.file === context.transaction.file,
              },
            );
          });
        case 'OBJECT_TRIGGER':
        case 'OBJECT_POLICY':
        case 'OBJECT_RULE':
          return objects.map((o) => {
            const items = stringValues(asNode<{ items?: Node[] }>(o, 'List')?.items);
            const table = items.length >= 3 ? `${items[0]}.${items[1]}` : `public.${items[0]}`;
            const entry = payload.removeType === 'OBJECT_TRIGGER' ? 'drop-trigger' : 'create-policy';
            return op(entry, { table }, `DROP ${String(payload.removeType).slice(7)}`, { ifExists });
          });
        case 'OBJECT_MATVIEW':
        case 'OBJECT_VIEW':
        case 'OBJECT_SEQUENCE':
        case 'OBJECT_SCHEMA':
        case 'OBJECT_TYPE':
        case 'OBJECT_FUNCTION':
        case 'OBJECT_DOMAIN':
        case 'OBJECT_EXTENSION':
          return [
            op(
              undefined,
              {},
              `DROP ${String(payload.removeType).slice(7).replace('MATVIEW', 'MATERIALIZED VIEW')}`,
              { ifExists, cascade },
            ),
          ];
        default:
          return [];
      }
    }
    case 'RenameStmt': {
      const table = name(payload.relation);
      if (payload.renameType === 'OBJECT_INDEX')
        return [op('rename-index', { index: table }, 'ALTER INDEX … RENAME')];
      if (payload.renameType === 'OBJECT_SCHEMA') return [op(undefined, {}, 'ALTER SCHEMA … RENAME')];
      if (!table) return [];
      const what =
        payload.renameType === 'OBJECT_COLUMN'
          ? 'RENAME COLUMN'
          : payload.renameType === 'OBJECT_TABCONSTRAINT'
            ? 'RENAME CONSTRAINT'
            : 'RENAME';
      return [
        op('rename', { table }, what, {
          column: typeof payload.subname === 'string' ? payload.subname : undefined,
        }),
      ];
    }
    case 'AlterObjectSchemaStmt': {
      const table = name(payload.relation);
      return table ? [op('rename', { table }, 'SET SCHEMA')] : [];
    }
    case 'ReindexStmt': {
      const concurrently = defNames(payload.params as Node[] | undefined).includes('concurrently');
      const target = name(payload.relation);
      const isIndex = payload.kind === 'REINDEX_OBJECT_INDEX';
      const table = isIndex ? (target ? context.state.indexes.get(target)?.table : undefined) : target;
      return [
        op(
          concurrently ? 'reindex-concurrently' : 'reindex',
          { table, ...(isIndex ? { index: target } : {}) },
          `REINDEX${concurrently ? ' CONCURRENTLY' : ''}`,
          {
            concurrently,
          },
        ),
      ];
    }
    case 'ClusterStmt':
      return [op('vacuum-full', { table: name(payload.relation) }, 'CLUSTER')];
    case 'VacuumStmt': {
      const options = defNames(payload.options as Node[] | undefined);
      const full = options.includes('full');
      const relations = ((payload.rels as Node[] | undefined) ?? []).map((r) =>
        name(asNode<{ relation?: RangeVar }>(r, 'VacuumRelation')?.relation),
      );
      const label = payload.is_vacuumcmd ? (full ? 'VACUUM FULL' : 'VACUUM') : 'ANALYZE';
      const entry = !payload.is_vacuumcmd ? 'analyze' : full ? 'vacuum-full' : 'vacuum';
      if (relations.length === 0) return [op(entry, {}, label)];
      return relations.map((table) => op(entry, { table }, label));
    }
    case 'TruncateStmt':
      return ((payload.relations as Node[] | undefined) ?? []).map((r) =>
        op('truncate', { table: name(asNode(r, 'RangeVar')) }, 'TRUNCATE', {
          cascade: payload.behavior === 'DROP_CASCADE',
        }),
      );
    case 'CreateTrigStmt':
      return [op('create-trigger', { table: name(payload.relation) }, 'CREATE TRIGGER')];
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      return [
        op(
          'create-policy',
          { table: name(payload.table) },
          kind === 'CreatePolicyStmt' ? 'CREATE POLICY' : 'ALTER POLICY',
        ),
      ];
    case 'RefreshMatViewStmt': {
      const concurrently = payload.concurrent === true;
      return [
        op(
          concurrently ? 'refresh-materialized-view-concurrently' : 'refresh-materialized-view',
          { table: name(payload.relation) },
          `REFRESH MATERIALIZED VIEW${concurrently ? ' CONCURRENTLY' : ''}`,
          {
            concurrently,
          },
        ),
      ];
    }
    case 'CommentStmt': {
      if (payload.objtype !== 'OBJECT_TABLE' && payload.objtype !== 'OBJECT_COLUMN') return [];
      const items = stringValues(asNode<{ items?: Node[] }>(payload.object, 'List')?.items);
      const parts = payload.objtype === 'OBJECT_COLUMN' ? items.slice(0, -1) : items;
      const table =
        parts.length >= 2 ? parts.slice(-2).join('.') : parts.length === 1 ? `public.${parts[0]}` : undefined;
      return [op('comment', { table }, 'COMMENT ON')];
    }
    case 'CreateStatsStmt': {
      const from = ((payload.relations as Node[] | undefined) ?? []).map((r) => name(asNode(r, 'RangeVar')));
      return [op('create-statistics', { table: from[0] }, 'CREATE STATISTICS')];
    }
    case 'CreateStmt':
      return createTable(payload, context);
    case 'AlterEnumStmt':
      return [
        op('enum-add-value', {}, payload.oldVal ? 'ALTER TYPE … RENAME VALUE' : 'ALTER TYPE … ADD VALUE'),
      ];
    case 'LockStmt': {
      // the parser numbers the modes from 1 (AccessShareLock), as lockdefs.h does; LOCK TABLE alone is the strongest
      const mode: LockMode =
        LOCK_MODES[Number(payload.mode ?? LOCK_MODES.length) - 1] ?? 'AccessExclusiveLock';
      return ((payload.relations as Node[] | undefined) ?? []).map((r) =>
        op('lock-table', { table: name(asNode(r, 'RangeVar')) }, 'LOCK TABLE', { lockMode: mode }),
      );
    }
    case 'InsertStmt':
      return [op('write', { table: name(payload.relation) }, 'INSERT')];
    case 'UpdateStmt':
    case 'DeleteStmt':
      return [
        op('write', { table: name(payload.relation) }, kind === 'UpdateStmt' ? 'UPDATE' : 'DELETE', {
          unbounded: payload.whereClause === undefined,
        }),
      ];
    case 'MergeStmt':
      return [op('merge', { table: name(payload.relation) }, 'MERGE')];
    case 'CreateFunctionStmt':
      return payload.is_procedure === true ? [op('create-procedure', {}, 'CREATE PROCEDURE')] : [];
    case 'AlterDomainStmt':
      return payload.subtype === 'C' ? [op(undefined, {}, 'ALTER DOMAIN … ADD CONSTRAINT')] : [];
    case 'DropdbStmt':
      return [op(undefined, {}, 'DROP DATABASE', { ifExists: payload.missing_ok === true })];
    default:
      return [];
  }
}

type OpFactory = (
  entry: LockEntryId | undefined,
  relations: Operation['relations'],
  summary: string,
  more?: Partial<Operation>,
) => Operation;

function constraintKindOf(contype: unknown): ConstraintKind | undefined {
  switch (contype) {
    case 'CONSTR_CHECK':
      return 'check';
    case 'CONSTR_FOREIGN':
      return 'foreign key';
    case 'CONSTR_UNIQUE':
      return 'unique';
    case 'CONSTR_PRIMARY':
      return 'primary key';
    case 'CONSTR_EXCLUSION':
      return 'exclusion';
    case 'CONSTR_NOTNULL':
      return 'not null';
    default:
      return undefined;
  }
}

/**
 * The column gets a default expression (PostgreSQL's raw_default): DEFAULT (even DEFAULT NULL), serial, or a
 * generated column. Without one, every existing row holds NULL in it. An identity column has none.
 */
function hasDefaultExpression(def: Record<string, unknown>): boolean {
  const type = typeRef(def.typeName);
  if (type && SERIAL_TYPES[type.name]) return true;
  return ((def.constraints as Node[] | undefined) ?? []).some((n) => {
    const contype = asNode<{ contype?: string }>(n, 'Constraint')?.contype;
    return contype === 'CONSTR_DEFAULT' || contype === 'CONSTR_GENERATED';
  });
}

function addConstraint(
  table: string,
  constraint: Record<string, unknown>,
  op: OpFactory,
  column?: string,
  /** A FOREIGN KEY declared with a column added without a default: PostgreSQL does not check existing rows. */
  uncheckedForeignKey = false,
): Operation[] {
  const kind = constraintKindOf(constraint.contype);
  if (!kind) return [];
  const notValid = constraint.skip_validation === true;
  const notEnforced = constraint.is_enforced === false && (kind === 'check' || kind === 'foreign key');
  const constraintName = typeof constraint.conname === 'string' ? constraint.conname : undefined;
  const base = { constraintName, constraintKind: kind, notValid, notEnforced, column };
  switch (kind) {
    case 'foreign key': {
      const referenced = name(constraint.pktable);
      return [
        op(
          notValid || notEnforced
            ? 'add-foreign-key-not-valid'
            : uncheckedForeignKey
              ? 'add-foreign-key-new-column'
              : 'add-foreign-key',
          { table, 'referenced table': referenced },
          'ADD FOREIGN KEY',
          base,
        ),
      ];
    }
    case 'check':
      return [
        op(notValid || notEnforced ? 'add-check-not-valid' : 'add-check', { table }, 'ADD CHECK', base),
      ];
    case 'not null':
      return [
        op(notValid ? 'add-not-null-constraint-not-valid' : 'set-not-null', { table }, 'ADD NOT NULL', {
          ...base,
          column: stringValues(constraint.keys as Node[] | undefined)[0] ?? column,
        }),
      ];
    case 'unique':
    case 'primary key': {
      const usingIndex = typeof constraint.indexname === 'string' ? constraint.indexname : undefined;
      return [
        op(
          usingIndex ? 'add-unique-using-index' : 'add-unique',
          { table },
          `ADD ${kind.toUpperCase()}${usingIndex ? ' USING INDEX' : ''}`,
          { ...base, usingIndex },
        ),
      ];
    }
    case 'exclusion':
      return [op('add-exclusion', { table }, 'ADD EXCLUDE', base)];
  }
}

function alterTableCommand(
  table: string,
  c: Record<string, unknown>,
  context: Context,
  op: OpFactory,
  statement: { readonly addsColumnWithDefault: boolean },
): Operation[] {
  const column = typeof c.name === 'string' ? c.name : undefined;
  const tableState = context.state.table(table);
  switch (c.subtype) {
    case 'AT_AddColumn': {
      const def = asNode<Record<string, unknown>>(c.def, 'ColumnDef') ?? {};
      const colname = typeof def.colname === 'string' ? def.colname : undefined;
      const type = typeRef(def.typeName);
      const constraints = (def.constraints as Node[] | undefined) ?? [];
      const contypes = constraints.map((n) => asNode<Record<string, unknown>>(n, 'Constraint') ?? {});
      const defaultExpr = columnDefault(constraints);
      const lookup = (fn: string) => context.state.functions.get(fn);
      const volatility = expressionVolatility(defaultExpr, lookup);
      const identity = contypes.some((k) => k.contype === 'CONSTR_IDENTITY');
      const generatedConstraint = contypes.find((k) => k.contype === 'CONSTR_GENERATED');
      const virtual = generatedConstraint !== undefined && generatedConstraint.generated_kind === 'v';
      const serial = type !== undefined && SERIAL_TYPES[type.name] !== undefined;
      const generated: Operation['generated'] = identity
        ? 'identity'
        : serial
          ? 'serial'
          : generatedConstraint
            ? virtual
              ? 'virtual'
              : 'stored'
            : undefined;
      const notNull = contypes.some((k) => k.contype === 'CONSTR_NOTNULL' || k.contype === 'CONSTR_PRIMARY');
      const rewrite =
        volatility.volatile || generated === 'identity' || generated === 'serial' || generated === 'stored';
      const entry =
        generated === 'virtual' ? 'add-column-virtual' : rewrite ? 'add-column-rewrite' : 'add-column';
      const ops: Operation[] = [
        op(entry, { table }, `ADD COLUMN ${colname ?? ''} ${type?.display ?? ''}`.trim(), {
          column: colname,
          volatility,
          generated,
          notNull,
          hasDefault: defaultExpr !== undefined || generated !== undefined,
        }),
      ];
      // PostgreSQL checks the existing rows against a foreign key declared with the column only when the column
      // gets a default expression (before 13: when any column the statement adds does); else they are all NULL
      const unchecked = !(context.pgVersion >= 13
        ? hasDefaultExpression(def)
        : statement.addsColumnWithDefault);
      for (const constraint of contypes)
        ops.push(...addConstraint(table, constraint, op, colname, unchecked));
      return ops.filter((o) => !(o.constraintKind === 'not null'));
    }
    case 'AT_DropColumn':
      return [
        op('drop-column', { table }, `DROP COLUMN ${column ?? ''}`.trim(), {
          column,
          cascade: c.behavior === 'DROP_CASCADE',
          ifExists: c.missing_ok === true,
        }),
        ...(column
          ? droppedForeignKeys(context.state, op, table, `DROP COLUMN ${column}`, {
              column,
              cascade: c.behavior === 'DROP_CASCADE',
            })
          : []),
      ];
    case 'AT_AlterColumnType': {
      const def = asNode<Record<string, unknown>>(c.def, 'ColumnDef') ?? {};
      const to = typeRef(def.typeName);
      if (!to) return [];
      const from = column ? tableState?.columns.get(column)?.type : undefined;
      const using = def.raw_default !== undefined && !isPlainCastOfColumn(def.raw_default as Node, column);
      const timestamps = !using && from !== undefined && betweenTimestamps(from, to);
      // PostgreSQL 12+ keeps the files when the session's zone is UTC (the stored microseconds are the same)
      if (timestamps && context.pgVersion >= 12 && isUtcZone(context.timeZone)) {
        const rebuilt = [...context.state.indexes]
          .filter(([, index]) => index.table === table && column && index.columns?.includes(column))
          .map(([name]) => name);
        return [
          op('alter-column-type-utc', { table }, `ALTER COLUMN ${column} TYPE ${to.display}`, {
            column,
            typeChange: { from, to, keepsData: true, using, betweenTimestamps: true },
            rebuildsIndexes: rebuilt,
          }),
        ];
      }
      const keepsData = using ? false : from ? changeKeepsData(from, to, context.state.casts) : undefined;
      return [
        op(
          keepsData === true ? 'alter-column-type-coercible' : 'alter-column-type',
          { table },
          `ALTER COLUMN ${column} TYPE ${to.display}`,
          {
            column,
            typeChange: { from, to, keepsData, using, betweenTimestamps: timestamps },
          },
        ),
      ];
    }
    case 'AT_ColumnDefault':
      return [
        op('set-default', { table }, `ALTER COLUMN ${column} ${c.def ? 'SET' : 'DROP'} DEFAULT`, { column }),
      ];
    case 'AT_SetNotNull': {
      const proven =
        column !== undefined &&
        [...(tableState?.constraints.values() ?? [])].some((c) => c.validated && c.notNullColumn === column);
      return [
        op('set-not-null', { table }, `ALTER COLUMN ${column} SET NOT NULL`, {
          column,
          provenNotNull: proven,
          alreadyNotNull: column !== undefined && tableState?.columns.get(column)?.notNull === true,
        }),
      ];
    }
    case 'AT_DropNotNull':
      return [op('drop-not-null', { table }, `ALTER COLUMN ${column} DROP NOT NULL`, { column })];
    case 'AT_AddConstraint': {
      const constraint = asNode<Record<string, unknown>>(c.def, 'Constraint');
      return constraint ? addConstraint(table, constraint, op) : [];
    }
    case 'AT_ValidateConstraint': {
      const known = column ? tableState?.constraints.get(column) : undefined;
      const entry = known?.kind === 'foreign key' ? 'validate-foreign-key' : 'validate-constraint';
      return [
        op(
          entry,
          { table, ...(known?.referencedTable ? { 'referenced table': known.referencedTable } : {}) },
          `VALIDATE CONSTRAINT ${column}`,
          {
            constraintName: column,
            constraintKind: known?.kind,
          },
        ),
      ];
    }
    case 'AT_DropConstraint': {
      const known = column ? tableState?.constraints.get(column) : undefined;
      const referenced = known?.kind === 'foreign key' ? known.referencedTable : undefined;
      return [
        op(
          referenced ? 'drop-foreign-key' : 'drop-constraint',
          { table, ...(referenced && referenced !== table ? { 'referenced table': referenced } : {}) },
          `DROP CONSTRAINT ${column}`,
          { constraintName: column, constraintKind: known?.kind, ifExists: c.missing_ok === true },
        ),
      ];
    }
    case 'AT_AttachPartition': {
      const partition = name(asNode<{ name?: RangeVar }>(c.def, 'PartitionCmd')?.name);
      const checks = [...(partition ? (context.state.table(partition)?.constraints.values() ?? []) : [])];
      const provenBound = checks.some((k) => k.kind === 'check' && k.validated);
      return [op('attach-partition', { table, partition }, 'ATTACH PARTITION', { provenBound })];
    }
    case 'AT_DetachPartition': {
      const cmd = asNode<{ name?: RangeVar; concurrent?: boolean }>(c.def, 'PartitionCmd');
      const concurrently = cmd?.concurrent === true;
      return [
        op(
          concurrently ? 'detach-partition-concurrently' : 'detach-partition',
          { table, partition: name(cmd?.name) },
          `DETACH PARTITION${concurrently ? ' CONCURRENTLY' : ''}`,
          { concurrently },
        ),
      ];
    }
    case 'AT_SetStatistics':
    case 'AT_SetOptions':
    case 'AT_ResetOptions':
    case 'AT_ClusterOn':
    case 'AT_DropCluster':
      return [op('set-statistics', { table }, 'ALTER COLUMN … SET STATISTICS', { column })];
    case 'AT_SetRelOptions':
    case 'AT_ResetRelOptions':
      return [op('set-storage-parameters', { table }, 'SET (storage parameters)')];
    case 'AT_EnableTrig':
    case 'AT_EnableAlwaysTrig':
    case 'AT_EnableReplicaTrig':
    case 'AT_DisableTrig':
    case 'AT_EnableTrigAll':
    case 'AT_DisableTrigAll':
    case 'AT_EnableTrigUser':
    case 'AT_DisableTrigUser':
      return [op('enable-trigger', { table }, 'ENABLE/DISABLE TRIGGER')];
    case 'AT_EnableRowSecurity':
    case 'AT_DisableRowSecurity':
    case 'AT_ForceRowSecurity':
    case 'AT_NoForceRowSecurity':
      return [op('row-level-security', { table }, 'ROW LEVEL SECURITY')];
    case 'AT_SetLogged':
    case 'AT_SetUnLogged':
      return [op('set-logged', { table }, c.subtype === 'AT_SetLogged' ? 'SET LOGGED' : 'SET UNLOGGED')];
    case 'AT_SetAccessMethod':
      return [op('set-access-method', { table }, 'SET ACCESS METHOD')];
    case 'AT_SetTableSpace':
      return [op('set-tablespace', { table }, 'SET TABLESPACE')];
    case 'AT_ChangeOwner':
      return [op('owner', { table }, 'OWNER TO')];
    default:
      return [op('alter-table', { table }, String(c.subtype).replace(/^AT_/, ''))];
  }
}

/**
 * The foreign keys a DROP TABLE or DROP COLUMN takes with it, each locking its referenced table as strongly as
 * the table (PostgreSQL drops the key's triggers there): the table's own keys (those on the column, for DROP
 * COLUMN) and, with CASCADE, the other tables' keys that reference it (or the column).
 */
function droppedForeignKeys(
  state: SchemaState,
  op: OpFactory,
  table: string,
  what: string,
  scope: { column?: string; cascade?: boolean },
): Operation[] {
  const ops: Operation[] = [];
  const add = (owner: string, constraint: string, referenced: string) =>
    ops.push(
      op(
        'drop-foreign-key',
        { table: owner, 'referenced table': referenced },
        `${what} (drops foreign key ${constraint})`,
        { constraintName: constraint, constraintKind: 'foreign key' },
      ),
    );
  for (const [key, constraint] of state.table(table)?.constraints ?? []) {
    const referenced = constraint.referencedTable;
    if (constraint.kind !== 'foreign key' || !referenced || referenced === table) continue;
    if (scope.column === undefined || constraint.columns?.includes(scope.column)) add(table, key, referenced);
  }
  if (scope.cascade && scope.column === undefined) {
    for (const other of state.tables.values()) {
      if (other.name === table) continue;
      for (const [key, constraint] of other.constraints)
        if (constraint.kind === 'foreign key' && constraint.referencedTable === table)
          add(other.name, key, table);
    }
  }
  // DROP COLUMN … CASCADE of a column other tables' foreign keys reference (traced on PostgreSQL 15: each
  // referencing table is locked ACCESS EXCLUSIVE while its key and triggers go)
  if (scope.cascade && scope.column !== undefined) {
    for (const { table: other, key } of foreignKeysReferencing(state, table, scope.column))
      add(other.name, key, table);
  }
  return ops;
}

/** `USING col::newtype` keeps the column's value as is: PostgreSQL then decides as without USING. */
function isPlainCastOfColumn(expression: Node, column: string | undefined): boolean {
  const cast = asNode<{ arg?: Node }>(expression, 'TypeCast');
  const target = cast ? cast.arg : expression;
  const fields = stringValues(asNode<{ fields?: Node[] }>(target, 'ColumnRef')?.fields);
  return fields.length === 1 && fields[0] === column;
}

function createTable(payload: Record<string, unknown>, context: Context): Operation[] {
  const ops: Operation[] = [];
  const table = name(payload.relation);
  const elements = (payload.tableElts as Node[] | undefined) ?? [];
  const references = new Set<string>();
  for (const element of elements) {
    const column = asNode<{ constraints?: Node[] }>(element, 'ColumnDef');
    const constraints = column ? (column.constraints ?? []) : [element];
    for (const node of constraints) {
      const constraint = asNode<Record<string, unknown>>(node, 'Constraint');
      if (constraint?.contype === 'CONSTR_FOREIGN') {
        const referenced = name(constraint.pktable);
        if (referenced && referenced !== table) references.add(referenced);
      }
    }
  }
  for (const referenced of references) {
    ops.push({
      entry: 'create-table-references',
      relations: { 'referenced table': referenced },
      summary: 'CREATE TABLE … REFERENCES',
      newTable: context.state.createdIn(referenced, context.transaction),
    });
  }
  const parent = ((payload.inhRelations as Node[] | undefined) ?? []).map((r) =>
    name(asNode(r, 'RangeVar')),
  )[0];
  if (payload.partbound && parent) {
    ops.push({
      entry: 'create-partition',
      relations: { table: parent },
      summary: 'CREATE TABLE … PARTITION OF',
      newTable: context.state.createdIn(parent, context.transaction),
    });
  }
  return ops;
}
