import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { display, locationOf, operations, sizedSeverity, sqlRelation } from '../../lint/rule-helpers.js';

export default defineRule<MigrationModel>({
  id: 'migration/refresh-without-concurrently',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'warning',
  summary: 'REFRESH MATERIALIZED VIEW without CONCURRENTLY',
  reportsOn: 'file',
  docs: {
    why: 'A plain REFRESH MATERIALIZED VIEW rebuilds the view under an ACCESS EXCLUSIVE lock: nobody can read it until the query behind it has run again. REFRESH … CONCURRENTLY keeps it readable (EXCLUSIVE lock), at the cost of needing a unique index on the view.',
    howToFix:
      'Give the materialized view a UNIQUE index (on columns with no NULLs) and use REFRESH MATERIALIZED VIEW CONCURRENTLY. A view created in the same migration is exempt.',
    examples: {
      bad: 'REFRESH MATERIALIZED VIEW order_totals;',
      good: 'REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;',
    },
  },
  check({ model, report }) {
    for (const { analyzed, operation } of operations(model, 'refresh-materialized-view')) {
      const view = operation.relations.table;
      if (!view || model.createdHere(view)) continue;
      report({
        message: `REFRESH MATERIALIZED VIEW blocks every read of ${display(view)} until the refresh is done`,
        location: locationOf(model, analyzed),
        severity: sizedSeverity(model, view, 'warning'),
        fix: `-- CONCURRENTLY needs a unique index on ${display(view)}, on columns without NULLs; unless it has one (own migration):\nCREATE UNIQUE INDEX CONCURRENTLY <index> ON ${sqlRelation(view)} (<columns that identify a row>);\n-- then:\n${analyzed.statement.text.replace(/MATERIALIZED\s+VIEW/i, 'MATERIALIZED VIEW CONCURRENTLY')};`,
      });
    }
  },
});
