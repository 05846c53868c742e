import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { display, locationOf } from '../../lint/rule-helpers.js';
import { lockModeSql } from '../../locks/modes.js';

export default defineRule<MigrationModel>({
  id: 'migration/require-lock-timeout',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'warning',
  summary: 'A blocking lock requested without lock_timeout',
  reportsOn: 'file',
  docs: {
    why: 'Even an instant ALTER TABLE must first get its lock, and it waits behind every running query on the table. While it waits, every new query on the table queues behind it: one long-running SELECT turns a millisecond migration into an outage. lock_timeout makes the migration give up (and retry later) instead.',
    howToFix:
      "Start the migration with SET lock_timeout = '2s' (and a statement_timeout); pgwarden's runner sets both by default and retries when the lock timeout hits. Only the first blocking statement of a file is reported.",
    examples: {
      bad: 'ALTER TABLE orders ADD COLUMN note text;',
      good: "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;",
    },
  },
  check({ model, report }) {
    for (const analyzed of model.statements) {
      if (analyzed.lockTimeoutSet || analyzed.embeddedIn === 'function') continue;
      const locks = analyzed.locks.filter((l) => l.blocksWrites && l.mode !== 'RowExclusiveLock');
      if (locks.length === 0) continue;
      // dropping a foreign key also locks the table it references: name every table the statement waits for
      const held = locks
        .map((lock) => `${lockModeSql(lock.mode)} on ${display(lock.relation)}`)
        .join(' and ');
      report({
        message: `${held} ${locks.length > 1 ? 'are' : 'is'} requested without lock_timeout: while it waits for running queries, every new query on ${locks.length > 1 ? 'those tables' : 'the table'} waits behind it`,
        location: locationOf(model, analyzed),
        fix: `SET lock_timeout = '2s';`,
      });
      return;
    }
  },
});
