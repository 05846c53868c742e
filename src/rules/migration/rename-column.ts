import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { display, locationOf } from '../../lint/rule-helpers.js';
import { asNode } from '../../sql/ast.js';

export default defineRule<MigrationModel>({
  id: 'migration/rename-column',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'warning',
  summary: 'RENAME COLUMN breaks code that uses the old name',
  reportsOn: 'file',
  docs: {
    why: 'The rename is instant, but every query deployed before it that names the column fails from the moment the migration commits until the new code is out.',
    howToFix:
      'Expand and contract: add the new column, write both, backfill, switch reads, drop the old one; or rename only in the ORM mapping.',
    examples: { bad: 'ALTER TABLE users RENAME COLUMN name TO full_name;' },
  },
  check({ model, report }) {
    for (const analyzed of model.statements) {
      const rename = asNode<{ renameType?: string; subname?: string; newname?: string }>(
        analyzed.statement.ast,
        'RenameStmt',
      );
      if (rename?.renameType !== 'OBJECT_COLUMN') continue;
      const table = analyzed.operations[0]?.relations.table;
      if (!table || model.createdHere(table)) continue;
      report({
        message: `renaming ${display(table)}.${rename.subname} to ${rename.newname} breaks every query that still uses the old name`,
        location: locationOf(model, analyzed),
        fix: null,
      });
    }
  },
});
