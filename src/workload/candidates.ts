/**
 * Index candidates from the real parser's AST of each workload query: the columns and expressions a query filters,
 * joins and orders a table by, turned into the indexes that could serve it — single columns, multi-column keys
 * (equality columns first, then one range or the ORDER BY), covering keys (INCLUDE), partial indexes for constant
 * predicates, expression indexes, and GIN candidates (trigram, jsonb) that HypoPG cannot cost.
 */
import { parseSync } from 'libpg-query';
import type { TableInfo } from '../catalog/model.js';
import { comparisonOf } from '../query/comparisons.js';
import {
  type A_ExprNode,
  columnRef,
  columnRefsIn,
  conjuncts,
  constantOf,
  isValue,
  walkExpression,
} from '../query/expressions.js';
import { expressionKey, relationSql } from '../query/indexes.js';
import type { QuerySchema } from '../query/schema.js';
import { type RelationRef, resolveNames, type Scope } from '../query/scope.js';
import { type Edit, StatementText } from '../query/text.js';
import { asNode, type Node, nodeKind, stringValues } from '../sql/ast.js';
import { quoteIdent } from '../sql/quote.js';
import type { CandidateReason, IndexCandidate, WorkloadQuery } from './model.js';

export interface CandidateOptions {
  /** Most key columns in one index. Default 3. */
  readonly maxWidth?: number;
  /** INCLUDE is PostgreSQL 11+. */
  readonly pgMajor: number;
  /** Most INCLUDE columns in a covering candidate. Default 4. */
  readonly maxInclude?: number;
  /**
   * The share of the table's rows a constant predicate keeps (from pg_stats), or null when unknown. A partial
   * index is proposed only for a predicate that keeps under half the rows of a column with few distinct values.
   */
  readonly selectivity?: (table: TableInfo, test: ConstantTest) => number | null;
}

/** A constant predicate on one column: `status = 'open'`, `deleted_at IS NULL`, `active`, `NOT archived`. */
export type ConstantTest =
  | { readonly kind: 'equals'; readonly column: string; readonly value: string }
  | { readonly kind: 'null' | 'not-null' | 'true' | 'false'; readonly column: string };

/** What one query asks of each table it reads: the targets (columns, expressions) an index could lead with. */
export interface QueryShape {
  readonly query: string;
  /** Table (`schema.name`) → targets the query filters, joins or orders it by. */
  readonly targets: ReadonlyMap<string, ReadonlySet<string>>;
  /** Tables the query reads or writes. */
  readonly tables: ReadonlySet<string>;
  /** UPDATE: the table and the columns its SET changes. */
  readonly updates: { readonly table: string; readonly columns: readonly string[] } | null;
}

export interface CandidateSet {
  readonly candidates: readonly IndexCandidate[];
  readonly shapes: ReadonlyMap<string, QueryShape>;
  /** Queries the parser could not read, and why. */
  readonly unreadable: readonly { readonly query: string; readonly reason: string }[];
}

/** One index key element: its SQL and the target (column name, or `expr:` + canonical expression) it indexes. */
interface Element {
  readonly sql: string;
  readonly target: string;
}

/** What one query level asks of one table. */
interface Usage {
  readonly relation: RelationRef;
  readonly table: TableInfo;
  readonly equality: Element[];
  readonly joins: Element[];
  readonly ranges: Element[];
  readonly order: Element[];
  readonly reasons: Map<string, CandidateReason>;
  /** Constant predicates (`status = 'open'`, `deleted_at IS NULL`) as SQL, with the target they test. */
  readonly constants: { readonly sql: string; readonly target: string; readonly test: ConstantTest }[];
  readonly gin: {
    readonly element: string;
    readonly reason: CandidateReason;
    readonly extension: string | null;
  }[];
  readonly referenced: Set<string>;
  star: boolean;
}

const RANGE = new Set(['<', '>', '<=', '>=']);

/** A node's text with column qualifiers removed (`lower(u.email)` → `lower(email)`), for an index definition. */
function bareText(text: StatementText, node: unknown): string | undefined {
  const span = text.span(node);
  if (!span) return undefined;
  const edits: Edit[] = [];
  for (const ref of columnRefsIn(node)) {
    const names = stringValues(ref.fields);
    const refSpan = text.span({ ColumnRef: ref });
    if (refSpan && names.length > 1 && names.length === (ref.fields?.length ?? 0)) {
      edits.push({ span: refSpan, text: quoteIdent(names.at(-1)!) });
    }
  }
  return text.sliceWith(span, edits);
}

function pushUnique(list: Element[], element: Element): void {
  if (!list.some((e) => e.target === element.target)) list.push(element);
}

class QueryReader {
  readonly usages = new Map<RelationRef, Usage>();
  readonly #text: StatementText;
  readonly #names: ReturnType<typeof resolveNames>;

  constructor(
    readonly sql: string,
    readonly ast: Node,
    readonly schema: QuerySchema,
  ) {
    this.#text = new StatementText(sql, 0);
    this.#names = resolveNames(ast, schema);
  }

  read(): void {
    for (const scope of this.#names.scopes) this.#readScope(scope);
  }

  #usage(relation: RelationRef): Usage | undefined {
    const table = relation.table;
    if (!table || (table.kind !== 'table' && table.kind !== 'partitioned table')) return undefined;
    // a table read twice under two aliases: each alias is its own usage
    const known = this.usages.get(relation);
    if (known) return known;
    const usage: Usage = {
      relation,
      table,
      equality: [],
      joins: [],
      ranges: [],
      order: [],
      reasons: new Map(),
      constants: [],
      gin: [],
      referenced: new Set(),
      star: false,
    };
    this.usages.set(relation, usage);
    return usage;
  }

  /** The relation of `scope` a node reads, and the element indexing it: a column, or an expression of one table. */
  #elementOf(
    node: unknown,
    scope: Scope,
  ): { usage: Usage; element: Element; column: string | null } | undefined {
    const ref = columnRef(node);
    if (ref) {
      const binding = this.#names.column(ref);
      if (!binding || binding.scope !== scope) return undefined;
      const usage = this.#usage(binding.relation);
      if (!usage) return undefined;
      return {
        usage,
        element: { sql: quoteIdent(binding.column), target: binding.column },
        column: binding.column,
      };
    }
    const kind = nodeKind(node as Node);
    if (kind !== 'FuncCall' && kind !== 'TypeCast' && kind !== 'A_Expr') return undefined;
    const refs = columnRefsIn(node);
    if (refs.length === 0) return undefined;
    const bindings = refs.map((r) => this.#names.column(r));
    const first = bindings[0];
    if (!first || first.scope !== scope || bindings.some((b) => !b || b.relation !== first.relation)) {
      return undefined;
    }
    let volatile = false;
    walkExpression(node, (k) => {
      if (k === 'SubLink') volatile = true;
    });
    if (volatile) return undefined;
    const usage = this.#usage(first.relation);
    const text = bareText(this.#text, node);
    if (!usage || !text) return undefined;
    return { usage, element: { sql: `(${text})`, target: `expr:${expressionKey(node)}` }, column: null };
  }

  /** True when the other side is a value for this level: a constant, a parameter or an outer level's column. */
  #isValue(node: unknown, scope: Scope): boolean {
    if (isValue(node)) return true;
    const refs = columnRefsIn(node);
    return refs.length > 0 && refs.every((r) => this.#names.column(r)?.scope !== scope);
  }

  #readScope(scope: Scope): void {
    for (const relation of scope.relations) this.#usage(relation);
    for (const predicate of scope.predicates) {
      for (const conjunct of conjuncts(predicate)) this.#readConjunct(conjunct, scope);
    }
    this.#readOrder(scope);
    this.#readReferences(scope);
  }

  #readConjunct(conjunct: Node, scope: Scope): void {
    const nullTest = asNode<{ arg?: Node; nulltesttype?: string }>(conjunct, 'NullTest');
    if (nullTest) {
      const found = this.#elementOf(nullTest.arg, scope);
      if (!found) return;
      const sql = bareText(this.#text, conjunct);
      const kind = nullTest.nulltesttype === 'IS_NULL' ? 'null' : 'not-null';
      if (sql && found.column) {
        found.usage.constants.push({
          sql,
          target: found.element.target,
          test: { kind, column: found.column },
        });
      }
      if (nullTest.nulltesttype === 'IS_NULL') {
        pushUnique(found.usage.equality, found.element);
        found.usage.reasons.set(found.element.target, 'is-null');
      }
      return;
    }
    // a boolean column tested alone: WHERE active, WHERE NOT archived
    const negated = asNode<{ boolop?: string; args?: Node[] }>(conjunct, 'BoolExpr');
    const tested = negated?.boolop === 'NOT_EXPR' ? negated.args?.[0] : conjunct;
    if (columnRef(tested)) {
      const found = this.#elementOf(tested, scope);
      const sql = bareText(this.#text, conjunct);
      if (found?.column && sql) {
        const kind = tested === conjunct ? 'true' : 'false';
        found.usage.constants.push({
          sql,
          target: found.element.target,
          test: { kind, column: found.column },
        });
      }
      return;
    }
    const expr = asNode<A_ExprNode>(conjunct, 'A_Expr');
    if (!expr) return;
    if ((expr.kind ?? 'AEXPR_OP') === 'AEXPR_OP' && stringValues(expr.name).at(-1) === '@>') {
      const found = this.#elementOf(expr.lexpr, scope);
      if (found?.column && this.#isValue(expr.rexpr, scope)) {
        const type = found.usage.table.columns.find((c) => c.name === found.column)?.typeName;
        if (type === 'jsonb') {
          found.usage.gin.push({
            element: `${found.element.sql} jsonb_path_ops`,
            reason: 'jsonb-containment',
            extension: null,
          });
        }
      }
      return;
    }
    const comparison = comparisonOf(expr);
    if (!comparison) return;
    for (const side of comparison.sides) {
      const found = this.#elementOf(side.node, scope);
      if (!found) continue;
      const { usage, element } = found;
      const kind = comparison.kind;
      if (kind === 'AEXPR_LIKE' || kind === 'AEXPR_ILIKE') {
        this.#readLike(usage, element, found.column, kind, side.others[0]);
        continue;
      }
      const values = side.others.every((other) => this.#isValue(other, scope));
      const joined =
        !values &&
        side.others.length === 1 &&
        columnRefsIn(side.others[0]).some((r) => this.#names.column(r)?.scope === scope);
      if (!values && !joined) continue;
      const isExpression = found.column === null;
      const reason = (r: CandidateReason): CandidateReason => (isExpression ? 'expression' : r);
      if (kind === 'AEXPR_IN' || (kind === 'AEXPR_OP_ANY' && side.operator === '=')) {
        pushUnique(usage.equality, element);
        usage.reasons.set(element.target, reason('in-list'));
      } else if (kind === 'AEXPR_OP' && side.operator === '=') {
        if (joined) {
          pushUnique(usage.joins, element);
          usage.reasons.set(element.target, reason('join-key'));
        } else {
          pushUnique(usage.equality, element);
          usage.reasons.set(element.target, reason('equality'));
          const constant = constantOf(side.others[0]);
          if (constant && constant.type !== 'null' && found.column) {
            const sql = bareText(this.#text, conjunct);
            const value = 'text' in constant ? constant.text : String(constant.value);
            if (sql) {
              usage.constants.push({
                sql,
                target: element.target,
                test: { kind: 'equals', column: found.column, value },
              });
            }
          }
        }
      } else if (
        (kind === 'AEXPR_OP' && RANGE.has(side.operator)) ||
        kind === 'AEXPR_BETWEEN' ||
        kind === 'AEXPR_BETWEEN_SYM'
      ) {
        if (values) {
          pushUnique(usage.ranges, element);
          usage.reasons.set(element.target, reason('range'));
        }
      }
    }
  }

  #readLike(
    usage: Usage,
    element: Element,
    column: string | null,
    kind: string,
    pattern: Node | undefined,
  ): void {
    const constant = constantOf(pattern);
    if (constant?.type !== 'string') return;
    if (/^[%_]/.test(constant.value)) {
      usage.gin.push({ element: `${element.sql} gin_trgm_ops`, reason: 'trigram', extension: 'pg_trgm' });
      return;
    }
    // a fixed prefix: a B-tree with text_pattern_ops serves LIKE 'abc%' whatever the collation
    if (kind === 'AEXPR_LIKE' && column && /^[^%_]+%$/.test(constant.value)) {
      const type = usage.table.columns.find((c) => c.name === column)?.typeName;
      const opclass =
        type === 'varchar' ? 'varchar_pattern_ops' : type === 'text' ? 'text_pattern_ops' : null;
      if (!opclass) return;
      pushUnique(usage.ranges, { sql: `${element.sql} ${opclass}`, target: `${element.target} ${opclass}` });
      usage.reasons.set(`${element.target} ${opclass}`, 'prefix-like');
    }
  }

  #readOrder(scope: Scope): void {
    const sort = (scope.node.sortClause as Node[] | undefined) ?? [];
    if (sort.length === 0) return;
    const items: { usage: Usage; element: Element }[] = [];
    for (const item of sort) {
      const by = asNode<{ node?: Node; sortby_dir?: string; sortby_nulls?: string }>(item, 'SortBy');
      const found = by && this.#elementOf(by.node, scope);
      if (!found) return;
      const desc = by.sortby_dir === 'SORTBY_DESC';
      const nulls =
        by.sortby_nulls === 'SORTBY_NULLS_FIRST' && !desc
          ? ' NULLS FIRST'
          : by.sortby_nulls === 'SORTBY_NULLS_LAST' && desc
            ? ' NULLS LAST'
            : '';
      items.push({
        usage: found.usage,
        element: { sql: `${found.element.sql}${desc ? ' DESC' : ''}${nulls}`, target: found.element.target },
      });
    }
    // an index gives the order only when every sort key is of one table
    const usage = items[0]!.usage;
    if (items.some((i) => i.usage !== usage)) return;
    for (const { element } of items) {
      pushUnique(usage.order, element);
      if (!usage.reasons.has(element.target)) usage.reasons.set(element.target, 'order-by');
    }
  }

  #readReferences(scope: Scope): void {
    const node = scope.node;
    const parts = [
      node.targetList,
      node.groupClause,
      node.havingClause,
      node.sortClause,
      node.returningList,
      ...scope.predicates,
    ];
    for (const part of parts) {
      walkExpression(part, (kind, payload) => {
        if (kind !== 'ColumnRef') return;
        const fields = (payload as { fields?: Node[] }).fields ?? [];
        if (fields.some((f) => nodeKind(f) === 'A_Star')) {
          const names = stringValues(fields);
          for (const relation of scope.relations) {
            if (names.length === 0 || names.at(-1) === relation.name) {
              const usage = this.#usage(relation);
              if (usage) usage.star = true;
            }
          }
          return;
        }
        const binding = this.#names.column(payload);
        if (binding?.scope !== scope) return;
        this.#usage(binding.relation)?.referenced.add(binding.column);
      });
    }
    // an UPDATE or DELETE reads whole rows: no index covers it
    if (scope.kind !== 'SelectStmt')
      for (const relation of scope.relations) {
        const usage = this.#usage(relation);
        if (usage) usage.star = true;
      }
  }
}

class CandidatePool {
  readonly #byKey = new Map<string, IndexCandidate>();

  add(
    usage: Usage,
    query: string,
    elements: readonly Element[],
    reasons: readonly CandidateReason[],
    extra: { include?: readonly string[]; where?: string | null; whereTargets?: readonly string[] } = {},
  ): void {
    if (elements.length === 0) return;
    const include = extra.include ?? [];
    const where = extra.where ?? null;
    const table = usage.table.qualifiedName;
    const key = `${table}|btree|${elements.map((e) => e.sql).join(',')}|${include.join(',')}|${where ?? ''}`;
    this.#merge(key, {
      key,
      table,
      tableSql: relationSql(usage.relation),
      elements: elements.map((e) => e.sql),
      targets: elements.map((e) => e.target),
      include,
      where,
      whereTargets: extra.whereTargets ?? [],
      method: 'btree',
      costable: true,
      reasons,
      queries: [query],
      extension: null,
    });
  }

  addGin(usage: Usage, query: string, gin: Usage['gin'][number]): void {
    const table = usage.table.qualifiedName;
    const key = `${table}|gin|${gin.element}||`;
    this.#merge(key, {
      key,
      table,
      tableSql: relationSql(usage.relation),
      elements: [gin.element],
      targets: [gin.element],
      include: [],
      where: null,
      whereTargets: [],
      method: 'gin',
      costable: false,
      reasons: [gin.reason],
      queries: [query],
      extension: gin.extension,
    });
  }

  #merge(key: string, candidate: IndexCandidate): void {
    const known = this.#byKey.get(key);
    if (!known) {
      this.#byKey.set(key, candidate);
      return;
    }
    this.#byKey.set(key, {
      ...known,
      reasons: [...new Set([...known.reasons, ...candidate.reasons])],
      queries: [...new Set([...known.queries, ...candidate.queries])],
    });
  }

  get candidates(): IndexCandidate[] {
    return [...this.#byKey.values()];
  }
}

function generate(pool: CandidatePool, query: string, usage: Usage, options: CandidateOptions): void {
  const maxWidth = options.maxWidth ?? 3;
  const reasonOf = (e: Element): CandidateReason => usage.reasons.get(e.target) ?? 'equality';
  const singles = [...usage.equality, ...usage.joins, ...usage.ranges, ...usage.order];
  for (const element of singles) pool.add(usage, query, [element], [reasonOf(element)]);

  const leading = [
    ...usage.equality,
    ...usage.joins.filter((j) => !usage.equality.some((e) => e.target === j.target)),
  ];
  const keys: Element[][] = [];
  const tails: Element[][] = [
    ...usage.ranges.slice(0, 2).map((r) => [r]),
    usage.order.filter((o) => !leading.some((e) => e.target === o.target)),
    [],
  ];
  for (const tail of tails) {
    const key = [...leading, ...tail.filter((t) => !leading.some((e) => e.target === t.target))].slice(
      0,
      maxWidth,
    );
    if (key.length >= 2 && !keys.some((k) => k.map((e) => e.sql).join() === key.map((e) => e.sql).join()))
      keys.push(key);
  }
  for (const key of keys) pool.add(usage, query, key, ['multi-column', ...key.map(reasonOf)]);

  // covering: the best key of the query with the other columns it reads, for an index-only scan
  const best = keys[0] ?? (singles[0] ? [singles[0]] : []);
  if (options.pgMajor >= 11 && best.length > 0 && !usage.star) {
    const inKey = new Set(best.map((e) => e.target));
    const include = [...usage.referenced].filter((c) => !inKey.has(c)).sort();
    if (include.length > 0 && include.length <= (options.maxInclude ?? 4)) {
      pool.add(usage, query, best, ['covering'], { include: include.map(quoteIdent) });
    }
  }

  // partial: a constant predicate moves out of the key into WHERE, when something else is left to index
  for (const constant of usage.constants) {
    const kept = options.selectivity?.(usage.table, constant.test) ?? null;
    if (kept === null ? constant.test.kind === 'equals' : kept >= 0.5) continue;
    const rest = [...leading, ...usage.ranges.slice(0, 1), ...usage.order]
      .filter((e) => e.target !== constant.target)
      .filter((e, i, all) => all.findIndex((o) => o.target === e.target) === i)
      .slice(0, maxWidth);
    if (rest.length > 0)
      pool.add(usage, query, rest, ['partial'], { where: constant.sql, whereTargets: [constant.target] });
  }

  for (const gin of usage.gin) pool.addGin(usage, query, gin);
}

function statementOf(sql: string): Node | undefined {
  return parseSync(sql).stmts?.[0]?.stmt as Node | undefined;
}

/** The UPDATE's table and the columns its SET changes. */
function updatedColumns(ast: Node, schema: QuerySchema): QueryShape['updates'] {
  const update = asNode<{ relation?: { relname?: string; schemaname?: string }; targetList?: Node[] }>(
    ast,
    'UpdateStmt',
  );
  if (!update?.relation?.relname) return null;
  const table = schema.relation(update.relation.schemaname, update.relation.relname);
  if (!table) return null;
  const columns = (update.targetList ?? [])
    .map((t) => asNode<{ name?: string }>(t, 'ResTarget')?.name)
    .filter((n): n is string => n !== undefined);
  return { table: table.qualifiedName, columns };
}

/** The tables a statement names (INSERT targets included), as the schema knows them. */
function tablesOf(ast: Node, schema: QuerySchema): Set<string> {
  const tables = new Set<string>();
  const visit = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
      return;
    }
    // an INSERT's, UPDATE's or DELETE's own table is a bare RangeVar payload under `relation`
    const record = value as {
      RangeVar?: { relname?: string; schemaname?: string };
      relation?: { relname?: string; schemaname?: string };
    };
    for (const range of [record.RangeVar, record.relation]) {
      if (!range?.relname) continue;
      const table = schema.relation(range.schemaname, range.relname);
      if (table) tables.add(table.qualifiedName);
    }
    for (const child of Object.values(value as Record<string, unknown>)) visit(child);
  };
  visit(ast);
  return tables;
}

/**
 * Every candidate of the workload, merged across queries, without those an existing index already is (same keys as
 * its leading keys, its INCLUDE columns within the index's columns). The SQL parser must be loaded.
 */
export function generateCandidates(
  queries: readonly WorkloadQuery[],
  schema: QuerySchema,
  options: CandidateOptions,
): CandidateSet {
  const pool = new CandidatePool();
  const shapes = new Map<string, QueryShape>();
  const unreadable: { query: string; reason: string }[] = [];
  for (const query of queries) {
    let ast: Node | undefined;
    try {
      ast = statementOf(query.sql);
    } catch (error) {
      unreadable.push({ query: query.id, reason: (error as Error).message });
      continue;
    }
    if (!ast) continue;
    const targets = new Map<string, Set<string>>();
    if (query.kind !== 'insert') {
      const reader = new QueryReader(query.sql, ast, schema);
      reader.read();
      for (const usage of reader.usages.values()) {
        const set = targets.get(usage.table.qualifiedName) ?? new Set<string>();
        for (const e of [...usage.equality, ...usage.joins, ...usage.ranges, ...usage.order])
          set.add(e.target);
        for (const constant of usage.constants) set.add(constant.target);
        targets.set(usage.table.qualifiedName, set);
        generate(pool, query.id, usage, options);
      }
    }
    shapes.set(query.id, {
      query: query.id,
      targets,
      tables: tablesOf(ast, schema),
      updates: updatedColumns(ast, schema),
    });
  }
  const candidates = pool.candidates.filter((c) => !existingIndexCovers(c, schema));
  return { candidates, shapes, unreadable };
}

/** The targets of an existing index's keys, as the generator names them. */
function indexTargets(index: ReturnType<QuerySchema['indexes']>[number]) {
  return index.keys.map((k) => {
    const base = k.column ?? (k.expression ? `expr:${expressionKey(k.expression)}` : '?');
    return k.opclass && /pattern_ops$/.test(k.opclass) ? `${base} ${k.opclass}` : base;
  });
}

/** True when a valid, non-partial index of the same kind already has the candidate's keys first and its columns. */
export function existingIndexCovers(candidate: IndexCandidate, schema: QuerySchema): boolean {
  const table = schema.model.snapshot.tables.find((t) => t.qualifiedName === candidate.table);
  if (!table) return false;
  return schema.indexes(table).some((index) => {
    if (index.info.predicate !== null || index.info.method !== candidate.method) return false;
    if (candidate.method === 'gin') {
      return index.keys.some((k) => candidate.elements[0]!.startsWith(quoteIdent(k.column ?? '\u0000')));
    }
    const targets = indexTargets(index);
    if (!candidate.targets.every((t, i) => targets[i] === t)) return false;
    const columns = new Set([
      ...index.info.columns.filter((c): c is string => c !== null),
      ...index.info.include,
    ]);
    return candidate.include.every((c) => columns.has(c.replace(/^"|"$/g, '').replace(/""/g, '"')));
  });
}
