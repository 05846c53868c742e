/**
 * The script that builds the advised indexes without blocking writes: CREATE INDEX CONCURRENTLY one by one (on a
 * partitioned table: per partition, then attached), each bounded by a lock_timeout (a build must not queue behind
 * DDL) and a statement_timeout. Run with psql, outside a transaction block.
 */
import type { TableInfo } from '../catalog/model.js';
import { buildIndexStatements, NameRegistry, objectName } from '../schema/keys.js';
import type { SchemaModel } from '../schema/model.js';
import type { IndexCandidate } from './model.js';

export interface ScriptOptions {
  readonly lockTimeout?: string;
  readonly statementTimeout?: string;
}

function namePart(element: string): string {
  return element
    .toLowerCase()
    .replace(
      /\b(desc|asc|nulls|first|last|text_pattern_ops|varchar_pattern_ops|gin_trgm_ops|jsonb_path_ops)\b/g,
      '',
    )
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The statements that build one index (named `idx_<table>_<keys>`, or a free variant). */
export function createStatements(
  model: SchemaModel,
  table: TableInfo,
  candidate: IndexCandidate,
  names: NameRegistry,
): string[] {
  const parts = candidate.elements.map(namePart).filter(Boolean);
  if (candidate.where) parts.push('partial');
  return buildIndexStatements(
    model,
    table,
    {
      name: names.free(table.schema, objectName('idx', table.name, ...parts)),
      keys: candidate.elements.join(', '),
      method: candidate.method,
      middle: candidate.include.length > 0 ? ` INCLUDE (${candidate.include.join(', ')})` : undefined,
      predicate: candidate.where,
      partitionName: (part) => objectName('idx', part.name, ...parts),
    },
    names,
  );
}

export interface ScriptIndex {
  readonly candidate: IndexCandidate;
  readonly statements: readonly string[];
  /** A comment line above its statements. */
  note?: string;
}

/** Each candidate's statements, with names free in the schema and among each other. */
export function indexStatements(model: SchemaModel, candidates: readonly IndexCandidate[]): ScriptIndex[] {
  const names = new NameRegistry(model);
  const out: ScriptIndex[] = [];
  for (const candidate of candidates) {
    const table = model.snapshot.tables.find((t) => t.qualifiedName === candidate.table);
    if (!table) continue;
    out.push({ candidate, statements: createStatements(model, table, candidate, names) });
  }
  return out;
}

/** The whole script: timeouts, the extensions the indexes need, each build, then the drops. */
export function renderScript(
  indexes: readonly ScriptIndex[],
  drops: readonly { readonly name: string; readonly statement: string }[],
  header: readonly string[],
  options: ScriptOptions = {},
): string {
  const lines = header.map((h) => `-- ${h}`);
  lines.push(
    '-- Run with psql, not inside a transaction (CREATE INDEX CONCURRENTLY refuses one). If a build fails, drop the',
    '-- INVALID index it leaves (DROP INDEX CONCURRENTLY name) before running it again.',
    `SET lock_timeout = '${options.lockTimeout ?? '5s'}';`,
    `SET statement_timeout = '${options.statementTimeout ?? '2h'}';`,
  );
  const extensions = [...new Set(indexes.map((i) => i.candidate.extension).filter((e): e is string => !!e))];
  for (const extension of extensions) lines.push(`CREATE EXTENSION IF NOT EXISTS ${extension};`);
  for (const index of indexes) {
    lines.push('', `-- ${index.note ?? index.candidate.reasons.join(', ')}`);
    lines.push(...index.statements);
  }
  for (const drop of drops) {
    lines.push('', `-- ${drop.name} is served by a recommended index: drop it once that one is built`);
    lines.push(drop.statement);
  }
  lines.push('RESET statement_timeout;', 'RESET lock_timeout;');
  return `${lines.join('\n')}\n`;
}
