import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import {
  display,
  locationOf,
  operations,
  sizedSeverity,
  sizeText,
  sqlRelation,
} from '../../lint/rule-helpers.js';
import { quoteIdent } from '../../sql/quote.js';

export default defineRule<MigrationModel>({
  id: 'migration/constraint-without-not-valid',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'error',
  summary: 'FOREIGN KEY or CHECK added without NOT VALID on an existing table',
  reportsOn: 'file',
  docs: {
    why: 'Adding a CHECK constraint reads the whole table under an ACCESS EXCLUSIVE lock (no reads, no writes); adding a FOREIGN KEY reads it under SHARE ROW EXCLUSIVE locks on both tables (no writes to either). Added NOT VALID, the constraint applies to new rows at once and costs no scan; VALIDATE CONSTRAINT then checks old rows with a SHARE UPDATE EXCLUSIVE lock, while reads and writes go on. UNIQUE and EXCLUDE constraints cannot be NOT VALID (see migration/unique-without-index). A FOREIGN KEY declared with the column it adds (ADD COLUMN … REFERENCES …) is not checked at all when the column has no DEFAULT: every existing row holds NULL; a DEFAULT, even DEFAULT NULL, makes PostgreSQL check every row.',
    howToFix:
      'ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in a later transaction (a separate migration). On PostgreSQL 18 a CHECK or FOREIGN KEY can also be NOT ENFORCED.',
    examples: {
      bad: 'ALTER TABLE orders ADD CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id);',
      good: 'ALTER TABLE orders ADD CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n-- next migration:\nALTER TABLE orders VALIDATE CONSTRAINT fk_orders_user;',
    },
  },
  check({ model, report }) {
    for (const { analyzed, operation } of operations(model, 'add-foreign-key', 'add-check')) {
      const table = operation.relations.table;
      if (operation.newTable || !table || model.createdHere(table)) continue;
      const isForeignKey = operation.entry === 'add-foreign-key';
      const name = operation.constraintName ?? '<constraint>';
      const blocks = isForeignKey
        ? `blocks writes to ${display(table)} and ${display(operation.relations['referenced table'])}`
        : `blocks reads and writes of ${display(table)}`;
      const text = analyzed.statement.text.replace(/\s*;?\s*$/, '');
      const scans = `scans ${display(table)}${sizeText(model.table(table))} and ${blocks} while it does`;
      // declared with the column it adds (which cannot take NOT VALID): the column's DEFAULT is the cause
      const withColumn = operation.column !== undefined && isForeignKey;
      report({
        message: withColumn
          ? `FOREIGN KEY on the new column ${operation.column}, which has a DEFAULT: PostgreSQL checks every row, so it ${scans}`
          : `ADD ${isForeignKey ? 'FOREIGN KEY' : 'CHECK'} ${name} without NOT VALID ${scans}`,
        location: locationOf(model, analyzed),
        severity: sizedSeverity(model, table, 'error'),
        fix: withColumn
          ? `-- declare the column without a DEFAULT (its existing rows are then NULL and PostgreSQL skips the check), or add the column, then ADD CONSTRAINT … FOREIGN KEY (${operation.column}) … NOT VALID, and VALIDATE it in a later migration`
          : `${text} NOT VALID;\n-- next migration (reads and writes go on):\nALTER TABLE ${sqlRelation(table)} VALIDATE CONSTRAINT ${quoteIdent(name)};`,
      });
    }
  },
});
