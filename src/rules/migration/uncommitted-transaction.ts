import { defineRule } from '../../core/rule.js';
import { type MigrationModel, transactionControl } from '../../lint/migration-model.js';
import { locationOf } from '../../lint/rule-helpers.js';

export default defineRule<MigrationModel>({
  id: 'migration/uncommitted-transaction',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'error',
  summary: 'BEGIN without COMMIT or ROLLBACK',
  reportsOn: 'file',
  docs: {
    why: 'A transaction opened in a migration and never closed is rolled back when the session ends: the migration reports success while none of its changes exist (squawk issue #697 is such an incident).',
    howToFix:
      "End the transaction with COMMIT — or remove BEGIN and let the runner's transaction do its job.",
    examples: {
      bad: 'BEGIN;\nALTER TABLE orders ADD COLUMN note text;',
      good: 'BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;',
    },
  },
  check({ model, report }) {
    let open: (typeof model.statements)[number] | undefined;
    for (const analyzed of model.statements) {
      const control = transactionControl(analyzed.statement);
      if ((control === 'TRANS_STMT_BEGIN' || control === 'TRANS_STMT_START') && !analyzed.inTransactionBlock)
        open = analyzed;
      if (control === 'TRANS_STMT_COMMIT' || control === 'TRANS_STMT_ROLLBACK') open = undefined;
    }
    if (open) {
      report({
        message:
          'this BEGIN is never committed: the migration reports success and its changes are rolled back',
        location: locationOf(model, open),
        fix: 'COMMIT;',
      });
    }
  },
});
