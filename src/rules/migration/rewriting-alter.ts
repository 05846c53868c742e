import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { display, locationOf, operations, sizedSeverity, sizeText } from '../../lint/rule-helpers.js';

import type { LockEntryId } from '../../locks/model.js';

const REWRITING: readonly LockEntryId[] = ['set-logged', 'set-tablespace', 'set-access-method'];

export default defineRule<MigrationModel>({
  id: 'migration/rewriting-alter',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'error',
  summary: 'SET LOGGED / UNLOGGED / TABLESPACE / ACCESS METHOD rewrites the table',
  reportsOn: 'file',
  docs: {
    why: 'ALTER TABLE … SET LOGGED, SET UNLOGGED, SET ACCESS METHOD (PostgreSQL 15+) and SET TABLESPACE copy every file of the table under an ACCESS EXCLUSIVE lock. SET LOGGED also writes the whole table to the WAL, which replicas must replay.',
    howToFix:
      'Do it when the table is small or the application can be stopped, with a lock_timeout; or build a new table and switch to it.',
    examples: { bad: 'ALTER TABLE events SET LOGGED;' },
  },
  check({ model, report }) {
    for (const { analyzed, operation } of operations(model, ...REWRITING)) {
      const table = operation.relations.table;
      if (!table || model.createdHere(table)) continue;
      report({
        message: `${operation.summary} rewrites ${display(table)}${sizeText(model.table(table))} under an ACCESS EXCLUSIVE lock`,
        location: locationOf(model, analyzed),
        severity: sizedSeverity(model, table, 'error'),
        fix: null,
      });
    }
  },
});
