import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import type { HealthFacts } from '../../health/model.js';
import { type BloatOptions, bloatFinding, bloatOptions } from '../bloat-options.js';

export default defineRule<HealthFacts, BloatOptions>({
  id: 'health/table-bloat',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: 'Table much larger than its rows need (estimated, or measured with pgstattuple)',
  reportsOn: ['table'],
  options: bloatOptions(0.3, 0.6),
  docs: {
    why: "An UPDATE writes a new row version and a DELETE leaves the old one; VACUUM makes that space reusable but never gives it back, so a table that once held many dead rows (a burst of updates, autovacuum off or held back) stays large: every sequential scan reads the empty space, the cache holds less of the live data, and backups copy it. pgwarden estimates the pages the live rows need — the row count and each column's width and null fraction from pg_stats, laid out with the tuple header, null bitmap, alignment, line pointers and page header, at the table's fillfactor, TOAST included — and compares them with the table's pages. An estimate is marked unreliable (and reported as information) when the table was never analyzed, a variable-width column has no statistics, the statistics are older than a fifth of the rows, or the table is under 1 MB. With `pgwarden health --exact` and the pgstattuple extension, the suspected tables are measured with pgstattuple_approx and the measured figure decides.",
    howToFix:
      'If most of it is dead rows not yet vacuumed (health/vacuum-lag), a plain VACUUM makes the space reusable and new rows fill it. To give the space back, rewrite the table: `VACUUM (FULL, ANALYZE)` holds an ACCESS EXCLUSIVE lock for the whole rewrite (every read and write waits) and needs room for a second copy — run it in a maintenance window, with a `lock_timeout` so that it does not queue behind a long transaction and block everyone behind it. The pg_repack tool rewrites it online, with brief locks only. Then find what let the dead rows pile up (autovacuum settings, a held xmin horizon). Applies to every supported PostgreSQL (13–18).',
  },
  check({ model, options, report }) {
    const dead = new Map(model.tables.map((t) => [t.name, t.deadTuples]));
    for (const estimate of model.bloat.tables) {
      const finding = bloatFinding(
        estimate,
        options,
        'table',
        `SET lock_timeout = '5s';\nVACUUM (FULL, ANALYZE) ${estimate.name};`,
      );
      if (!finding) continue;
      const deadRows = dead.get(estimate.name) ?? 0;
      report({
        ...finding,
        message: `${finding.message}${deadRows > 0 ? `; ${formatCount(deadRows)} dead rows of it a plain VACUUM makes reusable` : ''}; VACUUM FULL locks the table (ACCESS EXCLUSIVE) while it rewrites it`,
        location: { object: estimate.name, kind: 'table' },
      });
    }
  },
});
