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
  id: 'migration/set-not-null',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'error',
  summary: 'SET NOT NULL that scans the table under an ACCESS EXCLUSIVE lock',
  reportsOn: 'file',
  docs: {
    why: 'ALTER COLUMN … SET NOT NULL reads the whole table to prove there is no NULL, holding an ACCESS EXCLUSIVE lock (no reads, no writes) for the whole scan. From PostgreSQL 12 the scan is skipped when a valid CHECK (column IS NOT NULL) constraint already proves it; PostgreSQL 18 can add the NOT NULL constraint itself as NOT VALID and validate it without blocking.',
    howToFix:
      'PostgreSQL 12–17: ADD CONSTRAINT … CHECK (column IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT (a later transaction, SHARE UPDATE EXCLUSIVE: reads and writes go on); SET NOT NULL (instant, proven by the check); DROP the check. PostgreSQL 18: ADD CONSTRAINT … NOT NULL column NOT VALID, then VALIDATE CONSTRAINT. Before 12 there is no way around the scan: run it when the table is quiet, with a lock_timeout.',
    examples: {
      bad: 'ALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;',
      good: 'ALTER TABLE orders ADD CONSTRAINT chk_orders_user_id_not_null CHECK (user_id IS NOT NULL) NOT VALID;\n-- next migration:\nALTER TABLE orders VALIDATE CONSTRAINT chk_orders_user_id_not_null;\nALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;\nALTER TABLE orders DROP CONSTRAINT chk_orders_user_id_not_null;',
    },
  },
  check({ model, report }) {
    for (const { analyzed, operation } of operations(model, 'set-not-null')) {
      const table = operation.relations.table;
      if (operation.newTable || !table || model.createdHere(table)) continue;
      if (operation.provenNotNull && model.pgVersion >= 12) continue;
      if (operation.alreadyNotNull) continue;
      const column = operation.column ?? '<column>';
      const bare = table.startsWith('public.') ? table.slice(7) : table.replace('.', '_');
      // every name quoted as PostgreSQL needs: "Signature", "recipientId", "order"
      const sqlTable = sqlRelation(table);
      const sqlColumn = quoteIdent(column);
      const check = quoteIdent(`chk_${bare}_${column}_not_null`);
      const notNull = quoteIdent(`${bare}_${column}_not_null`);
      let fix: string;
      if (model.pgVersion >= 18) {
        fix = `ALTER TABLE ${sqlTable} ADD CONSTRAINT ${notNull} NOT NULL ${sqlColumn} NOT VALID;\n-- next migration (reads and writes go on):\nALTER TABLE ${sqlTable} VALIDATE CONSTRAINT ${notNull};`;
      } else if (model.pgVersion >= 12) {
        fix = `ALTER TABLE ${sqlTable} ADD CONSTRAINT ${check} CHECK (${sqlColumn} IS NOT NULL) NOT VALID;\n-- next migration (reads and writes go on):\nALTER TABLE ${sqlTable} VALIDATE CONSTRAINT ${check};\nALTER TABLE ${sqlTable} ALTER COLUMN ${sqlColumn} SET NOT NULL;  -- no scan: the check proves it\nALTER TABLE ${sqlTable} DROP CONSTRAINT ${check};`;
      } else {
        fix = `-- PostgreSQL ${model.pgVersion} always scans: run it when the table is quiet\nSET lock_timeout = '2s';\n${analyzed.statement.text};`;
      }
      report({
        message: `SET NOT NULL on ${display(table)}.${column} scans the whole table${sizeText(model.table(table))} under an ACCESS EXCLUSIVE lock`,
        location: locationOf(model, analyzed),
        severity: sizedSeverity(model, table, 'error'),
        fix,
      });
    }
  },
});
