import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { display, locationOf } from '../../lint/rule-helpers.js';

export default defineRule<MigrationModel>({
  id: 'migration/backfill-in-transaction',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'warning',
  summary: 'A data backfill in the same transaction as blocking DDL',
  reportsOn: 'file',
  docs: {
    why: "An UPDATE, DELETE or INSERT … SELECT over existing rows in the transaction that ran a schema change keeps that change's lock (often ACCESS EXCLUSIVE) for the whole data change, and makes one huge transaction: all its row locks, WAL and dead rows at once.",
    howToFix:
      'Commit the schema change first (its own migration), then backfill in small batches, each in its own transaction, outside the migration runner (a script or a background job) or in later migrations.',
    examples: {
      bad: "ALTER TABLE orders ADD COLUMN currency text;\nUPDATE orders SET currency = 'EUR';",
      good: "ALTER TABLE orders ADD COLUMN currency text;\n-- later, in batches:\nUPDATE orders SET currency = 'EUR' WHERE id BETWEEN 1 AND 10000 AND currency IS NULL;",
    },
  },
  check({ model, report }) {
    const ddlAt = new Map<number, { line: number; table: string }>();
    for (const analyzed of model.statements) {
      if (analyzed.embeddedIn === 'function') continue;
      const blocking = analyzed.locks.find((lock) => lock.blocksWrites && lock.mode !== 'RowExclusiveLock');
      const writes = analyzed.operations.filter((o) => o.entry === 'write' || o.entry === 'merge');
      if (writes.length > 0) {
        const ddl = ddlAt.get(analyzed.transaction.index);
        const table = writes[0]!.relations.table;
        const intoNewTable = table !== undefined && model.createdHere(table);
        if (ddl && !intoNewTable && analyzed.statement.kind !== 'InsertStmt') {
          report({
            message: `${writes[0]!.summary} of ${display(table)} runs in the transaction of the schema change at line ${ddl.line}: ${display(ddl.table)} stays locked for the whole backfill`,
            location: locationOf(model, analyzed),
            fix: '-- commit the schema change first; backfill in batches, each in its own transaction',
          });
        }
      }
      if (blocking && !ddlAt.has(analyzed.transaction.index)) {
        ddlAt.set(analyzed.transaction.index, {
          line: analyzed.statement.start.line,
          table: blocking.relation,
        });
      }
    }
  },
});
