import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import {
  display,
  locationOf,
  operations,
  sizedSeverity,
  sizeText,
  sqlRelation,
} from '../../lint/rule-helpers.js';
import { quoteIdent } from '../../sql/quote.js';

export default defineRule<MigrationModel>({
  id: 'migration/change-column-type',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'error',
  summary: 'ALTER COLUMN … TYPE that rewrites the table',
  reportsOn: 'file',
  docs: {
    why: "Changing a column's type rewrites the whole table and rebuilds its indexes under an ACCESS EXCLUSIVE lock, unless the change is binary coercible: varchar → text, a longer varchar(n), more numeric precision at the same scale, more timestamp precision, cidr → inet (and, from the database, casts such as citext ↔ text). A USING clause that transforms the value always rewrites. Timestamp ↔ timestamptz rewrites except when the session time zone is UTC (PostgreSQL 12+): lint knows it from a SET TimeZone (or SET LOCAL) earlier in the migration, from the --db server's TimeZone, or from the config's migrations.sessionTimeZone; an index on the column is still rebuilt.",
    howToFix:
      "For a rewriting change on a busy table: add a new column of the new type, write to both (trigger or application), backfill in batches, switch reads, then drop the old column. Widening changes are safe as they are. For timestamp ↔ timestamptz on PostgreSQL 12+, the fix runs the change with SET LOCAL TimeZone = 'UTC' — only right when the values are UTC times, since the conversion reads them in the session time zone. Without --db the old type is only known when an earlier migration in the same run created the column: pass --db to decide the others.",
    examples: {
      bad: 'ALTER TABLE orders ALTER COLUMN id TYPE bigint;',
      good: 'ALTER TABLE orders ALTER COLUMN note TYPE text;  -- was varchar(200): no rewrite',
    },
  },
  check({ model, report }) {
    for (const { analyzed, operation } of operations(model)) {
      const change = operation.typeChange;
      const table = operation.relations.table;
      if (!change || operation.newTable || !table || model.createdHere(table)) continue;
      const column = operation.column ?? 'the column';
      if (change.keepsData === true) {
        // timestamp ↔ timestamptz under UTC keeps the files, but an index on the column is built again
        const rebuilt = operation.rebuildsIndexes ?? [];
        if (rebuilt.length > 0)
          report({
            message: `ALTER COLUMN ${column} TYPE ${change.to.display} keeps ${display(table)}'s files (TimeZone UTC) but rebuilds ${rebuilt.map(display).join(', ')}, reading the whole table${sizeText(model.table(table))} under an ACCESS EXCLUSIVE lock`,
            location: locationOf(model, analyzed),
            severity: sizedSeverity(model, table, 'warning'),
            fix: null,
          });
        continue;
      }
      const facts = sizeText(model.table(table));
      if (change.keepsData === undefined) {
        report({
          message: `ALTER COLUMN ${column} TYPE ${change.to.display} rewrites ${display(table)}${facts} unless the old type is binary coercible to it; pgwarden does not know the old type (lint with --db)`,
          location: locationOf(model, analyzed),
          severity: sizedSeverity(model, table, 'warning'),
          fix: null,
        });
        continue;
      }
      const from = change.from ? `${change.from.display} → ` : '';
      if (change.betweenTimestamps && model.pgVersion >= 12) {
        report({
          message: `ALTER COLUMN ${column} TYPE ${from}${change.to.display} rewrites ${display(table)}${facts} under an ACCESS EXCLUSIVE lock unless the session's TimeZone is UTC (PostgreSQL 12+)`,
          location: locationOf(model, analyzed),
          severity: sizedSeverity(model, table, 'error'),
          fix: utcFix(analyzed.statement.text, change.to.name, analyzed.inTransactionBlock),
        });
        continue;
      }
      const [sqlTable, old, next] = [sqlRelation(table), quoteIdent(column), quoteIdent(`${column}_new`)];
      report({
        message: `ALTER COLUMN ${column} TYPE ${from}${change.to.display}${change.using ? ' USING …' : ''} rewrites ${display(table)}${facts} and its indexes under an ACCESS EXCLUSIVE lock`,
        location: locationOf(model, analyzed),
        severity: sizedSeverity(model, table, 'error'),
        fix: `-- expand and contract instead of rewriting in place:\nALTER TABLE ${sqlTable} ADD COLUMN ${next} ${change.to.display};\n-- keep it in sync (trigger or application), backfill in batches, switch reads, then:\n-- ALTER TABLE ${sqlTable} DROP COLUMN ${old}; ALTER TABLE ${sqlTable} RENAME COLUMN ${next} TO ${old};`,
      });
    }
  },
});

/**
 * The same statement with the session's TimeZone set to UTC for its transaction: PostgreSQL 12+ then keeps the
 * table's files. The values are read (or written) as UTC times, which is right only if they are UTC times.
 */
function utcFix(statement: string, to: string, inTransactionBlock: boolean): string {
  const meaning =
    to === 'timestamptz'
      ? '-- the stored values are then read as UTC times: right only if they were written in UTC'
      : '-- the values then become UTC wall-clock times: right only if the application reads them as UTC';
  const body = [meaning, "SET LOCAL TimeZone = 'UTC';", `${statement.trim().replace(/;$/, '')};`];
  // SET LOCAL lasts until the transaction ends; outside one it would do nothing
  return (inTransactionBlock ? body : ['BEGIN;', ...body, 'COMMIT;']).join('\n');
}
