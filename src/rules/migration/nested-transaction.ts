import { defineRule } from '../../core/rule.js';
import { type MigrationModel, transactionControl } from '../../lint/migration-model.js';
import { locationOf } from '../../lint/rule-helpers.js';

export default defineRule<MigrationModel>({
  id: 'migration/nested-transaction',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'error',
  summary: "BEGIN or COMMIT inside the runner's transaction, or BEGIN inside BEGIN",
  reportsOn: 'file',
  docs: {
    why: "PostgreSQL has no nested transactions: a BEGIN inside a transaction is ignored (with a warning), and the first COMMIT ends the outer transaction. Inside a migration runner's transaction, a COMMIT in the file commits half the migration, and everything after it runs without a transaction — a failure then leaves the schema half migrated while the runner thinks it rolled back.",
    howToFix:
      "Remove BEGIN/COMMIT and let the runner's transaction cover the file; when statements must run outside a transaction, mark the migration `-- pgwarden:no-transaction` and manage transactions explicitly in it.",
    examples: {
      bad: 'BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;',
      good: 'ALTER TABLE orders ADD COLUMN note text;',
    },
  },
  check({ model, report }) {
    for (const analyzed of model.statements) {
      const control = transactionControl(analyzed.statement);
      if (!control || !analyzed.inTransactionBlock) continue;
      if (control === 'TRANS_STMT_BEGIN' || control === 'TRANS_STMT_START') {
        report({
          message: model.runnerTransaction
            ? model.runnerTransactionSpan === 'run'
              ? "BEGIN inside the migration runner's transaction is ignored; its COMMIT will end the runner's transaction, which spans every pending migration of the run (the later ones then run without a transaction)"
              : "BEGIN inside the migration runner's transaction is ignored; its COMMIT will end the runner's transaction"
            : 'BEGIN inside an open transaction is ignored: PostgreSQL has no nested transactions',
          location: locationOf(model, analyzed),
          fix: model.runnerTransaction
            ? '-- remove BEGIN/COMMIT: the runner wraps the migration in a transaction'
            : 'SAVEPOINT <name>;',
        });
      } else if (
        model.runnerTransaction &&
        (control === 'TRANS_STMT_COMMIT' || control === 'TRANS_STMT_ROLLBACK')
      ) {
        const earlierBegin = model.statements.some(
          (s) =>
            s.statement.index < analyzed.statement.index &&
            /^TRANS_STMT_(BEGIN|START)$/.test(transactionControl(s.statement) ?? ''),
        );
        if (earlierBegin) continue; // the BEGIN was already reported
        const word = control === 'TRANS_STMT_COMMIT' ? 'COMMIT' : 'ROLLBACK';
        report({
          message:
            model.runnerTransactionSpan === 'run'
              ? `${word} ends the migration runner's transaction, which spans every pending migration of the run: it ${control === 'TRANS_STMT_COMMIT' ? 'commits' : 'rolls back'} the pending migrations before this one with half of this one, and what follows, the later migrations of the run included, runs without a transaction`
              : `${word} ends the migration runner's transaction half-way: what follows runs without one`,
          location: locationOf(model, analyzed),
          fix: `-- remove it, or take the migration out of the runner's transaction (${model.noTransactionLine.replace(/^-- /, '')}) and manage transactions in it`,
        });
      }
    }
  },
});
