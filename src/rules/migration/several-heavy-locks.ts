import { defineRule } from '../../core/rule.js';
import type { AnalyzedStatement, MigrationModel } from '../../lint/migration-model.js';
import { display, locationOf } from '../../lint/rule-helpers.js';
import { lockModeSql } from '../../locks/modes.js';

export default defineRule<MigrationModel>({
  id: 'migration/several-heavy-locks',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'warning',
  summary: 'One transaction holds blocking locks on several tables, or keeps working after taking one',
  reportsOn: 'file',
  docs: {
    why: 'Locks are held until the transaction ends. A migration that locks a table and then does more — locks another table, scans or rewrites something — keeps the first table blocked for all of it; and taking ACCESS EXCLUSIVE locks on several tables in one transaction invites deadlocks with the application, which takes its locks in another order.',
    howToFix:
      'Split the migration: one blocking change per transaction (per migration), the quick ones first. Combine several changes to the same table into one ALTER TABLE statement.',
    examples: {
      bad: 'ALTER TABLE orders ADD COLUMN note text;\nALTER TABLE users ADD COLUMN nickname text;',
      good: 'ALTER TABLE orders ADD COLUMN note text;\n-- next migration:\nALTER TABLE users ADD COLUMN nickname text;',
    },
  },
  check({ model, report }) {
    const byTransaction = new Map<number, AnalyzedStatement[]>();
    for (const analyzed of model.statements) {
      if (analyzed.embeddedIn === 'function') continue;
      const list = byTransaction.get(analyzed.transaction.index) ?? [];
      list.push(analyzed);
      byTransaction.set(analyzed.transaction.index, list);
    }
    // once per transaction, at the first statement that keeps an earlier lock waiting: the rest of the transaction
    // is summed up in that one finding (one migration that locks ten tables is one thing to split, not nine)
    for (const statements of byTransaction.values()) {
      const held = new Map<string, { mode: string; at: AnalyzedStatement; index: boolean }>();
      let first: {
        at: AnalyzedStatement;
        relation: string;
        holder: { mode: string; at: AnalyzedStatement; index: boolean };
        what: string;
      } | null = null;
      let laterStatements = 0;
      for (const analyzed of statements) {
        const heavy = analyzed.locks.filter((lock) => lock.blocksWrites);
        const slow = analyzed.scans.length > 0 || analyzed.rewrites.length > 0;
        // tables only: an index's lock comes with its table's (DROP INDEX), and the table is what queries wait for
        const others = [...held.entries()].filter(
          ([relation, holder]) => !holder.index && !heavy.some((lock) => lock.relation === relation),
        );
        const newTables = heavy.filter((lock) => !held.has(lock.relation));
        if (others.length > 0 && (newTables.length > 0 || slow)) {
          if (first === null) {
            const [relation, holder] = others[0]!;
            first = {
              at: analyzed,
              relation,
              holder,
              what:
                newTables.length > 0
                  ? `locks ${newTables.map((l) => display(l.relation)).join(', ')} too`
                  : 'then scans or rewrites a table',
            };
          } else laterStatements++;
        }
        for (const lock of heavy)
          if (!held.has(lock.relation))
            held.set(lock.relation, { mode: lock.mode, at: analyzed, index: lock.role === 'index' });
      }
      if (first === null) continue;
      const blocked = [...held.entries()]
        .filter(([, holder]) => !holder.index)
        .map(([relation]) => display(relation));
      const more =
        laterStatements > 0
          ? `; ${laterStatements} later statement${laterStatements === 1 ? '' : 's'} of it lock${laterStatements === 1 ? 's' : ''} or rewrite${laterStatements === 1 ? 's' : ''} more, ${blocked.length} tables blocked until COMMIT (${blocked.slice(0, 6).join(', ')}${blocked.length > 6 ? ', …' : ''})`
          : '';
      report({
        message: `this transaction holds ${lockModeSql(first.holder.mode as never)} on ${display(first.relation)} (line ${first.holder.at.statement.start.line}) and ${first.what}: ${display(first.relation)} stays blocked meanwhile${more}`,
        location: locationOf(model, first.at),
        fix:
          model.runnerTransactionSpan === 'run'
            ? '-- split into separate migrations, and run them with node-pg-migrate --no-single-transaction: by default every pending migration of a run shares one transaction, so separate migrations still hold their locks together until the run ends'
            : '-- split into separate migrations: one blocking change per transaction',
        evidence: { tables: blocked, statements: laterStatements + 1 },
      });
    }
  },
});
