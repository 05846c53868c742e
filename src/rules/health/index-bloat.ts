import { defineRule } from '../../core/rule.js';
import type { HealthFacts } from '../../health/model.js';
import { type BloatOptions, bloatFinding, bloatOptions } from '../bloat-options.js';

export default defineRule<HealthFacts, BloatOptions>({
  id: 'health/index-bloat',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: 'B-tree index much larger than its entries need (estimated, or measured with pgstatindex)',
  reportsOn: ['index'],
  options: bloatOptions(0.4, 0.7),
  docs: {
    why: "A B-tree index grows with every new row version it must point to, and splits pages as it grows; VACUUM removes the entries of dead rows but a page emptied only in part stays, so an index of a table with heavy update or delete churn ends up far larger and sparser than a fresh build — more pages to read and cache for every lookup. pgwarden estimates the pages its entries need (index tuple header, null bitmap, each key's width from pg_stats, alignment, line pointers, page header and B-tree special space, at the index's fillfactor, default 90, plus the upper levels and the metapage) and compares them with the index's pages. Random inserts leave leaves about 70% full by nature, so the warning starts at 40%. The estimate is marked unreliable (information) without statistics, on an index under 1 MB, and on a non-unique index whose first key is mostly duplicates: B-tree deduplication (PostgreSQL 13+) packs those, so the estimate understates it. With `pgwarden health --exact` and pgstattuple, pgstatindex measures the suspected indexes (the entries of dead rows count as data until VACUUM removes them).",
    howToFix:
      'Rebuild it with `REINDEX INDEX CONCURRENTLY` (the fix): it builds a fresh copy without blocking reads or writes, swaps it in, and drops the old one; it needs room for the second copy and cannot run inside a transaction block. If it fails part-way it leaves an invalid index (health/invalid-index) to drop. Applies to every supported PostgreSQL (13–18).',
  },
  check({ model, options, report }) {
    for (const estimate of model.bloat.indexes) {
      const finding = bloatFinding(
        estimate,
        options,
        'index',
        `REINDEX INDEX CONCURRENTLY ${estimate.name};`,
      );
      if (finding) report({ ...finding, location: { object: estimate.name, kind: 'index' } });
    }
  },
});
