import type { ColumnInfo, TableInfo } from '../catalog/model.js';
import { asNode, type Node, nodeKind, stringValues, walk } from '../sql/ast.js';
import { unwrap, wrap } from './expressions.js';
import type { QuerySchema } from './schema.js';

/** Something a query reads rows from, under the name the query calls it by. */
export interface RelationRef {
  /** The alias, else the relation's own name. */
  readonly name: string;
  readonly kind: 'table' | 'cte' | 'subquery' | 'function' | 'other';
  /** For tables: the name as written. */
  readonly written?: { readonly schema: string | undefined; readonly name: string };
  /** For tables: the schema's relation, when a schema is known and has it. */
  readonly table?: TableInfo;
  /** For CTEs and subqueries: the output column names, when they can be read from the query. */
  readonly columns?: readonly string[];
  /** The RangeVar, RangeSubselect or RangeFunction payload. */
  readonly node: Record<string, unknown>;
  /** On the nullable side of an outer join: its columns can be NULL whatever their declaration says. */
  readonly nullable: boolean;
}

/** One query level (a SELECT, or the UPDATE/DELETE/INSERT/MERGE itself) and the relations it sees. */
export interface Scope {
  readonly kind: 'SelectStmt' | 'UpdateStmt' | 'DeleteStmt' | 'InsertStmt' | 'MergeStmt';
  /** The statement node's payload. */
  readonly node: Record<string, unknown>;
  readonly parent: Scope | null;
  readonly relations: RelationRef[];
  /** Filters of this level: WHERE, then each JOIN … ON (and MERGE's ON). */
  readonly predicates: Node[];
  /** How the level is used: the statement itself, a subquery in an expression, in FROM, a CTE, a set operation arm. */
  readonly role: 'statement' | 'expression' | 'from' | 'cte' | 'set-operation' | 'insert-source';
  /** For an expression subquery: its SubLink payload. */
  readonly sublink?: Record<string, unknown>;
}

export interface ColumnBinding {
  readonly relation: RelationRef;
  readonly column: string;
  /** The column's catalog entry, when the relation is a known table. */
  readonly info?: ColumnInfo;
  /** The scope the relation belongs to (an outer one for a correlated reference). */
  readonly scope: Scope;
}

export interface Resolution {
  readonly scopes: readonly Scope[];
  /** The binding of a ColumnRef payload, when it can be told. */
  column(ref: object): ColumnBinding | undefined;
  /** The scope a ColumnRef payload appears in. */
  scopeOfRef(ref: object): Scope | undefined;
  /** The scope of a statement payload (SelectStmt, UpdateStmt…). */
  scopeOf(node: object): Scope | undefined;
}

const STATEMENTS = new Set(['SelectStmt', 'UpdateStmt', 'DeleteStmt', 'InsertStmt', 'MergeStmt']);

/**
 * Resolves the names of one statement: which relation each alias, table name and column reference stands for,
 * level by level, with CTE names kept apart from tables and unqualified table names looked up on the schema's search
 * path. Without a schema, an unqualified column belongs to the only relation of its level (or stays unknown).
 */
export function resolveNames(statement: Node, schema: QuerySchema | null): Resolution {
  const scopes: Scope[] = [];
  const byNode = new Map<object, Scope>();
  const refs = new Map<object, { scope: Scope; binding: ColumnBinding | undefined }>();

  const visitStatement = (
    node: Node | undefined,
    parent: Scope | null,
    ctes: ReadonlyMap<string, RelationRef['columns']>,
    role: Scope['role'],
    sublink?: Record<string, unknown>,
  ): void => {
    const unwrapped = unwrap(node);
    if (!unwrapped || !STATEMENTS.has(unwrapped.kind)) return;
    const { kind, payload } = unwrapped;
    const visible = withCtes(payload, parent, ctes);
    if (kind === 'SelectStmt' && payload.op !== undefined && payload.op !== 'SETOP_NONE') {
      visitStatement(payload.larg as Node, parent, visible, 'set-operation');
      visitStatement(payload.rarg as Node, parent, visible, 'set-operation');
      return;
    }
    const scope: Scope = {
      kind: kind as Scope['kind'],
      node: payload,
      parent,
      relations: [],
      predicates: [],
      role,
      sublink,
    };
    scopes.push(scope);
    byNode.set(payload, scope);
    const expressions: unknown[] = [];
    const relation = payload.relation as Node | undefined;
    switch (kind) {
      case 'SelectStmt':
        for (const item of (payload.fromClause as Node[] | undefined) ?? [])
          addFrom(item, scope, visible, false);
        if (payload.whereClause) scope.predicates.unshift(payload.whereClause as Node);
        expressions.push(
          payload.targetList,
          payload.whereClause,
          payload.groupClause,
          payload.havingClause,
          payload.sortClause,
          payload.windowClause,
          payload.distinctClause,
          payload.valuesLists,
          payload.limitCount,
          payload.limitOffset,
        );
        break;
      case 'UpdateStmt':
      case 'DeleteStmt':
        if (relation) addFrom(wrap('RangeVar', relation), scope, visible, false);
        for (const item of ((payload.fromClause ?? payload.usingClause) as Node[] | undefined) ?? [])
          addFrom(item, scope, visible, false);
        if (payload.whereClause) scope.predicates.unshift(payload.whereClause as Node);
        expressions.push(payload.targetList, payload.whereClause, payload.returningClause);
        break;
      case 'InsertStmt':
        visitStatement(payload.selectStmt as Node, parent, visible, 'insert-source');
        if (relation) addFrom(wrap('RangeVar', relation), scope, visible, false);
        expressions.push(payload.onConflictClause, payload.returningClause);
        break;
      case 'MergeStmt':
        if (relation) addFrom(wrap('RangeVar', relation), scope, visible, false);
        if (payload.sourceRelation) addFrom(payload.sourceRelation as Node, scope, visible, false);
        if (payload.joinCondition) scope.predicates.push(payload.joinCondition as Node);
        expressions.push(payload.joinCondition, payload.mergeWhenClauses, payload.returningClause);
        break;
    }
    for (const expression of expressions) visitExpression(expression, scope, visible);
  };

  const withCtes = (
    payload: Record<string, unknown>,
    parent: Scope | null,
    outer: ReadonlyMap<string, RelationRef['columns']>,
  ): ReadonlyMap<string, RelationRef['columns']> => {
    const clause = payload.withClause as { ctes?: Node[] } | undefined;
    if (!clause?.ctes) return outer;
    const visible = new Map(outer);
    const ctes = clause.ctes
      .map((cte) =>
        asNode<{ ctename?: string; ctequery?: Node; aliascolnames?: Node[] }>(cte, 'CommonTableExpr'),
      )
      .filter((cte) => cte?.ctename !== undefined);
    for (const cte of ctes) {
      const named = stringValues(cte!.aliascolnames);
      visible.set(cte!.ctename!, named.length > 0 ? named : outputColumns(cte!.ctequery));
    }
    for (const cte of ctes) visitStatement(cte!.ctequery, parent, visible, 'cte');
    return visible;
  };

  const addFrom = (
    item: Node,
    scope: Scope,
    ctes: ReadonlyMap<string, RelationRef['columns']>,
    nullable: boolean,
  ): void => {
    const unwrapped = unwrap(item);
    if (!unwrapped) return;
    const { kind, payload } = unwrapped;
    const alias = asNode<{ aliasname?: string; colnames?: Node[] }>({ Alias: payload.alias }, 'Alias');
    switch (kind) {
      case 'RangeVar': {
        const name = payload.relname as string;
        const schemaName = payload.schemaname as string | undefined;
        if (schemaName === undefined && ctes.has(name)) {
          scope.relations.push({
            name: alias?.aliasname ?? name,
            kind: 'cte',
            columns: ctes.get(name),
            node: payload,
            nullable,
          });
          return;
        }
        scope.relations.push({
          name: alias?.aliasname ?? name,
          kind: 'table',
          written: { schema: schemaName, name },
          table: schema?.relation(schemaName, name),
          node: payload,
          nullable,
        });
        return;
      }
      case 'RangeSubselect': {
        const lateral = payload.lateral === true;
        visitStatement(payload.subquery as Node, lateral ? scope : scope.parent, ctes, 'from');
        const named = stringValues(alias?.colnames);
        scope.relations.push({
          name: alias?.aliasname ?? '',
          kind: 'subquery',
          columns: named.length > 0 ? named : outputColumns(payload.subquery as Node),
          node: payload,
          nullable,
        });
        return;
      }
      case 'RangeFunction':
        visitExpression(payload.functions, scope, ctes);
        scope.relations.push({
          name: alias?.aliasname ?? functionName(payload.functions) ?? '',
          kind: 'function',
          columns: stringValues(alias?.colnames),
          node: payload,
          nullable,
        });
        return;
      case 'JoinExpr': {
        const type = payload.jointype as string | undefined;
        addFrom(payload.larg as Node, scope, ctes, nullable || type === 'JOIN_RIGHT' || type === 'JOIN_FULL');
        addFrom(payload.rarg as Node, scope, ctes, nullable || type === 'JOIN_LEFT' || type === 'JOIN_FULL');
        if (payload.quals) {
          scope.predicates.push(payload.quals as Node);
          visitExpression(payload.quals, scope, ctes);
        }
        return;
      }
      default:
        visitExpression(payload, scope, ctes);
        scope.relations.push({ name: alias?.aliasname ?? '', kind: 'other', node: payload, nullable });
    }
  };

  const visitExpression = (
    expression: unknown,
    scope: Scope,
    ctes: ReadonlyMap<string, RelationRef['columns']>,
  ): void => {
    walk(expression, (kind, payload) => {
      if (kind === 'SubLink') {
        visitExpression(payload.testexpr, scope, ctes);
        visitStatement(payload.subselect as Node, scope, ctes, 'expression', payload);
        return false;
      }
      if (STATEMENTS.has(kind)) {
        visitStatement(wrap(kind, payload), scope, ctes, 'expression');
        return false;
      }
      if (kind === 'ColumnRef') refs.set(payload, { scope, binding: bind(payload, scope) });
      return undefined;
    });
  };

  visitStatement(statement, null, new Map(), 'statement');

  return {
    scopes,
    column: (ref) => refs.get(ref)?.binding,
    scopeOfRef: (ref) => refs.get(ref)?.scope,
    scopeOf: (node) => byNode.get(node),
  };
}

/** Binds a column reference to a relation of its level or of an enclosing one. */
function bind(ref: Record<string, unknown>, scope: Scope): ColumnBinding | undefined {
  const fields = (ref.fields as Node[] | undefined) ?? [];
  const names = stringValues(fields);
  if (names.length !== fields.length || names.length === 0) return undefined; // `*` or `t.*`
  const column = names.at(-1)!;
  if (names.length >= 2) {
    const relationName = names.at(-2)!;
    const schemaName = names.length >= 3 ? names.at(-3) : undefined;
    for (let s: Scope | null = scope; s; s = s.parent) {
      const relation = s.relations.find(
        (r) =>
          r.name === relationName &&
          (schemaName === undefined || r.written?.schema === schemaName || r.table?.schema === schemaName),
      );
      if (relation) return binding(relation, column, s);
    }
    return undefined;
  }
  for (let s: Scope | null = scope; s; s = s.parent) {
    const has = s.relations.filter((r) => hasColumn(r, column) === true);
    if (has.length === 1) return binding(has[0]!, column, s);
    if (has.length > 1) return undefined; // ambiguous: PostgreSQL would refuse it
    const unknown = s.relations.filter((r) => hasColumn(r, column) === undefined);
    if (unknown.length === 1 && s.relations.length === 1) return binding(unknown[0]!, column, s);
    if (unknown.length > 0) return undefined;
  }
  return undefined;
}

function hasColumn(relation: RelationRef, column: string): boolean | undefined {
  if (relation.table) return relation.table.columns.some((c) => c.name === column);
  if (relation.columns && relation.columns.length > 0) return relation.columns.includes(column);
  return undefined;
}

function binding(relation: RelationRef, column: string, scope: Scope): ColumnBinding {
  const info = relation.table?.columns.find((c) => c.name === column);
  return { relation, column, scope, ...(info ? { info } : {}) };
}

/** The column names a query returns, when each can be read (no `*`); undefined otherwise. */
function outputColumns(query: Node | undefined): string[] | undefined {
  const select = asNode<{ targetList?: Node[]; op?: string; larg?: Node }>(query, 'SelectStmt');
  if (!select) {
    const kind = nodeKind(query);
    const returning = kind
      ? (query as Record<string, { returningClause?: { exprs?: Node[] } }>)[kind]?.returningClause?.exprs
      : undefined;
    return returning ? namesOf(returning) : undefined;
  }
  if (select.op !== undefined && select.op !== 'SETOP_NONE') return outputColumns(select.larg);
  return select.targetList ? namesOf(select.targetList) : undefined;
}

function namesOf(targets: readonly Node[]): string[] | undefined {
  const names: string[] = [];
  for (const target of targets) {
    const res = asNode<{ name?: string; val?: Node }>(target, 'ResTarget');
    if (!res) return undefined;
    if (res.name) {
      names.push(res.name);
      continue;
    }
    const ref = asNode<{ fields?: Node[] }>(res.val, 'ColumnRef');
    if (ref) {
      const fields = stringValues(ref.fields);
      if (fields.length !== (ref.fields?.length ?? 0)) return undefined; // a star
      names.push(fields.at(-1)!);
      continue;
    }
    const call = asNode<{ funcname?: Node[] }>(res.val, 'FuncCall');
    names.push(call ? (stringValues(call.funcname).at(-1) ?? '?column?') : '?column?');
  }
  return names;
}

function functionName(functions: unknown): string | undefined {
  let name: string | undefined;
  walk(functions, (kind, payload) => {
    if (name === undefined && kind === 'FuncCall') name = stringValues(payload.funcname as Node[]).at(-1);
  });
  return name;
}
