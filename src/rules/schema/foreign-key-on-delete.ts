import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import { ACTION_SQL, foreignKeySql, foreignKeys, replaceForeignKeyStatements } from '../../schema/keys.js';
import type { SchemaModel } from '../models.js';

export default defineRule<SchemaModel, { fixAction: 'restrict' | 'cascade' | 'set null' }>({
  id: 'schema/foreign-key-on-delete',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'info',
  summary: 'Foreign key with the default ON DELETE NO ACTION, not a deliberate choice',
  reportsOn: ['constraint'],
  docs: {
    why: "What happens to the children when a parent row is deleted is a design decision: refuse (RESTRICT), delete them too (CASCADE), or detach them (SET NULL). NO ACTION is what PostgreSQL does when nobody decided; it behaves like RESTRICT (checked at the end of the statement instead of at once), so a schema full of it usually means the question was never asked, and the application discovers the answer as a foreign key violation in production. The catalog cannot tell an explicit NO ACTION from an omitted one: accept a deliberate NO ACTION with an exception (config `schema.ignore`, or `pgwarden-ignore schema/foreign-key-on-delete: why` in the table's COMMENT). DEFERRABLE foreign keys are left alone: there NO ACTION is what lets the check wait until COMMIT.",
    howToFix:
      "Choose the action, then replace the constraint without a long lock: ADD the new foreign key NOT VALID (a brief SHARE ROW EXCLUSIVE lock on both tables), VALIDATE it (SHARE UPDATE EXCLUSIVE: reads and writes continue), then in one short transaction DROP the old one and RENAME the new one to its name (ACCESS EXCLUSIVE for an instant: run it with a lock_timeout). The fix spells out RESTRICT (option `fixAction`), which keeps today's behaviour; write CASCADE or SET NULL instead where that is the intent. Before PostgreSQL 18 a partitioned table cannot take a NOT VALID foreign key, so there the ADD checks all rows at once.",
    examples: {
      bad: 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));',
      good: 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id) ON DELETE RESTRICT);',
    },
  },
  options: z.object({
    fixAction: z
      .enum(['restrict', 'cascade', 'set null'])
      .default('restrict')
      .describe('The ON DELETE action the fix writes (restrict keeps the current behaviour)'),
  }),
  check({ model, options, pgVersion, report }) {
    for (const table of model.tables) {
      for (const fk of foreignKeys(table)) {
        if (fk.foreignKey!.onDelete !== 'no action' || fk.deferrable) continue;
        const definition = foreignKeySql(model, fk, options.fixAction);
        report({
          message: `foreign key ${fk.name} on ${table.qualifiedName} (${fk.columns.join(', ')}) → ${fk.foreignKey!.referencedTable} has ON DELETE NO ACTION, the default: decide what deleting a ${fk.foreignKey!.referencedTable} row does to these rows (RESTRICT, CASCADE or SET NULL)`,
          location: { object: `${table.qualifiedName}.${fk.name}`, kind: 'constraint' },
          fix: [
            `-- ON DELETE ${ACTION_SQL[options.fixAction]}${options.fixAction === 'restrict' ? ' keeps what happens today' : ''}: write the action you chose`,
            ...replaceForeignKeyStatements(table, fk, definition, pgVersion),
          ].join('\n'),
        });
      }
    }
  },
});
