import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { display, locationOf, operations, sizedSeverity, sizeText } from '../../lint/rule-helpers.js';

export default defineRule<MigrationModel>({
  id: 'migration/vacuum-full',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'error',
  summary: 'VACUUM FULL or CLUSTER in a migration',
  reportsOn: 'file',
  docs: {
    why: 'VACUUM FULL and CLUSTER rewrite the table and all its indexes under an ACCESS EXCLUSIVE lock: no reads, no writes, for as long as the copy takes, and they need room for a second copy of the table on disk.',
    howToFix:
      'To reclaim space without blocking, use pg_repack or pg_squeeze (extensions that rebuild the table online), or let regular VACUUM and a lower fillfactor keep bloat down. Keep maintenance out of schema migrations.',
    examples: {
      bad: 'VACUUM FULL orders;',
      good: '-- reclaim space online instead: pg_repack --table=orders',
    },
  },
  check({ model, report }) {
    for (const { analyzed, operation } of operations(model, 'vacuum-full')) {
      const table = operation.relations.table;
      if (table && model.createdHere(table)) continue;
      report({
        message: `${operation.summary} rewrites ${table ? display(table) : 'every table'}${table ? sizeText(model.table(table)) : ''} under an ACCESS EXCLUSIVE lock`,
        location: locationOf(model, analyzed),
        severity: sizedSeverity(model, table, 'error'),
        fix: '-- rebuild online instead (pg_repack or pg_squeeze), outside the migration',
      });
    }
  },
});
