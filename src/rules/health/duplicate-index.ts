import { formatBytes } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import type { HealthFacts, IndexFacts } from '../../health/model.js';

/** The index of a group that stays: the one that backs a constraint, else unique, else the most used. */
function rank(index: IndexFacts): number[] {
  return [index.primary ? 1 : 0, index.backsConstraint ? 1 : 0, index.unique ? 1 : 0, index.scans ?? 0];
}

function better(a: IndexFacts, b: IndexFacts): number {
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return rb[i]! - ra[i]!;
  return a.name.localeCompare(b.name);
}

export default defineRule<HealthFacts>({
  id: 'health/duplicate-index',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: 'Index identical to another index of the same table',
  reportsOn: ['index'],
  docs: {
    why: 'Two indexes with the same access method, columns, operator classes, collations, expressions and predicate serve exactly the same queries; the planner uses one, and every write maintains both. The copy doubles the write cost and the space (in memory, WAL and backups) for nothing. It usually comes from a migration that added an index an ORM or a constraint had already created.',
    howToFix:
      'Drop the copy with `DROP INDEX CONCURRENTLY` (the fix; it blocks neither reads nor writes). The one kept backs a constraint, or is unique, or is the most used. When the copy backs a constraint itself, drop or redefine the constraint instead.',
  },
  check({ model, report }) {
    const groups = new Map<string, IndexFacts[]>();
    for (const index of model.indexes) {
      if (!index.valid) continue;
      groups.set(index.signature, [...(groups.get(index.signature) ?? []), index]);
    }
    for (const group of groups.values()) {
      if (group.length < 2) continue;
      const [kept, ...copies] = [...group].sort(better);
      for (const copy of copies) {
        report({
          message: `index ${copy.name} on ${copy.table} is identical to ${kept!.name}: writes maintain both, queries use one (${formatBytes(copy.sizeBytes)} to reclaim)${copy.definition ? `: ${copy.definition}` : ''}`,
          location: { object: copy.name, kind: 'index' },
          fix: copy.backsConstraint ? null : `DROP INDEX CONCURRENTLY ${copy.name};`,
          evidence: { index: copy, duplicateOf: kept },
        });
      }
    }
  },
});
