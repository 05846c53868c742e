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
  id: 'migration/require-concurrent-drop-index',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'warning',
  summary: 'DROP INDEX without CONCURRENTLY',
  reportsOn: 'file',
  docs: {
    why: "DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table. The drop itself is quick, but the lock request queues behind every running query on the table, and every query after it queues behind the lock: reads included. DROP INDEX CONCURRENTLY waits for running transactions without blocking anyone.",
    howToFix:
      'Use DROP INDEX CONCURRENTLY, outside a transaction block, one index per statement and without CASCADE. It cannot drop an index that backs a constraint (drop the constraint instead) or an index on a partitioned table.',
    examples: {
      bad: 'DROP INDEX idx_orders_status;',
      good: '-- pgwarden:no-transaction\nDROP INDEX CONCURRENTLY idx_orders_status;',
    },
  },
  check({ model, report }) {
    for (const { analyzed, operation } of operations(model, 'drop-index')) {
      if (operation.newTable) continue;
      const table = operation.relations.table;
      if (table && model.createdHere(table)) continue;
      report({
        message: `DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on ${table ? display(table) : "the index's table"}: reads and writes queue behind it`,
        location: locationOf(model, analyzed),
        severity: sizedSeverity(model, table, 'warning'),
        fix: `${withConcurrently(analyzed.statement.text)};\n-- ${noTransactionNote(model)}`,
      });
    }
  },
});
