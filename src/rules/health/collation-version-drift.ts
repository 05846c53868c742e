import { defineRule } from '../../core/rule.js';
import { databaseLocation } from '../../health/format.js';
import type { CollationDrift, HealthFacts } from '../../health/model.js';
import { quoteIdent } from '../../sql/quote.js';

const PROVIDERS: Readonly<Record<string, string>> = { c: 'libc', i: 'ICU', b: 'builtin', d: 'default' };

function fixOf(drift: CollationDrift, current: string): string {
  if (drift.kind === 'database') {
    const database = quoteIdent(drift.name);
    const lines = [
      `REINDEX DATABASE CONCURRENTLY ${database};`,
      `ALTER DATABASE ${database} REFRESH COLLATION VERSION;`,
    ];
    return drift.name === current
      ? lines.join('\n')
      : [`-- connected to database ${database}:`, ...lines].join('\n');
  }
  return [
    ...(drift.indexes ?? []).map((index) => `REINDEX INDEX CONCURRENTLY ${index};`),
    `ALTER COLLATION ${drift.name} REFRESH VERSION;`,
  ].join('\n');
}

export default defineRule<HealthFacts>({
  id: 'health/collation-version-drift',
  category: 'health',
  model: 'health',
  defaultSeverity: 'error',
  summary: "Collation version recorded in the catalog differs from the operating system's library",
  reportsOn: ['database'],
  docs: {
    why: "A B-tree index on text is ordered by its collation, which comes from the C library (glibc) or ICU. When an operating system upgrade changes the library's sort order (glibc 2.28 changed it for most locales), indexes built with the old order become corrupt: lookups miss rows that are there, unique constraints let duplicates in, and merge joins and partition routing go wrong — silently. PostgreSQL records the library's version of each collation when it is created (pg_collation.collversion) and, from 15, of each database's default collation (pg_database.datcollversion); the rule compares them with what the library says now (pg_collation_actual_version, pg_database_collation_actual_version). A collation no index uses is left out: PostgreSQL only warns when it is next used.",
    howToFix:
      'Rebuild every index that uses the collation, then record the new version: the fix lists the indexes (`REINDEX INDEX CONCURRENTLY`, which does not block writes) and ends with `ALTER COLLATION … REFRESH VERSION`; for a database default collation (PostgreSQL 15+), `REINDEX DATABASE CONCURRENTLY` connected to that database, then `ALTER DATABASE … REFRESH COLLATION VERSION`. None of these runs inside a transaction block. Refreshing the version without the rebuild only hides the warning. Check unique indexes with amcheck (`bt_index_check`) if the rebuild fails on duplicates.',
  },
  check({ model, report }) {
    for (const drift of model.collationDrift) {
      const what =
        drift.kind === 'database'
          ? `the default collation of database ${drift.name}`
          : `${PROVIDERS[drift.provider] ?? drift.provider} collation ${drift.name}`;
      const indexes =
        drift.kind === 'database'
          ? 'every index on text in it may be out of order'
          : `${drift.indexes?.length ?? 0}${drift.indexes?.length === 50 ? '+' : ''} index(es) use it: ${(drift.indexes ?? []).slice(0, 5).join(', ')}${(drift.indexes?.length ?? 0) > 5 ? ', …' : ''}`;
      report({
        message: `${what} was recorded at version ${drift.recorded}, the library now reports ${drift.actual ?? 'none'}: ${indexes}`,
        location:
          drift.kind === 'database'
            ? databaseLocation(model, drift.name)
            : { object: `collation ${drift.name}`, kind: 'database' },
        fix: fixOf(drift, model.server.database),
        evidence: { ...drift },
      });
    }
  },
});
