/**
 * What is wrong with a node's Filter, decided once so that each node gets one filter finding from the rule that
 * fits it best: a missing index (a Seq Scan that keeps few rows), a function or cast on an indexed column, a
 * filter an index could take as its condition, or — when none of those applies — many rows removed by a filter.
 * Also the indexes pgwarden suggests, shared by the rules that suggest them and by the hypopg costing.
 */

import { quoteIdent } from '../sql/quote.js';
import { type Conjunct, parseCondition } from './conditions.js';
import type { TableFacts } from './facts.js';
import { indexesOn, localNames, type PlanModel, tableOf, tableSql } from './model.js';
import type { PlanNode } from './plan.js';

/** A Seq Scan reading at least this many rows per loop (or on a table this large) reads "a large table". */
export const LARGE_TABLE_ROWS = 10_000;
/** A filter is selective when it removes more than this share of the rows it reads. */
export const SELECTIVE_REMOVED_SHARE = 0.9;
/** On an index scan, a filter removing this share of what the index found is worth folding into the index. */
export const INDEX_FILTER_REMOVED_SHARE = 0.5;
/** Fewer rows removed than this (over all loops) is never worth a finding. */
export const MIN_ROWS_REMOVED = 1000;
/** A filter that removes rows but whose node takes less of the total time than this is not worth a finding. */
export const MIN_TIME_SHARE = 0.05;

const SEQ_SCANS = new Set(['Seq Scan']);
const INDEX_SCANS = new Set(['Index Scan', 'Index Only Scan', 'Bitmap Heap Scan']);

export interface IndexSuggestion {
  readonly nodeId: number;
  /** The table as SQL. */
  readonly table: string;
  /** Index elements as SQL: `customer_id`, `(lower(email))`, `created_at DESC`. */
  readonly elements: readonly string[];
  /** `CREATE INDEX CONCURRENTLY name ON table (elements);` */
  readonly statement: string;
}

export type FilterProblem =
  | 'missing-index'
  | 'function-on-indexed-column'
  | 'filter-not-index-cond'
  | 'rows-removed';

export interface FilterDiagnosis {
  readonly problem: FilterProblem;
  /** The filter's text, as printed. */
  readonly filter: string;
  /** Rows read and removed by the filter, over all loops. */
  readonly examined: number;
  readonly removed: number;
  readonly removedShare: number;
  /** missing-index, filter-not-index-cond, function-on-indexed-column (expression index): the index to create. */
  readonly suggestion: IndexSuggestion | null;
  /** function-on-indexed-column: the conjunct that wraps the column, and the index it defeats. */
  readonly wrapped: { readonly conjunct: Conjunct; readonly index: string } | null;
}

/** The node's Filter removal figures, when it has a Filter and ran. */
function filterFigures(node: PlanNode): { examined: number; removed: number; share: number } | null {
  if (!node.filter || node.actualRows === null || node.rowsRemovedByFilter === null) return null;
  const removed = node.rowsRemovedByFilter;
  const examined = removed + node.actualRows;
  if (examined === 0) return null;
  return { examined, removed, share: removed / examined };
}

/** Casts PostgreSQL adds to compare a varchar column with text: an index on the column still serves them. */
function transparentCast(conjunct: Conjunct, table: TableFacts | undefined): boolean {
  if (conjunct.wrap !== 'cast' || conjunct.functions.length > 0) return false;
  if (!['text', 'varchar'].includes(conjunct.castTo ?? '')) return false;
  if (!table) return true;
  const column = table.columns.find((c) => c.name === conjunct.column);
  return column?.typeName === 'varchar' || column?.typeName === 'text';
}

/** The column a conjunct tests, bare or under a transparent cast. */
function plainColumn(conjunct: Conjunct, table: TableFacts | undefined): string | null {
  if (!conjunct.column) return null;
  if (conjunct.wrap === null || transparentCast(conjunct, table)) return conjunct.column;
  return null;
}

/** A function-wrapped conjunct an expression index can serve: immutable functions only (unknown: assumed). */
function indexableExpression(model: PlanModel, conjunct: Conjunct): string | null {
  if (conjunct.wrap !== 'function' || !conjunct.expression || conjunct.functions.length === 0) return null;
  const volatility = model.database?.functionVolatility ?? {};
  if (conjunct.functions.some((f) => volatility[f] !== undefined && volatility[f] !== 'i')) return null;
  return conjunct.expression;
}

const EQUALITY = new Set(['eq', 'in', 'null']);

/** `(lower(email))` → `lower_email`, for index names. */
function namePart(element: string): string {
  return element
    .toLowerCase()
    .replace(/\b(desc|asc|nulls|first|last|text|varchar)\b/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

function indexName(table: string, elements: readonly string[]): string {
  const base = table.split('.').at(-1)!.replace(/"/g, '');
  // the schema review's default index template, idx_{table}_{columns}: one name for the same advice everywhere
  const name = `idx_${base}_${elements.map(namePart).filter(Boolean).join('_')}`;
  return quoteIdent(name.length > 63 ? name.slice(0, 63).replace(/_+$/, '') : name);
}

export function suggestionFor(nodeId: number, table: string, elements: readonly string[]): IndexSuggestion {
  return {
    nodeId,
    table,
    elements,
    statement: `CREATE INDEX CONCURRENTLY ${indexName(table, elements)} ON ${table} (${elements.join(', ')});`,
  };
}

/** Index elements for conjuncts: equality columns first (most distinct values first when known), then one range. */
export function indexElements(
  model: PlanModel,
  conjuncts: readonly Conjunct[],
  table: TableFacts | undefined,
): string[] {
  const equality: { element: string; distinct: number; at: number }[] = [];
  const ranges: string[] = [];
  conjuncts.forEach((conjunct, at) => {
    if (conjunct.joinsTo && conjunct.kind !== 'eq') return;
    const column = plainColumn(conjunct, table);
    const expression = column ? null : indexableExpression(model, conjunct);
    const element = column ? quoteIdent(column) : expression ? `(${expression})` : null;
    if (!element) return;
    if (EQUALITY.has(conjunct.kind)) {
      const stats = column ? table?.columns.find((c) => c.name === column)?.stats : undefined;
      if (!equality.some((e) => e.element === element)) {
        equality.push({ element, distinct: stats?.distinct ?? 0, at });
      }
    } else if (conjunct.kind === 'range' && !ranges.includes(element)) {
      ranges.push(element);
    }
  });
  equality.sort((a, b) => b.distinct - a.distinct || a.at - b.at);
  const elements = equality.map((e) => e.element);
  const range = ranges.find((r) => !elements.includes(r));
  if (range) elements.push(range);
  return elements;
}

function normalizeExpression(text: string): string {
  return text.replace(/[\s()"]/g, '').toLowerCase();
}

/** An existing valid index whose leading key is the suggestion's first element: nothing new to suggest. */
export function coveredBy(table: TableFacts | undefined, elements: readonly string[]): string | null {
  if (!table || elements.length === 0) return null;
  const first = normalizeExpression(elements[0]!.replace(/\s+(ASC|DESC)$/i, ''));
  for (const index of table.indexes) {
    if (!index.valid || index.predicate !== null) continue;
    const lead = index.columns[0];
    const leadText = lead === null || lead === undefined ? index.expressions[0] : lead;
    if (leadText === undefined) continue;
    if (normalizeExpression(leadText) === first) {
      // a same-lead index that also has the second element (or the suggestion has none) covers it
      const second = elements[1];
      const indexSecond = index.columns[1];
      if (!second || (indexSecond && normalizeExpression(indexSecond) === normalizeExpression(second))) {
        return index.name;
      }
    }
  }
  return null;
}

/** The filter diagnosis of a node, or null when its filter is not a problem worth a finding. */
export function diagnoseFilter(model: PlanModel, node: PlanNode): FilterDiagnosis | null {
  const figures = filterFigures(node);
  if (!figures || figures.removed < MIN_ROWS_REMOVED) return null;
  const conditions = model.conditions[node.id];
  const conjuncts = conditions?.filter?.conjuncts ?? [];
  const table = tableOf(model, node);
  const loops = node.actual?.loops ?? 1;
  const base = {
    filter: node.filter!,
    examined: figures.examined,
    removed: figures.removed,
    removedShare: figures.share,
    suggestion: null,
    wrapped: null,
  };
  const timeShare = model.plan.timeBaseMs ? Math.max(0, node.exclusiveMs ?? 0) / model.plan.timeBaseMs : 1;
  const generic = (): FilterDiagnosis | null =>
    figures.share > SELECTIVE_REMOVED_SHARE && timeShare >= MIN_TIME_SHARE
      ? { ...base, problem: 'rows-removed' }
      : null;

  const wrapped = wrappedIndexedColumn(model, node, conjuncts, table);
  if (SEQ_SCANS.has(node.nodeType) && node.relationName) {
    const large =
      figures.examined / loops >= LARGE_TABLE_ROWS || (table?.rowEstimate ?? 0) >= LARGE_TABLE_ROWS;
    if (!large || figures.share <= SELECTIVE_REMOVED_SHARE) return generic();
    if (wrapped) {
      return { ...base, problem: 'function-on-indexed-column', wrapped, suggestion: wrapped.suggestion };
    }
    const elements = indexElements(model, conjuncts, table);
    if (elements.length === 0) return generic();
    // an index already leads with these columns and the planner passed it over: not a missing index
    if (coveredBy(table, elements)) return null;
    const suggestion = suggestionFor(node.id, tableSql(model, node), elements);
    return { ...base, problem: 'missing-index', suggestion };
  }
  if (INDEX_SCANS.has(node.nodeType) && node.relationName) {
    if (figures.share < INDEX_FILTER_REMOVED_SHARE) return null;
    if (wrapped) {
      return { ...base, problem: 'function-on-indexed-column', wrapped, suggestion: wrapped.suggestion };
    }
    const indexed = conditions?.indexCond ?? conditions?.recheckCond ?? null;
    const filterElements = indexElements(model, conjuncts, table);
    if (filterElements.length > 0) {
      const elements = indexElements(model, [...(indexed?.conjuncts ?? []), ...conjuncts], table);
      if (!coveredBy(table, elements) || elements.length === 1) {
        const suggestion = suggestionFor(node.id, tableSql(model, node), elements);
        return { ...base, problem: 'filter-not-index-cond', suggestion };
      }
    }
    return generic();
  }
  return generic();
}

/**
 * A conjunct that wraps a column in a function or a (non-transparent) cast while an index exists on the column
 * and none on the expression: the index cannot serve it. Needs the database's indexes.
 */
function wrappedIndexedColumn(
  model: PlanModel,
  node: PlanNode,
  conjuncts: readonly Conjunct[],
  table: TableFacts | undefined,
): { conjunct: Conjunct; index: string; suggestion: IndexSuggestion | null } | null {
  if (!table) return null;
  for (const conjunct of conjuncts) {
    if (!conjunct.column || !conjunct.wrap || conjunct.wrap === 'expression') continue;
    if (transparentCast(conjunct, table)) continue;
    if (!['eq', 'in', 'range', 'null'].includes(conjunct.kind)) continue;
    const indexes = indexesOn(table, conjunct.column);
    if (indexes.length === 0) continue;
    const expression = conjunct.expression ? `(${conjunct.expression})` : null;
    if (expression && coveredBy(table, [expression])) continue;
    const indexable = indexableExpression(model, conjunct);
    return {
      conjunct,
      index: indexes[0]!.name,
      suggestion: indexable ? suggestionFor(node.id, table.sqlName, [`(${indexable})`]) : null,
    };
  }
  return null;
}

/** The columns of a Sort Key that are plain columns of `node`'s relation, with their direction; null otherwise. */
export function plainSortKey(keys: readonly string[], node: PlanNode): string[] | null {
  const local = localNames(node) ?? [];
  const out: string[] = [];
  for (const key of keys) {
    const match =
      /^(?:"?([A-Za-z_][\w$]*)"?\.)?("(?:[^"]|"")+"|[A-Za-z_][\w$]*)(\s+(?:DESC|ASC))?(\s+NULLS\s+(?:FIRST|LAST))?$/.exec(
        key.trim(),
      );
    if (!match) return null;
    if (match[1] && !local.includes(match[1])) return null;
    const column = match[2]!.startsWith('"') ? match[2]!.slice(1, -1).replace(/""/g, '"') : match[2]!;
    out.push(`${quoteIdent(column)}${match[3] ?? ''}${match[4] ?? ''}`);
  }
  return out;
}

/** The scan a Sort reads from (through Gather Merge, Result, Materialize), when it is one relation's scan. */
export function scanBelow(model: PlanModel, node: PlanNode): PlanNode | null {
  let current: PlanNode | undefined = node;
  for (let depth = 0; current && depth < 4; depth++) {
    if (current.relationName && /Scan$/.test(current.nodeType)) return current;
    const children: PlanNode[] = current.childIds
      .map((id) => model.plan.nodes[id]!)
      .filter((c) => c.parentRelationship !== 'InitPlan' && c.parentRelationship !== 'SubPlan');
    if (children.length !== 1) return null;
    current = children[0];
  }
  return null;
}

/** The index that would let a Limit read rows in order instead of sorting them: equality filters, then the sort key. */
export function sortIndexSuggestion(model: PlanModel, sort: PlanNode): IndexSuggestion | null {
  const scan = scanBelow(model, sort.childIds.length > 0 ? model.plan.nodes[sort.childIds[0]!]! : sort);
  if (!scan || !sort.sortKey) return null;
  const key = plainSortKey(sort.sortKey, scan);
  if (!key) return null;
  const table = tableOf(model, scan);
  const conditions = model.conditions[scan.id];
  const conjuncts = [
    ...(conditions?.filter?.conjuncts ?? []),
    ...(conditions?.indexCond?.conjuncts ?? []),
    ...(conditions?.recheckCond?.conjuncts ?? []),
  ].filter((c) => EQUALITY.has(c.kind));
  const equality = indexElements(model, conjuncts, table).filter(
    (e) => !key.some((k) => k.split(' ')[0] === e),
  );
  const elements = [...equality, ...key];
  if (coveredBy(table, elements) && equality.length === 0 && key.length === 1) return null;
  return suggestionFor(scan.id, tableSql(model, scan), elements);
}

/** A Limit reads its first rows from a Sort over at least this many rows … */
export const LIMIT_SORTED_ROWS = 10_000;
/** … and this many times the rows it returns. */
export const LIMIT_SORTED_RATIO = 10;

export interface LimitSort {
  readonly sort: PlanNode;
  /** Rows the Sort read (its input, over all loops). */
  readonly sorted: number;
  /** Rows the Limit returned. */
  readonly returned: number;
}

/** A Limit over a Sort of many rows (directly, or through a Gather Merge): the sort an index could avoid. */
export function limitSort(model: PlanModel, limit: PlanNode): LimitSort | null {
  if (limit.nodeType !== 'Limit' || limit.actualRows === null) return null;
  let current = limit.childIds
    .map((id) => model.plan.nodes[id]!)
    .find((c) => c.parentRelationship === 'Outer');
  if (current && (current.nodeType === 'Gather Merge' || current.nodeType === 'Result')) {
    current = current.childIds
      .map((id) => model.plan.nodes[id]!)
      .find((c) => c.parentRelationship === 'Outer');
  }
  if (current?.nodeType !== 'Sort') return null;
  const input = current.childIds
    .map((id) => model.plan.nodes[id]!)
    .find((c) => c.parentRelationship === 'Outer');
  if (!input || input.actualRows === null) return null;
  // a parallel sort's input is per worker: its actualRows already sums the processes
  const sorted = input.actualRows;
  const returned = limit.actualRows;
  if (sorted < LIMIT_SORTED_ROWS || sorted < LIMIT_SORTED_RATIO * Math.max(1, returned)) return null;
  return { sort: current, sorted, returned };
}

/** A Nested Loop runs its inner side at least this many times … */
export const NESTED_LOOP_MIN_LOOPS = 1000;
/** … and the inner side takes at least this share of the total time. */
export const NESTED_LOOP_MIN_SHARE = 0.1;

export interface NestedLoopDiagnosis {
  readonly outer: PlanNode;
  readonly inner: PlanNode;
  readonly loops: number;
  /** `misestimate`: the planner expected far fewer outer rows; `no-index`: the inner side scans without an index. */
  readonly cause: 'misestimate' | 'no-index';
  /** misestimate: the node where the outer side's estimate goes wrong. */
  readonly origin: PlanNode | null;
  /** no-index: the index on the inner side's join column. */
  readonly suggestion: IndexSuggestion | null;
}

function outerInner(model: PlanModel, node: PlanNode): { outer?: PlanNode; inner?: PlanNode } {
  const children = node.childIds.map((id) => model.plan.nodes[id]!);
  return {
    outer: children.find((c) => c.parentRelationship === 'Outer'),
    inner: children.find((c) => c.parentRelationship === 'Inner'),
  };
}

/** The deepest node of a subtree whose rows were underestimated 10× or more: where the estimate went wrong. */
export function underestimateOrigin(model: PlanModel, top: PlanNode): PlanNode | null {
  let found: PlanNode | null = null;
  const stack = [top];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const e = node.rowEstimate;
    if (e && e.direction === 'under' && e.factor >= 10 && (!found || node.depth > found.depth)) found = node;
    for (const id of node.childIds) {
      const child = model.plan.nodes[id]!;
      if (child.parentRelationship !== 'InitPlan' && child.parentRelationship !== 'SubPlan')
        stack.push(child);
    }
  }
  return found;
}

export function diagnoseNestedLoop(model: PlanModel, node: PlanNode): NestedLoopDiagnosis | null {
  if (node.nodeType !== 'Nested Loop') return null;
  const { outer, inner } = outerInner(model, node);
  if (!outer || !inner?.actual || inner.inclusiveMs === null) return null;
  const loops = inner.actual.loops;
  const base = model.plan.timeBaseMs;
  if (loops < NESTED_LOOP_MIN_LOOPS || !base || inner.inclusiveMs / base < NESTED_LOOP_MIN_SHARE) return null;
  const e = outer.rowEstimate;
  if (e && e.direction === 'under' && e.factor >= 10) {
    return {
      outer,
      inner,
      loops,
      cause: 'misestimate',
      origin: underestimateOrigin(model, outer),
      suggestion: null,
    };
  }
  const scan = scanBelow(model, inner);
  if (scan?.nodeType !== 'Seq Scan') return null;
  // the join key: a Join Filter conjunct `a.x = b.y` with one side a bare column of the inner relation. The model
  // reads join filters with no relation local (both sides then look foreign and the conjunct is `other`): read it
  // again from the inner relation's side, so that its column is the conjunct's column and the other side an outer one
  const names = localNames(scan) ?? [];
  const conjuncts = node.joinFilter ? parseCondition(node.joinFilter, names).conjuncts : [];
  let column: string | null = null;
  for (const c of conjuncts) {
    if (c.kind === 'eq' && c.column && c.wrap === null && c.joinsTo) {
      column = c.column;
      break;
    }
  }
  const table = tableOf(model, scan);
  const suggestion =
    column && !coveredBy(table, [quoteIdent(column)])
      ? suggestionFor(scan.id, tableSql(model, scan), [quoteIdent(column)])
      : null;
  return { outer, inner, loops, cause: 'no-index', origin: null, suggestion };
}

/** Every index pgwarden would suggest for this plan (deduplicated by statement): what hypopg is asked to cost. */
export function indexCandidates(model: PlanModel): IndexSuggestion[] {
  const found = new Map<string, IndexSuggestion>();
  const add = (s: IndexSuggestion | null | undefined) => {
    if (s && !found.has(s.statement)) found.set(s.statement, s);
  };
  for (const node of model.plan.nodes) {
    add(diagnoseFilter(model, node)?.suggestion);
    const limited = limitSort(model, node);
    if (limited) add(sortIndexSuggestion(model, limited.sort));
    add(diagnoseNestedLoop(model, node)?.suggestion);
  }
  return [...found.values()];
}

/** The hypopg result for a suggested statement, if it was costed. */
export function hypotheticalFor(model: PlanModel, statement: string) {
  return model.hypothetical.find((h) => h.statement === statement);
}
