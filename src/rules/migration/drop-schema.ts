import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { locationOf } from '../../lint/rule-helpers.js';
import { asNode } from '../../sql/ast.js';

export default defineRule<MigrationModel>({
  id: 'migration/drop-schema',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'error',
  summary: 'DROP SCHEMA destroys every object in it (with CASCADE)',
  reportsOn: 'file',
  docs: {
    why: 'DROP SCHEMA … CASCADE deletes every table, view, function and type in the schema in one statement. Without CASCADE it fails unless the schema is empty.',
    howToFix:
      "Drop the schema's objects explicitly, each with its backup, so the migration says what it destroys.",
    examples: { bad: 'DROP SCHEMA reporting CASCADE;' },
  },
  check({ model, report }) {
    for (const analyzed of model.statements) {
      const drop = asNode<{ removeType?: string; behavior?: string }>(analyzed.statement.ast, 'DropStmt');
      if (drop?.removeType !== 'OBJECT_SCHEMA') continue;
      const cascade = drop.behavior === 'DROP_CASCADE';
      report({
        message: cascade
          ? 'DROP SCHEMA … CASCADE destroys every object in the schema and its data'
          : 'DROP SCHEMA destroys the schema (it fails unless empty)',
        location: locationOf(model, analyzed),
        severity: cascade ? 'error' : 'warning',
        fix: '-- drop the objects explicitly, each after a backup',
      });
    }
  },
});
