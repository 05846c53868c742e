import { z } from 'zod';
import type { IndexInfo, TableInfo } from '../../catalog/model.js';
import { defineRule } from '../../core/rule.js';
import {
  buildIndexStatements,
  describeIndex,
  dropIndexStatement,
  foreignKeyIndexes,
  identSql,
  indexShape,
  mentionsColumn,
  NameRegistry,
  objectName,
  predicateRequiresNull,
} from '../../schema/keys.js';
import { tenancyOf } from '../../schema/tenancy.js';
import { judgeUniqueKey, replaceUniqueKey, uniqueKeyContext } from '../../schema/unique-keys.js';
import { qualifiedIdent } from '../../sql/quote.js';
import type { SchemaModel } from '../models.js';

export default defineRule<SchemaModel, { plainIndexes: boolean }>({
  id: 'schema/soft-delete-index',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Index on a soft-delete table that does not exclude deleted rows',
  reportsOn: ['index', 'constraint'],
  docs: {
    why: 'On a table whose rows are deleted by setting the soft-delete column (config `schema.softDeleteColumn`, default deleted_at), a unique key that also counts deleted rows keeps their values taken for ever: once a user with that email is deleted, nobody can sign up with it again, and the error blames a row nobody can see. The unique index must cover the live rows only: `WHERE deleted_at IS NULL`. Plain indexes gain from the same predicate (info): they stop carrying rows the queries filter out anyway — but only where the queries say `deleted_at IS NULL`, so check the queries that read deleted rows. Left alone: the primary key, keys that generate their own values (identity, uuid defaults), unique keys that foreign keys reference (the references need them unique over all rows, deleted ones included, and DROP CONSTRAINT would fail while they exist), indexes that serve a foreign key (a partial index cannot serve the foreign key check), and indexes that mention the soft-delete column already.',
    howToFix:
      'Build the partial twin first, then drop the old one, then give the twin the old name: `CREATE UNIQUE INDEX CONCURRENTLY t_email_key_live ON t (email) WHERE deleted_at IS NULL; ALTER TABLE t DROP CONSTRAINT t_email_key; ALTER INDEX t_email_key_live RENAME TO t_email_key;` (DROP INDEX CONCURRENTLY for an index without a constraint). In that order the key is enforced at every moment. A partial unique index cannot be a UNIQUE constraint: `INSERT … ON CONFLICT (email)` must then name the predicate, `ON CONFLICT (email) WHERE deleted_at IS NULL`. A deleted row still holds its values: restoring it fails if a live row took them meanwhile.',
    examples: {
      bad: 'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE, deleted_at timestamptz);',
      good: 'CREATE UNIQUE INDEX unq_users_email ON users (lower(email)) WHERE deleted_at IS NULL;',
    },
  },
  options: z.object({
    plainIndexes: z
      .boolean()
      .default(true)
      .describe('Also report plain (non-unique) indexes that include deleted rows, at info'),
  }),
  check({ model, options, report }) {
    const column = model.conventions.softDeleteColumn;
    const names = new NameRegistry(model);
    const ctx = uniqueKeyContext(model, tenancyOf(model));

    const rebuild = (table: TableInfo, index: IndexInfo): string | null => {
      const shape = indexShape(index);
      if (!shape) return null;
      const temp = names.free(index.schema, objectName(index.name, 'live'));
      const filter = `${identSql(column)} IS NULL`;
      return [
        ...buildIndexStatements(
          model,
          table,
          {
            name: temp,
            method: shape.method,
            keys: shape.keys,
            middle: shape.middle,
            predicate: index.predicate ? `${index.predicate} AND ${filter}` : filter,
          },
          names,
        ),
        dropIndexStatement(table, index),
        `ALTER INDEX ${qualifiedIdent(index.schema, temp)} RENAME TO ${identSql(index.name)};`,
      ].join('\n');
    };

    for (const table of model.tables) {
      if (!table.columns.some((c) => c.name === column)) continue;
      const serveForeignKeys = foreignKeyIndexes(table);
      for (const index of table.indexes) {
        if (index.primary || index.exclusion || !index.valid) continue;
        const what = () => `${index.name} ${describeIndex(index)}`;
        if (index.unique) {
          const verdict = judgeUniqueKey(ctx, table, index);
          if (!verdict.missingLiveOnly) continue;
          report({
            message: `unique ${index.constraint !== null ? 'constraint' : 'index'} ${what()} on ${table.qualifiedName} counts soft-deleted rows: a deleted row keeps its values taken; make it partial, WHERE ${column} IS NULL`,
            location:
              index.constraint !== null
                ? { object: `${table.qualifiedName}.${index.constraint}`, kind: 'constraint' }
                : { object: index.qualifiedName, kind: 'index' },
            fix: replaceUniqueKey(ctx, table, index, verdict, names, 'live'),
          });
          continue;
        }
        if (predicateRequiresNull(index.predicate, column)) continue;
        // an index on the soft-delete column, or filtered on it otherwise, is about deleted rows on purpose
        if (index.columns.includes(column) || index.include.includes(column)) continue;
        if (mentionsColumn(index.expressions, column) || mentionsColumn(index.predicate, column)) continue;
        if (!options.plainIndexes || serveForeignKeys.has(index.name)) continue;
        report({
          message: `index ${what()} on ${table.qualifiedName} includes soft-deleted rows: if the queries it serves filter ${column} IS NULL, make it partial`,
          location: { object: index.qualifiedName, kind: 'index' },
          severity: 'info',
          fix: rebuild(table, index),
        });
      }
    }
  },
});
