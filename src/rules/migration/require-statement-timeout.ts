import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { display, locationOf } from '../../lint/rule-helpers.js';
import { type LockMode, lockModeSql } from '../../locks/modes.js';

export default defineRule<MigrationModel>({
  id: 'migration/require-statement-timeout',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'info',
  summary: 'A long-running statement without statement_timeout',
  reportsOn: 'file',
  docs: {
    why: 'A statement whose work grows with a table — a scan, a rewrite, an UPDATE, DELETE or MERGE (which reads the whole table unless an index serves its WHERE) — keeps every lock its transaction holds for as long as the work takes, which on production data can be far longer than on a development copy. That includes locks taken by earlier statements of the transaction: a backfill after an ALTER TABLE keeps the table locked. statement_timeout bounds the damage: the statement is cancelled and its transaction rolled back.',
    howToFix:
      "Set a statement_timeout suited to the work (SET statement_timeout = '5min'); pgwarden's runner sets one by default. Only the first such statement of a file is reported: one that scans or rewrites a table, or changes rows, while it or an earlier statement of its transaction holds a lock that blocks writes on a table that existed before the migration.",
    examples: {
      bad: "ALTER TABLE orders ALTER COLUMN id TYPE bigint;\n-- or\nALTER TABLE orders ADD COLUMN status text;\nUPDATE orders SET status = 'new' WHERE status IS NULL;",
      good: "SET statement_timeout = '15min';\nALTER TABLE orders ALTER COLUMN id TYPE bigint;",
    },
  },
  check({ model, report }) {
    // per transaction, the first lock that blocks writes on a table that existed before the migration
    const held = new Map<number, { relation: string; mode: LockMode; line: number }>();
    for (const analyzed of model.statements) {
      if (analyzed.embeddedIn === 'function') continue;
      const own = analyzed.locks.find((l) => l.blocksWrites && l.mode !== 'RowExclusiveLock');
      const earlier = held.get(analyzed.transaction.index);
      if (own && !earlier) {
        held.set(analyzed.transaction.index, {
          relation: own.relation,
          mode: own.mode,
          line: analyzed.statement.start.line,
        });
      }
      if (analyzed.statementTimeoutSet) continue;
      const slow = analyzed.rewrites[0] ?? analyzed.scans[0];
      const change = analyzed.operations.find(
        (o) =>
          (o.entry === 'write' || o.entry === 'merge') &&
          analyzed.statement.kind !== 'InsertStmt' &&
          o.relations.table !== undefined &&
          !o.newTable &&
          !model.createdHere(o.relations.table),
      );
      if (!slow && !change) continue;
      let holding: string;
      if (slow && own) holding = 'while holding a blocking lock';
      else if (earlier)
        holding = `while its transaction holds ${lockModeSql(earlier.mode)} on ${display(earlier.relation)} (line ${earlier.line})`;
      else continue;
      const work = slow
        ? `statement ${analyzed.rewrites.length > 0 ? 'rewrites' : 'scans'} ${display(slow)}`
        : `${change!.summary} reads ${display(change!.relations.table)} (all of it, unless an index serves its WHERE)`;
      report({
        message: `this ${work} ${holding}, with no statement_timeout`,
        location: locationOf(model, analyzed),
        fix: `SET statement_timeout = '15min';`,
      });
      return;
    }
  },
});
