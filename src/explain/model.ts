/**
 * The model of `plan` rules: the plan, what is known of the database it ran on, the settings it ran under, and
 * the planner's cost of the suggested indexes when hypopg could cost them.
 */
import { DEFAULT_PG_MAJOR } from '../core/pg-major.js';
import { qualifiedIdent } from '../sql/quote.js';
import { type Condition, parseCondition } from './conditions.js';
import type { DatabaseFacts, IndexFacts, TableFacts } from './facts.js';
import { describeNode, type Plan, type PlanNode } from './plan.js';
import { type PlanSettings, resolvePlanSettings } from './settings.js';

/** The conditions of one node, parsed (null where the node has none). */
export interface NodeConditions {
  readonly filter: Condition | null;
  readonly indexCond: Condition | null;
  readonly recheckCond: Condition | null;
  readonly joinFilter: Condition | null;
  readonly hashCond: Condition | null;
  readonly mergeCond: Condition | null;
}

/** The planner's estimate with a hypothetical index (hypopg), for one suggested index. */
export interface HypotheticalIndex {
  /** The CREATE INDEX statement suggested (as the finding's fix gives it). */
  readonly statement: string;
  /** Total cost of the query's plan without and with the index. */
  readonly costBefore: number;
  readonly costAfter: number;
  /** The planner chose the index in the plan with it. */
  readonly used: boolean;
}

/** Why the findings carry no hypothetical-index proof, or `used` when they do. */
export type HypopgStatus =
  | 'used'
  | 'no-database'
  | 'not-installed'
  | 'not-available'
  | 'no-candidates'
  | 'no-query'
  | 'failed';

export interface PlanModel {
  readonly plan: Plan;
  /** The PostgreSQL major the plan came from (the server's, else the config's, else 18). */
  readonly pgVersion: number;
  readonly settings: PlanSettings;
  /** What was read from the database; null without a connection (a plan file alone). */
  readonly database: DatabaseFacts | null;
  /** The parsed conditions of every node, by node id. */
  readonly conditions: readonly NodeConditions[];
  readonly hypothetical: readonly HypotheticalIndex[];
  readonly hypopg: HypopgStatus;
  /** The statement explained, when pgwarden ran it. */
  readonly query: string | null;
}

export interface PlanModelInput {
  readonly plan: Plan;
  readonly pgVersion?: number;
  readonly database?: DatabaseFacts | null;
  readonly hypothetical?: readonly HypotheticalIndex[];
  readonly hypopg?: HypopgStatus;
  readonly query?: string | null;
}

/** The aliases a column of the node's relation may be qualified with in its conditions. */
export function localNames(node: PlanNode): string[] | null {
  if (!node.relationName) return null;
  return [node.relationName, ...(node.alias ? [node.alias] : [])];
}

/** Parses every node's conditions. The SQL parser must be loaded (`loadParser()`). */
export function parseNodeConditions(plan: Plan): NodeConditions[] {
  return plan.nodes.map((node) => {
    const local = localNames(node);
    const read = (text: string | null) => (text ? parseCondition(text, local) : null);
    return {
      filter: read(node.filter),
      indexCond: read(node.indexCond),
      recheckCond: read(node.recheckCond),
      // join conditions mix relations: the rules that read them resolve the sides themselves
      joinFilter: node.joinFilter ? parseCondition(node.joinFilter, []) : null,
      hashCond: node.hashCond ? parseCondition(node.hashCond, []) : null,
      mergeCond: node.mergeCond ? parseCondition(node.mergeCond, []) : null,
    };
  });
}

/** The major of a version string (`15.4`, `18beta1`); null when unreadable. */
export function majorOf(version: string | null | undefined): number | null {
  const match = /^(\d+)/.exec(version ?? '');
  return match ? Number(match[1]) : null;
}

/** Builds the model. The SQL parser must be loaded. */
export function buildPlanModel(input: PlanModelInput): PlanModel {
  const pgVersion = input.pgVersion ?? majorOf(input.plan.serverVersion) ?? DEFAULT_PG_MAJOR;
  return {
    plan: input.plan,
    pgVersion,
    settings: resolvePlanSettings(input.plan.settings, input.database?.settings ?? null, pgVersion),
    database: input.database ?? null,
    conditions: parseNodeConditions(input.plan),
    hypothetical: input.hypothetical ?? [],
    hypopg: input.hypopg ?? (input.database ? 'not-installed' : 'no-database'),
    query: input.query ?? null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers for plan rules

/** The node's number as messages show it: pev2's numbering, from 1 at the root. */
export function nodeNumber(node: PlanNode): number {
  return node.id + 1;
}

/** `Seq Scan on public.orders (node 4)`. */
export function nodeLabel(node: PlanNode): string {
  return `${describeNode(node)} (node ${nodeNumber(node)})`;
}

/** The finding's location: the node, by number and description. */
export function nodeLocation(node: PlanNode): { object: string; kind: 'plan-node' } {
  return { object: `node ${nodeNumber(node)}: ${describeNode(node)}`, kind: 'plan-node' };
}

/** The facts of the table a scan node reads, when the database was read. */
export function tableOf(model: PlanModel, node: PlanNode): TableFacts | undefined {
  if (!model.database || !node.relationName) return undefined;
  const { tables } = model.database;
  if (node.schema) return tables.find((t) => t.schema === node.schema && t.name === node.relationName);
  const matches = tables.filter((t) => t.name === node.relationName);
  return matches.length === 1 ? matches[0] : undefined;
}

/** The table as SQL: from the facts (quoted), else as the plan names it. */
export function tableSql(model: PlanModel, node: PlanNode): string {
  const facts = tableOf(model, node);
  if (facts) return facts.sqlName;
  return qualifiedIdent(node.schema, node.relationName ?? '?');
}

/** Valid indexes of the table whose first key column is `column`. */
export function indexesLeadingWith(table: TableFacts, column: string): IndexFacts[] {
  return table.indexes.filter((i) => i.valid && i.predicate === null && i.columns[0] === column);
}

/** Valid indexes of the table with `column` among their key columns. */
export function indexesOn(table: TableFacts, column: string): IndexFacts[] {
  return table.indexes.filter((i) => i.valid && i.columns.includes(column));
}

/** A node's own time, never negative (see PlanNode.exclusiveMs). */
export function ownMs(node: PlanNode): number {
  return Math.max(0, node.exclusiveMs ?? 0);
}

/**
 * An impact for the finding: `ms` saved (clamped to the node's measured time base), with its share of the
 * query's total; undefined when the plan has no timing (EXPLAIN without ANALYZE).
 */
export function impactOf(model: PlanModel, ms: number): { ms: number; share: number } | undefined {
  // the share is of the whole statement: planning and execution
  const base = model.plan.timeBaseMs === null ? null : (model.plan.totalMs ?? model.plan.timeBaseMs);
  if (base === null || !(base > 0) || !Number.isFinite(ms)) return undefined;
  const saved = Math.min(Math.max(0, ms), base);
  return { ms: round(saved, 3), share: round(saved / base, 4) };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Severity from the share of the total: a warning from 10% (or when the share is unknown), info below. */
export function severityFor(impact: { share: number } | undefined): 'warning' | 'info' {
  return impact === undefined || impact.share >= 0.1 ? 'warning' : 'info';
}

/** The figures every plan finding's evidence starts with. */
export function nodeEvidence(node: PlanNode): Record<string, unknown> {
  return {
    node: nodeNumber(node),
    nodeId: node.id,
    nodeType: node.nodeType,
    ...(node.relationName
      ? { relation: node.schema ? `${node.schema}.${node.relationName}` : node.relationName }
      : {}),
    ...(node.exclusiveMs !== null ? { exclusiveMs: round(ownMs(node), 3) } : {}),
    ...(node.inclusiveMs !== null ? { inclusiveMs: round(node.inclusiveMs, 3) } : {}),
    ...(node.actual ? { actualRows: node.actualRows, loops: node.actual.loops } : {}),
    ...(node.estimate ? { estimatedRows: node.estimate.rows } : {}),
  };
}

/** Whether `node` runs below a Limit (it may stop early: fewer rows than estimated is expected there). */
export function underLimit(model: PlanModel, node: PlanNode): boolean {
  for (let id = node.parentId; id !== null; id = model.plan.nodes[id]!.parentId) {
    if (model.plan.nodes[id]!.nodeType === 'Limit') return true;
  }
  return false;
}
