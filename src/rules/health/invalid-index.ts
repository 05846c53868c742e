import { formatBytes } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import type { HealthFacts } from '../../health/model.js';

export default defineRule<HealthFacts>({
  id: 'health/invalid-index',
  category: 'health',
  model: 'health',
  defaultSeverity: 'error',
  summary: 'Invalid index left by a failed CREATE INDEX CONCURRENTLY or REINDEX',
  reportsOn: ['index'],
  docs: {
    why: 'A CREATE INDEX CONCURRENTLY (or REINDEX CONCURRENTLY) that fails — a duplicate key for a unique index, a deadlock, a statement_timeout, a cancelled session — leaves the index behind, marked invalid. The planner never uses it, yet every INSERT and UPDATE still maintains it: all of the cost, none of the benefit, and the queries it was built for still scan. A unique one does not enforce uniqueness. Indexes being built right now (in pg_stat_progress_create_index) are left out.',
    howToFix:
      'Rebuild it: `REINDEX INDEX CONCURRENTLY` (the fix) builds it again without blocking writes. If the build failed on duplicate values for a unique index, remove the duplicates first, or drop it (`DROP INDEX CONCURRENTLY`). Whatever ran the build (a migration) must check that it succeeded: pgwarden lint flags CONCURRENTLY builds in migrations.',
  },
  check({ model, report }) {
    for (const index of model.indexes) {
      if (index.valid || index.building) continue;
      report({
        message: `index ${index.name} on ${index.table} is invalid (a failed concurrent build): the planner never uses it, but writes still maintain it (${formatBytes(index.sizeBytes)})${index.unique ? ', and it enforces no uniqueness' : ''}${index.definition ? `: ${index.definition}` : ''}`,
        location: { object: index.name, kind: 'index' },
        fix: `REINDEX INDEX CONCURRENTLY ${index.name};`,
        evidence: { ...index },
      });
    }
  },
});
