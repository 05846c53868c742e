import type { CatalogSnapshot } from '../catalog/model.js';
import type { PgwardenConfig } from '../core/config.js';
import type { Finding } from '../core/finding.js';
import { isFileLocation } from '../core/finding.js';
import { objectPattern } from './build.js';

/** A finding the project accepted, and why. */
export interface AcceptedFinding {
  readonly finding: Finding;
  readonly reason: string;
  /** Where the exception is written: the config, or the object's COMMENT. */
  readonly by: 'config' | 'comment';
}

interface Exception {
  readonly rule: RegExp;
  readonly object: RegExp;
  readonly reason: string;
  readonly by: 'config' | 'comment';
}

const COMMENT_IGNORE =
  /pgwarden-ignore\s+([a-z]+\/[a-z0-9*-]+(?:\s*,\s*[a-z]+\/[a-z0-9*-]+)*)\s*:\s*([^\n]+)/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Exceptions written on the objects themselves: `COMMENT ON TABLE t IS '… pgwarden-ignore schema/rule: why'`
 * (on a table it covers its columns, constraints and indexes too; on a column, that column).
 */
function commentExceptions(snapshot: CatalogSnapshot): Exception[] {
  const out: Exception[] = [];
  const add = (comment: string | null, object: string, withChildren: boolean) => {
    if (!comment) return;
    for (const match of comment.matchAll(COMMENT_IGNORE)) {
      for (const rule of match[1]!.split(',')) {
        out.push({
          rule: objectPattern(rule.trim()),
          object: new RegExp(`^${escapeRegExp(object)}${withChildren ? '(\\..+)?' : ''}$`),
          reason: match[2]!.trim(),
          by: 'comment',
        });
      }
    }
  };
  for (const table of snapshot.tables) {
    add(table.comment, table.qualifiedName, true);
    for (const column of table.columns) add(column.comment, `${table.qualifiedName}.${column.name}`, false);
  }
  return out;
}

/** The table an object location belongs to, for exceptions on tables that cover their indexes. */
function objectsOf(finding: Finding, indexTables: ReadonlyMap<string, string>): string[] {
  if (isFileLocation(finding.location)) return [];
  const object = finding.location.object;
  const table = finding.location.kind === 'index' ? indexTables.get(object) : undefined;
  return table ? [object, `${table}.${object.slice(object.indexOf('.') + 1)}`] : [object];
}

/** Splits findings into kept and accepted, by the config's `schema.ignore` and by COMMENT exceptions. */
export function applySchemaExceptions(
  findings: readonly Finding[],
  snapshot: CatalogSnapshot,
  config: PgwardenConfig,
): { kept: Finding[]; accepted: AcceptedFinding[] } {
  const exceptions: Exception[] = [
    // an exception on a table covers its columns, constraints and indexes
    ...config.schema.ignore.map((entry) => ({
      rule: objectPattern(entry.rule),
      object: new RegExp(`${objectPattern(entry.object).source.slice(0, -1)}(\\..+)?$`),
      reason: entry.reason,
      by: 'config' as const,
    })),
    ...commentExceptions(snapshot),
  ];
  const indexTables = new Map<string, string>();
  for (const table of snapshot.tables)
    for (const index of table.indexes) indexTables.set(index.qualifiedName, table.qualifiedName);
  const kept: Finding[] = [];
  const accepted: AcceptedFinding[] = [];
  for (const finding of findings) {
    const objects = objectsOf(finding, indexTables);
    const exception = exceptions.find(
      (e) => e.rule.test(finding.rule) && objects.some((object) => e.object.test(object)),
    );
    if (exception) accepted.push({ finding, reason: exception.reason, by: exception.by });
    else kept.push(finding);
  }
  return { kept, accepted };
}
