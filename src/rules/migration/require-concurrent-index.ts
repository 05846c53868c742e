import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import {
  display,
  locationOf,
  noTransactionNote,
  operations,
  sizedSeverity,
  sizeText,
  withConcurrently,
} from '../../lint/rule-helpers.js';

export default defineRule<MigrationModel>({
  id: 'migration/require-concurrent-index',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'error',
  summary: 'CREATE INDEX without CONCURRENTLY on an existing table',
  reportsOn: 'file',
  docs: {
    why: 'CREATE INDEX takes a SHARE lock on the table for the whole build: every INSERT, UPDATE and DELETE waits until the index is built, which on a large table means minutes of failed writes. CREATE INDEX CONCURRENTLY builds it while writes go on (SHARE UPDATE EXCLUSIVE).',
    howToFix:
      "Use CREATE INDEX CONCURRENTLY, outside a transaction block (a migration of its own, marked `-- pgwarden:no-transaction`). If it fails it leaves an INVALID index: drop it (DROP INDEX CONCURRENTLY) and retry. On a partitioned table CONCURRENTLY is not allowed: create the index ON ONLY the parent (instantly, invalid), build it CONCURRENTLY on each partition, and ATTACH each partition's index; the parent's index becomes valid when all are attached. A table created earlier in the same migration is exempt.",
    examples: {
      bad: 'CREATE INDEX idx_orders_user_id ON orders (user_id);',
      good: '-- pgwarden:no-transaction\nCREATE INDEX CONCURRENTLY idx_orders_user_id ON orders (user_id);',
    },
  },
  check({ model, report }) {
    for (const { analyzed, operation } of operations(model, 'create-index')) {
      if (operation.newTable) continue;
      const table = operation.relations.table;
      if (table && model.createdHere(table)) continue;
      const facts = table ? model.table(table) : undefined;
      const partitioned = operation.partitioned ?? facts?.partitioned ?? false;
      // the first step of the partitioned recipe: ON ONLY the parent builds nothing (each partition's index does)
      if (partitioned && operation.onlyParent) continue;
      const fix = partitioned
        ? partitionedRecipe(analyzed.statement.text, table)
        : `${withConcurrently(analyzed.statement.text)};\n-- ${noTransactionNote(model)}`;
      report({
        message: `CREATE INDEX without CONCURRENTLY blocks writes to ${display(table)}${sizeText(facts)} while the index builds`,
        location: locationOf(model, analyzed),
        severity: sizedSeverity(model, table, 'error'),
        fix,
      });
    }
  },
});

function partitionedRecipe(text: string, table: string | undefined): string {
  const onOnly = text.replace(/\bON\s+(?!ONLY\b)/i, 'ON ONLY ');
  return [
    `-- ${display(table)} is partitioned: CONCURRENTLY is not allowed on the parent`,
    `${onOnly};  -- instant: the parent's index, invalid until every partition has one`,
    '-- then, for each partition (in a migration without a transaction):',
    'CREATE INDEX CONCURRENTLY <partition_index> ON <partition> (<same columns>);',
    'ALTER INDEX <parent_index> ATTACH PARTITION <partition_index>;',
  ].join('\n');
}
