import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { locationOf } from '../../lint/rule-helpers.js';
import { asNode } from '../../sql/ast.js';

const CREATES = new Set([
  'CreateStmt',
  'IndexStmt',
  'CreateSchemaStmt',
  'CreateSeqStmt',
  'CreateExtensionStmt',
  'CreateTableAsStmt',
]);

export default defineRule<MigrationModel>({
  id: 'migration/prefer-robust-statements',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'info',
  summary: 'CREATE or DROP without IF [NOT] EXISTS outside a transaction',
  reportsOn: 'file',
  docs: {
    why: 'A migration that runs without a transaction (needed for CONCURRENTLY) can stop half-way: the statements before the failure stay applied. Run again, its first CREATE then fails because the object exists, and the migration can never complete without a manual fix. Inside a transaction the whole migration rolls back instead, so this does not apply there.',
    howToFix:
      'Outside a transaction, write CREATE … IF NOT EXISTS and DROP … IF EXISTS (for an index built concurrently, also drop an INVALID leftover first).',
    examples: {
      bad: '-- pgwarden:no-transaction\nCREATE INDEX CONCURRENTLY idx_orders_user_id ON orders (user_id);',
      good: '-- pgwarden:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_id ON orders (user_id);',
    },
  },
  check({ model, report }) {
    for (const analyzed of model.statements) {
      if (analyzed.inTransactionBlock || analyzed.embeddedIn) continue;
      const { kind, ast } = analyzed.statement;
      const payload = asNode<{ if_not_exists?: boolean; missing_ok?: boolean }>(ast, kind) ?? {};
      if (CREATES.has(kind) && !payload.if_not_exists) {
        report({
          message:
            'outside a transaction, a CREATE without IF NOT EXISTS fails when the migration is run again after a partial failure',
          location: locationOf(model, analyzed),
          fix: analyzed.statement.text.replace(
            /^(\s*CREATE\s+(?:UNIQUE\s+)?(?:TABLE|INDEX(?:\s+CONCURRENTLY)?|SCHEMA|SEQUENCE|EXTENSION))/i,
            '$1 IF NOT EXISTS',
          ),
        });
      }
      if (kind === 'DropStmt' && !payload.missing_ok) {
        report({
          message:
            'outside a transaction, a DROP without IF EXISTS fails when the migration is run again after a partial failure',
          location: locationOf(model, analyzed),
          fix: analyzed.statement.text.replace(
            /^(\s*DROP\s+(?:TABLE|INDEX(?:\s+CONCURRENTLY)?|SCHEMA|SEQUENCE|VIEW|TYPE|FUNCTION))/i,
            '$1 IF EXISTS',
          ),
        });
      }
    }
  },
});
