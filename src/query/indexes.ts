import type { TableInfo } from '../catalog/model.js';
import { buildIndexStatements, NameRegistry, objectName } from '../schema/keys.js';
import { asNode, type Node, nodeKind, stringValues } from '../sql/ast.js';
import { qualifiedIdent, quoteIdent } from '../sql/quote.js';
import {
  type A_ExprNode,
  canonicalType,
  constantOf,
  type FuncCallNode,
  functionNameOf,
  type TypeCastNode,
} from './expressions.js';
import type { QuerySchema } from './schema.js';
import type { RelationRef } from './scope.js';

/** Functions that are casts written as calls: `date(x)` is `x::date`. */
const CAST_FUNCTIONS = new Set([
  'date',
  'text',
  'int4',
  'int8',
  'int2',
  'numeric',
  'timestamp',
  'timestamptz',
]);
/** Casts pg_get_indexdef prints where the query writes none: `lower((email)::text)` for a varchar column. */
const IMPLICIT_CASTS = new Set(['text', 'varchar', 'bpchar']);

/**
 * A canonical form of an expression, for telling whether a query's expression is an index's: column qualifiers,
 * locations and the implicit casts to text that PostgreSQL prints in index definitions are left out.
 */
export function expressionKey(node: unknown): string {
  return JSON.stringify(normalize(node));
}

function normalize(node: unknown): unknown {
  const kind = nodeKind(node as Node);
  if (!kind) {
    if (Array.isArray(node)) return node.map(normalize);
    return node;
  }
  const payload = (node as Record<string, unknown>)[kind];
  switch (kind) {
    case 'ColumnRef':
      return { column: stringValues((payload as { fields?: Node[] }).fields).at(-1) };
    case 'A_Const': {
      const constant = constantOf(node);
      return { constant: constant && 'value' in constant ? constant.value : null };
    }
    case 'TypeCast': {
      const cast = payload as TypeCastNode;
      const type = canonicalTypeName(cast);
      const argKind = nodeKind(cast.arg);
      if (IMPLICIT_CASTS.has(type) && (argKind === 'ColumnRef' || argKind === 'A_Const')) {
        return normalize(cast.arg);
      }
      return { cast: type, arg: normalize(cast.arg) };
    }
    case 'FuncCall': {
      const call = payload as FuncCallNode;
      const name = functionNameOf(call);
      const args = call.args ?? [];
      if (CAST_FUNCTIONS.has(name) && args.length === 1 && (call.funcname?.length ?? 0) === 1) {
        return normalize({ TypeCast: { arg: args[0], typeName: { names: [{ String: { sval: name } }] } } });
      }
      return { call: name, args: args.map(normalize) };
    }
    case 'A_Expr': {
      const expr = payload as A_ExprNode;
      return {
        op: stringValues(expr.name).at(-1),
        kind: expr.kind,
        left: normalize(expr.lexpr),
        right: normalize(expr.rexpr),
      };
    }
    default: {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(payload as Record<string, unknown>)) {
        if (key !== 'location') out[key] = normalize(value);
      }
      return { [kind]: out };
    }
  }
}

function canonicalTypeName(cast: TypeCastNode): string {
  const names = stringValues(cast.typeName?.names);
  return canonicalType(names.at(-1) ?? '');
}

/** The table's valid indexes whose first key is the bare column. */
export function indexesLeadingWith(schema: QuerySchema, table: TableInfo, column: string) {
  return schema.indexes(table).filter((index) => index.keys[0]?.column === column);
}

/** True when some valid index of the table has the expression among its keys. */
export function expressionIndexed(schema: QuerySchema, table: TableInfo, expression: Node): boolean {
  const key = expressionKey(expression);
  return schema
    .indexes(table)
    .some((index) => index.keys.some((k) => k.expression !== null && expressionKey(k.expression) === key));
}

/** True when a trigram index (gin_trgm_ops or gist_trgm_ops) covers the column or the expression. */
export function trigramIndexed(schema: QuerySchema, table: TableInfo, target: Node): boolean {
  const column = asNode<{ fields?: Node[] }>(target, 'ColumnRef');
  const name = column ? stringValues(column.fields).at(-1) : undefined;
  const key = expressionKey(target);
  return schema
    .indexes(table)
    .some((index) =>
      index.keys.some(
        (k) =>
          /trgm/.test(k.opclass ?? '') &&
          ((name !== undefined && k.column === name) ||
            (k.expression !== null && expressionKey(k.expression) === key)),
      ),
    );
}

/** The relation's name for a fix: schema-qualified when the schema knows it, else as the query wrote it. */
export function relationSql(relation: RelationRef): string {
  if (relation.table) return qualifiedIdent(relation.table.schema, relation.table.name);
  const written = relation.written;
  if (!written) return relation.name;
  return qualifiedIdent(written.schema, written.name);
}

/**
 * The statements that build an index without blocking writes: CREATE INDEX CONCURRENTLY (on a partitioned table,
 * per partition then attached), named `idx_<table>_<parts>` unless that name is taken.
 */
export function createIndexFix(
  schema: QuerySchema,
  table: TableInfo,
  keys: string,
  nameParts: readonly string[],
  method?: string,
): string {
  const names = new NameRegistry(schema.model);
  const parts = nameParts.map((p) =>
    p
      .replace(/[^a-z0-9_]+/gi, '_')
      .replace(/^_+|_+$/g, '')
      .toLowerCase(),
  );
  return buildIndexStatements(
    schema.model,
    table,
    {
      name: names.free(table.schema, objectName('idx', table.name, ...parts)),
      keys,
      method,
      partitionName: (part) => objectName('idx', part.name, ...parts),
    },
    names,
  ).join('\n');
}

/** Same, without a schema: the table as the query names it (partitions cannot be known). */
export function createIndexSql(
  table: string,
  keys: string,
  nameParts: readonly string[],
  method?: string,
): string {
  const base = table.split('.').at(-1)!.replace(/"/g, '');
  const parts = nameParts.map((p) =>
    p
      .replace(/[^a-z0-9_]+/gi, '_')
      .replace(/^_+|_+$/g, '')
      .toLowerCase(),
  );
  const name = objectName('idx', base.toLowerCase(), ...parts);
  return `CREATE INDEX CONCURRENTLY ${quoteIdent(name)} ON ${table}${method && method !== 'btree' ? ` USING ${method}` : ''} (${keys});`;
}
