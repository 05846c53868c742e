import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import {
  display,
  locationOf,
  noTransactionNote,
  operations,
  sizedSeverity,
  withConcurrently,
} from '../../lint/rule-helpers.js';

export default defineRule<MigrationModel>({
  id: 'migration/require-concurrent-reindex',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'warning',
  summary: 'REINDEX without CONCURRENTLY',
  reportsOn: 'file',
  docs: {
    why: 'REINDEX locks out writes to the table (SHARE) and every use of the index being rebuilt (ACCESS EXCLUSIVE on it), for as long as the rebuild takes. From PostgreSQL 12, REINDEX CONCURRENTLY rebuilds it while reads and writes go on.',
    howToFix:
      'On PostgreSQL 12 and later: REINDEX INDEX CONCURRENTLY (or TABLE), outside a transaction block. Before 12: CREATE INDEX CONCURRENTLY a copy, then drop the old index and rename the new one.',
    examples: {
      bad: 'REINDEX INDEX idx_orders_user_id;',
      good: 'REINDEX INDEX CONCURRENTLY idx_orders_user_id;',
    },
  },
  check({ model, report }) {
    for (const { analyzed, operation } of operations(model, 'reindex')) {
      if (operation.newTable) continue;
      const table = operation.relations.table;
      const fix =
        model.pgVersion >= 12
          ? `${withConcurrently(analyzed.statement.text)};\n-- ${noTransactionNote(model)}`
          : '-- PostgreSQL < 12 has no REINDEX CONCURRENTLY:\nCREATE INDEX CONCURRENTLY <new_index> ON <table> (<same definition>);\nDROP INDEX CONCURRENTLY <old_index>;\nALTER INDEX <new_index> RENAME TO <old_index>;';
      report({
        message: `REINDEX without CONCURRENTLY blocks writes to ${table ? display(table) : 'the table'} and every query using the index while it rebuilds`,
        location: locationOf(model, analyzed),
        severity: sizedSeverity(model, table, 'warning'),
        fix,
      });
    }
  },
});
