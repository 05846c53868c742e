import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { display, locationOf, sqlRelation } from '../../lint/rule-helpers.js';
import { asNode } from '../../sql/ast.js';

export default defineRule<MigrationModel>({
  id: 'migration/rename-table',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'warning',
  summary: 'RENAME of a table breaks code that uses the old name',
  reportsOn: 'file',
  docs: {
    why: 'The rename itself is instant, but application code deployed before it still uses the old name and fails from the moment the migration commits until the new code is out.',
    howToFix:
      'Rename, then create a view with the old name (CREATE VIEW old_name AS SELECT * FROM new_name) until every client uses the new name; or rename only in the ORM mapping.',
    examples: {
      bad: 'ALTER TABLE users RENAME TO accounts;',
      good: 'ALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;',
    },
  },
  check({ model, report }) {
    for (const analyzed of model.statements) {
      const rename = asNode<{ renameType?: string; newname?: string }>(analyzed.statement.ast, 'RenameStmt');
      if (rename?.renameType !== 'OBJECT_TABLE') continue;
      const table = analyzed.operations[0]?.relations.table;
      if (!table || model.createdHere(table)) continue;
      report({
        message: `renaming ${display(table)} to "${rename.newname}" breaks every client that still uses the old name`,
        location: locationOf(model, analyzed),
        fix: `${analyzed.statement.text};\nCREATE VIEW ${sqlRelation(table)} AS SELECT * FROM ${sqlRelation(`${table.split('.')[0]}.${rename.newname}`)};  -- until every client uses the new name`,
      });
    }
  },
});
