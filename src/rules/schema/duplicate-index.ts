import type { IndexInfo, TableInfo } from '../../catalog/model.js';
import { formatBytes } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { backsConstraint, indexSignature } from '../../schema/indexes.js';
import { dropIndexStatement, identSql, tableSql } from '../../schema/keys.js';
import { expandTemplate, indexKey, templateName } from '../../schema/naming.js';
import type { SchemaModel } from '../models.js';

/** Which of two identical indexes to keep: the one a constraint needs, then the conventional name, then the older. */
function keepOrder(table: TableInfo): (a: IndexInfo, b: IndexInfo) => number {
  const conventional = (index: IndexInfo) => {
    const expected = expandTemplate('idx_{table}_{columns}', {
      table: templateName(table.name),
      columns: indexKey(index, table).columns.join('_'),
    });
    return index.name === expected || index.name.startsWith(`${expected}_`);
  };
  const rank = (index: IndexInfo) =>
    index.primary ? 0 : backsConstraint(index) ? 1 : conventional(index) ? 2 : 3;
  return (a, b) => rank(a) - rank(b) || a.oid - b.oid;
}

export default defineRule<SchemaModel>({
  id: 'schema/duplicate-index',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Two indexes that index the same thing the same way',
  reportsOn: ['index'],
  docs: {
    why: 'Two indexes with the same method, key columns or expressions, operator classes, collations, sort order, INCLUDE columns, predicate, uniqueness and NULLS NOT DISTINCT are one index stored twice: every INSERT, every non-HOT UPDATE and every DELETE maintains both, VACUUM scans both, both take memory in shared buffers and space in every backup, and the planner picks one of them anyway. They usually come from a UNIQUE constraint plus a hand-made unique index on the same column, an ORM that creates an index a migration also creates, or a rename that left the old one behind. Indexes are compared by their definitions, not their names; storage parameters (fillfactor) do not make two indexes different.',
    howToFix:
      "Keep one and drop the other with `DROP INDEX CONCURRENTLY` (outside a transaction block; it does not block reads or writes). pgwarden keeps the index that backs a constraint (primary key, unique, exclusion: dropping it would drop the constraint), else the one with the conventional name (idx_{table}_{columns}), else the older one. When both back constraints (a UNIQUE constraint on the primary key's columns), drop the extra constraint — it fails while a foreign key depends on its index: recreate that foreign key first. On a partitioned table DROP INDEX cannot be CONCURRENTLY: it locks the table and all partitions briefly.",
    examples: {
      bad: 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);\nCREATE UNIQUE INDEX users_email_idx ON users (email);',
      good: 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);',
    },
  },
  check({ model, report }) {
    for (const table of model.tables) {
      if (table.indexes.length < 2) continue;
      const groups = new Map<string, IndexInfo[]>();
      for (const index of table.indexes) {
        if (!index.valid) continue;
        const signature = indexSignature(index);
        if (signature === null) continue;
        const group = groups.get(signature);
        if (group) group.push(index);
        else groups.set(signature, [index]);
      }
      for (const group of groups.values()) {
        if (group.length < 2) continue;
        const [keep, ...others] = [...group].sort(keepOrder(table));
        for (const index of others) {
          const constraint = backsConstraint(index) ? index.constraint : null;
          const fix =
            constraint !== null
              ? [
                  `-- fails while a foreign key depends on this constraint's index: recreate that foreign key first`,
                  `ALTER TABLE ${tableSql(table)} DROP CONSTRAINT ${identSql(constraint)};`,
                ].join('\n')
              : dropIndexStatement(table, index);
          report({
            message: `index ${index.qualifiedName} duplicates ${keep!.qualifiedName} on ${table.qualifiedName}${index.size !== null ? ` (${formatBytes(index.size)} that every write maintains for nothing)` : ''}: ${keep!.definition}; ${index.definition}`,
            location: { object: index.qualifiedName, kind: 'index' },
            fix,
          });
        }
      }
    }
  },
});
