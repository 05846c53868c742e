import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import {
  display,
  locationOf,
  operations,
  ownMigrationNoTransaction,
  sizedSeverity,
  sizeText,
  sqlRelation,
} from '../../lint/rule-helpers.js';
import { quoteIdent } from '../../sql/quote.js';

export default defineRule<MigrationModel>({
  id: 'migration/unique-without-index',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'error',
  summary: 'UNIQUE or PRIMARY KEY added without USING INDEX on an existing table',
  reportsOn: 'file',
  docs: {
    why: 'ADD CONSTRAINT … UNIQUE / PRIMARY KEY builds its index under an ACCESS EXCLUSIVE lock: no reads or writes for the whole build. These constraints cannot be NOT VALID. Building the unique index CONCURRENTLY first, then attaching it with USING INDEX, takes the lock only for an instant.',
    howToFix:
      'CREATE UNIQUE INDEX CONCURRENTLY (own migration, no transaction), check it is valid, then ADD CONSTRAINT … UNIQUE USING INDEX (or PRIMARY KEY USING INDEX; its columns should already be NOT NULL, else SET NOT NULL scans). Partitioned tables do not support USING INDEX: build per-partition indexes concurrently and attach them (see migration/require-concurrent-index).',
    examples: {
      bad: 'ALTER TABLE users ADD CONSTRAINT unq_users_email UNIQUE (email);',
      good: '-- pgwarden:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY unq_users_email ON users (email);\n-- next migration:\nALTER TABLE users ADD CONSTRAINT unq_users_email UNIQUE USING INDEX unq_users_email;',
    },
  },
  check({ model, report }) {
    for (const { analyzed, operation } of operations(model, 'add-unique')) {
      const table = operation.relations.table;
      if (operation.newTable || !table || model.createdHere(table)) continue;
      const kind = operation.constraintKind === 'primary key' ? 'PRIMARY KEY' : 'UNIQUE';
      const name = quoteIdent(
        operation.constraintName ?? `${table.split('.')[1]}_${kind === 'UNIQUE' ? 'key' : 'pkey'}`,
      );
      const sqlTable = sqlRelation(table);
      const columns =
        /\(([^()]*)\)/.exec(
          analyzed.statement.text.slice(analyzed.statement.text.toUpperCase().indexOf(kind)),
        )?.[1] ?? '<columns>';
      report({
        message: `ADD ${kind} builds its index under an ACCESS EXCLUSIVE lock on ${display(table)}${sizeText(model.table(table))}: no reads or writes until it is built`,
        location: locationOf(model, analyzed),
        severity: sizedSeverity(model, table, 'error'),
        fix: `${ownMigrationNoTransaction(model)}\nCREATE UNIQUE INDEX CONCURRENTLY ${name} ON ${sqlTable} (${columns});\n-- next migration:\nALTER TABLE ${sqlTable} ADD CONSTRAINT ${name} ${kind} USING INDEX ${name};`,
      });
    }
  },
});
