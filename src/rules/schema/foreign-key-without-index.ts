import { z } from 'zod';
import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { DEFAULT_THRESHOLDS } from '../../lint/thresholds.js';
import {
  buildIndexStatements,
  describeIndex,
  dropIndexStatement,
  foreignKeys,
  identSql,
  indexCovers,
  NameRegistry,
  objectName,
  rowsOf,
  sameColumnSet,
} from '../../schema/keys.js';
import type { SchemaModel } from '../models.js';

export default defineRule<SchemaModel, { smallTableRows: number }>({
  id: 'schema/foreign-key-without-index',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Foreign key whose columns no index leads with',
  reportsOn: ['constraint'],
  docs: {
    why: 'PostgreSQL indexes the referenced side of a foreign key (it must be unique), never the referencing side. Each DELETE of a parent row, and each UPDATE of its key, looks for child rows by the foreign key columns: without an index that is a sequential scan of the child table per parent row, under a lock, and ON DELETE CASCADE turns one DELETE into many scans. Joins from parent to children pay the same price. An index serves the foreign key when its leading key columns are the foreign key columns, in any order: (customer_id, created_at) serves a key on (customer_id); (b, a) serves one on (a, b); (b) alone does not serve (a, b). A partial index, an invalid one (a failed CREATE INDEX CONCURRENTLY) and a non-btree one do not count.',
    howToFix:
      "Build the index without blocking writes: `CREATE INDEX CONCURRENTLY idx_{table}_{columns} ON t (columns)` (outside a transaction block). On a partitioned table, where CONCURRENTLY is refused, create the index ON ONLY the parent, build each partition's CONCURRENTLY and ATTACH it: the parent's index becomes valid when every partition has one. An INVALID index left by a failed build is dropped first (DROP INDEX CONCURRENTLY). Severity follows the referencing table's size on a live database: below `smallTableRows` rows the scan is cheap and the finding is info.",
    examples: {
      bad: 'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id));',
      good: 'CREATE INDEX CONCURRENTLY idx_orders_customer_id ON orders (customer_id);',
    },
  },
  options: z.object({
    smallTableRows: z
      .number()
      .int()
      .min(0)
      .default(DEFAULT_THRESHOLDS.smallTableRows)
      .describe(
        'On a live database, a referencing table with fewer rows gets an info finding; default: the config’s thresholds.smallTableRows',
      ),
  }),
  check({ model, options, report }) {
    const names = new NameRegistry(model);
    for (const table of model.tables) {
      const keys = foreignKeys(table);
      if (keys.length === 0) continue;
      const rows = model.source === 'live' ? rowsOf(model, table) : null;
      for (const fk of keys) {
        const columns = fk.columns;
        const usable = table.indexes.some((i) => indexCovers(i, columns));
        if (usable) continue;
        // Indexes that lead with the columns but cannot serve: say why, and clean up an invalid one.
        const near = table.indexes.filter(
          (i) =>
            i.columns.length >= columns.length && sameColumnSet(i.columns.slice(0, columns.length), columns),
        );
        const invalid = near.filter((i) => !i.valid);
        const notes = near.map((i) =>
          !i.valid
            ? `${i.name} is INVALID (a failed concurrent build)`
            : i.predicate !== null
              ? `${i.name} ${describeIndex(i)} is partial`
              : `${i.name} is a ${i.method} index`,
        );
        const referenced = `${fk.foreignKey!.referencedTable}(${fk.foreignKey!.referencedColumns.join(', ')})`;
        const small = rows !== null && rows < options.smallTableRows;
        // the new index takes the name of the invalid one it replaces
        const name = invalid[0]?.name ?? names.free(table.schema, objectName('idx', table.name, ...columns));
        const fix = [
          ...invalid.map((i) => dropIndexStatement(table, i)),
          ...buildIndexStatements(
            model,
            table,
            {
              name,
              keys: columns.map((c) => identSql(c)).join(', '),
              partitionName: (part) => objectName('idx', part.name, ...columns),
            },
            names,
          ),
        ].join('\n');
        report({
          message: `foreign key ${fk.name} on ${table.qualifiedName} (${columns.join(', ')}) → ${referenced} has no index leading with its columns${notes.length > 0 ? ` (${notes.join('; ')})` : ''}: each DELETE or key UPDATE on ${fk.foreignKey!.referencedTable} scans ${table.qualifiedName}${rows !== null ? ` (~${formatCount(rows)} rows)` : ''}`,
          location: { object: `${table.qualifiedName}.${fk.name}`, kind: 'constraint' },
          severity: small ? 'info' : undefined,
          fix,
        });
      }
    }
  },
});
