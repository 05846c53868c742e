import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { display, locationOf, noTransactionNote, operations } from '../../lint/rule-helpers.js';

export default defineRule<MigrationModel>({
  id: 'migration/require-concurrent-detach',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'warning',
  summary: 'DETACH PARTITION without CONCURRENTLY',
  reportsOn: 'file',
  pgVersions: { min: 14 },
  docs: {
    why: 'DETACH PARTITION takes an ACCESS EXCLUSIVE lock on the partitioned table: every query on any partition waits behind it, and it waits behind every running query. From PostgreSQL 14, DETACH PARTITION … CONCURRENTLY takes only SHARE UPDATE EXCLUSIVE locks and lets reads and writes go on.',
    howToFix:
      'Use DETACH PARTITION … CONCURRENTLY, outside a transaction block. It is not allowed when the table has a default partition; if it is interrupted, finish it with DETACH PARTITION … FINALIZE.',
    examples: {
      bad: 'ALTER TABLE events DETACH PARTITION events_2024;',
      good: '-- pgwarden:no-transaction\nALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY;',
    },
  },
  check({ model, report }) {
    for (const { analyzed, operation } of operations(model, 'detach-partition')) {
      const table = operation.relations.table;
      if (operation.newTable || !table || model.createdHere(table)) continue;
      report({
        message: `DETACH PARTITION without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on ${display(table)}: all its partitions are blocked`,
        location: locationOf(model, analyzed),
        fix: `${analyzed.statement.text.replace(/\s*;?\s*$/, '')} CONCURRENTLY;\n-- ${noTransactionNote(model)}`,
      });
    }
  },
});
