import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { locationOf, ownMigrationNoTransaction } from '../../lint/rule-helpers.js';
import { asNode } from '../../sql/ast.js';
import { quoteLiteral } from '../../sql/quote.js';

export default defineRule<MigrationModel>({
  id: 'migration/enum-add-value',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'error',
  summary: 'ALTER TYPE … ADD VALUE where it cannot run or cannot be used',
  reportsOn: 'file',
  docs: {
    why: 'Before PostgreSQL 12, ALTER TYPE … ADD VALUE cannot run inside a transaction block: under a migration runner\'s transaction it fails. From 12 it can, but the new value cannot be used until the transaction commits: a later statement of the same migration that uses it fails with "unsafe use of new value".',
    howToFix:
      'Put ADD VALUE in its own migration (before 12: marked `-- pgwarden:no-transaction`), and use the new value only in later migrations.',
    examples: {
      bad: "ALTER TYPE order_status ADD VALUE 'refunded';\nUPDATE orders SET status = 'refunded' WHERE refunded_at IS NOT NULL;",
      good: "ALTER TYPE order_status ADD VALUE 'refunded';\n-- next migration:\nUPDATE orders SET status = 'refunded' WHERE refunded_at IS NOT NULL;",
    },
  },
  check({ model, report }) {
    model.statements.forEach((analyzed, index) => {
      const added = asNode<{ newVal?: string; oldVal?: string }>(analyzed.statement.ast, 'AlterEnumStmt');
      if (!added?.newVal || added.oldVal || !analyzed.inTransactionBlock) return;
      if (model.pgVersion < 12) {
        report({
          message: `ALTER TYPE … ADD VALUE cannot run inside a transaction block on PostgreSQL ${model.pgVersion}`,
          location: locationOf(model, analyzed),
          fix: `${ownMigrationNoTransaction(model)}\n${analyzed.statement.text};`,
        });
        return;
      }
      const literal = quoteLiteral(added.newVal);
      const user = model.statements.slice(index + 1).find(
        (later) =>
          later.transaction.index === analyzed.transaction.index &&
          // the same label added to, or declared in, another enum type is not a use of this one's value
          !asNode(later.statement.ast, 'AlterEnumStmt') &&
          !asNode(later.statement.ast, 'CreateEnumStmt') &&
          later.statement.text.includes(literal),
      );
      if (user) {
        report({
          message: `the new enum value ${literal} is used at line ${user.statement.start.line} before the transaction that adds it commits: PostgreSQL rejects it ("unsafe use of new value")`,
          location: locationOf(model, user),
          fix: `-- move the statement that uses ${literal} to a later migration`,
        });
      }
    });
  },
});
