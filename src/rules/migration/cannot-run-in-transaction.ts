import { defineRule } from '../../core/rule.js';
import { type MigrationModel, NO_TRANSACTION_LINES } from '../../lint/migration-model.js';
import { locationOf, operations } from '../../lint/rule-helpers.js';
import { behaviourAt, type LockEntryId } from '../../locks/model.js';

const ENTRIES: readonly LockEntryId[] = [
  'create-index-concurrently',
  'drop-index-concurrently',
  'reindex-concurrently',
  'detach-partition-concurrently',
  'vacuum',
];

export default defineRule<MigrationModel>({
  id: 'migration/cannot-run-in-transaction',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'error',
  summary: 'A statement that cannot run inside a transaction block, inside one',
  reportsOn: 'file',
  docs: {
    why: 'CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, DETACH PARTITION … CONCURRENTLY and VACUUM refuse to run in a transaction block: the migration fails with "cannot run inside a transaction block". Migration runners (pgwarden, Flyway, dbmate, Rails, Django) wrap each migration in a transaction unless told otherwise, so such a statement fails there even without an explicit BEGIN. node-pg-migrate (by default, `--single-transaction`) runs every pending migration of a run in one transaction: the failure then rolls back the whole run, the migrations before this one included.',
    howToFix:
      'Move the statement to a migration of its own and mark it `-- pgwarden:no-transaction` (dbmate: `-- migrate:up transaction:false`; goose: `-- +goose NO TRANSACTION`), with no BEGIN around it. Keep one such statement per migration so that a failure leaves a clear state.',
    examples: {
      bad: 'BEGIN;\nCREATE INDEX CONCURRENTLY idx_orders_user_id ON orders (user_id);\nCOMMIT;',
      good: '-- pgwarden:no-transaction\nCREATE INDEX CONCURRENTLY idx_orders_user_id ON orders (user_id);',
    },
  },
  check({ model, report }) {
    for (const { analyzed, operation } of operations(model, ...ENTRIES)) {
      if (!analyzed.inTransactionBlock || analyzed.embeddedIn === 'function') continue;
      if (behaviourAt(operation.entry!, model.pgVersion)?.transactionBlock !== false) continue;
      // goose, in a NO TRANSACTION file, still sends a StatementBegin … StatementEnd block as one string
      const goose = model.noTransactionLine === NO_TRANSACTION_LINES.goose;
      const where = !model.runnerTransaction
        ? model.sentWhole
          ? 'a transaction block (BEGIN … COMMIT, or the one PostgreSQL gives a string of several statements: the runner sends the file as one)'
          : goose
            ? 'a transaction block (BEGIN … COMMIT, or a StatementBegin … StatementEnd block of several statements, which goose sends as one string)'
            : 'a transaction block (BEGIN … COMMIT)'
        : model.implicitTransaction
          ? 'the transaction PostgreSQL gives a string of several statements (the runner sends the file as one, without BEGIN)'
          : model.runnerTransactionSpan === 'run'
            ? "the migration runner's transaction, which spans every pending migration of the run"
            : "the migration runner's transaction";
      const consequence =
        model.runnerTransaction && model.runnerTransactionSpan === 'run'
          ? 'PostgreSQL rejects it, and the whole run is rolled back: the pending migrations before this one too'
          : 'PostgreSQL rejects it';
      // sqlx reads `-- no-transaction` only as the file's first bytes: one further down is a comment to it
      const unread =
        model.runnerTransaction &&
        !model.implicitTransaction &&
        model.noTransactionLine === NO_TRANSACTION_LINES.sqlx
          ? model.parsed.comments.find((c) => c.text.startsWith(NO_TRANSACTION_LINES.sqlx))
          : undefined;
      const note = unread
        ? `; the file's ${NO_TRANSACTION_LINES.sqlx} on line ${unread.start.line} is not read: sqlx reads it only as the file's very first bytes${unread.start.line === 1 ? ' (a byte-order mark comes before it)' : ''}`
        : '';
      report({
        message: `${operation.summary} cannot run inside ${where}: ${consequence}${note}`,
        location: locationOf(model, analyzed),
        fix:
          model.runnerTransaction && model.runnerTransactionSpan === 'run'
            ? `-- node-pg-migrate runs every SQL migration in the run's transaction and ignores the next line (pgwarden's runner honours it): move the statement to a JS/TS migration that calls pgm.noTransaction(), which commits the run so far first\n-- pgwarden:no-transaction\n${analyzed.statement.text};`
            : model.implicitTransaction
              ? // the runner's opt-out first: sqlx reads it only as a file's first bytes
                `${model.noTransactionLine === NO_TRANSACTION_LINES.pgwarden ? '' : `${model.noTransactionLine}\n`}-- alone, in a migration file of its own\n${analyzed.statement.text};`
              : !model.runnerTransaction
                ? `${model.sentWhole ? '-- alone, in a migration file of its own' : goose ? '-- alone: outside BEGIN … COMMIT, and not in a StatementBegin … StatementEnd block with other statements' : '-- outside BEGIN … COMMIT'}\n${analyzed.statement.text};`
                : `${model.noTransactionLine}\n${analyzed.statement.text};`,
      });
    }
  },
});
