import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { display, locationOf, operations } from '../../lint/rule-helpers.js';

export default defineRule<MigrationModel>({
  id: 'migration/validate-in-same-transaction',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'error',
  summary: 'VALIDATE CONSTRAINT in the same transaction as the ADD … NOT VALID',
  reportsOn: 'file',
  docs: {
    why: "NOT VALID exists to split a constraint in two: a quick ADD, then a VALIDATE that scans without blocking. In one transaction the ADD's lock (ACCESS EXCLUSIVE for a CHECK, SHARE ROW EXCLUSIVE for a foreign key) is still held during the VALIDATE scan, so the table is blocked exactly as if NOT VALID had not been written.",
    howToFix:
      "Move VALIDATE CONSTRAINT to the next migration (or after a COMMIT in a migration without the runner's transaction).",
    examples: {
      bad: 'ALTER TABLE orders ADD CONSTRAINT chk_total CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT chk_total;',
      good: 'ALTER TABLE orders ADD CONSTRAINT chk_total CHECK (total >= 0) NOT VALID;\n-- next migration:\nALTER TABLE orders VALIDATE CONSTRAINT chk_total;',
    },
  },
  check({ model, report }) {
    const added = new Map<string, number>();
    for (const { analyzed, operation } of operations(model)) {
      const table = operation.relations.table;
      if (!table || !operation.constraintName) continue;
      const key = `${table}/${operation.constraintName}`;
      if (
        operation.notValid &&
        (operation.entry === 'add-check-not-valid' ||
          operation.entry === 'add-foreign-key-not-valid' ||
          operation.entry === 'add-not-null-constraint-not-valid')
      ) {
        added.set(key, analyzed.transaction.index);
      }
      if (
        (operation.entry === 'validate-constraint' || operation.entry === 'validate-foreign-key') &&
        added.get(key) === analyzed.transaction.index &&
        !model.createdHere(table)
      ) {
        report({
          message: `VALIDATE CONSTRAINT ${operation.constraintName} runs in the transaction that added it: the ADD's lock on ${display(table)} is held through the whole validation scan`,
          location: locationOf(model, analyzed),
          fix: `-- move to the next migration:\n${analyzed.statement.text};`,
        });
      }
    }
  },
});
