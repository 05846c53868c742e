import { defineRule } from '../../core/rule.js';
import { identSql, tableSql } from '../../schema/keys.js';
import type { SchemaModel } from '../models.js';

export default defineRule<SchemaModel>({
  id: 'schema/not-valid-constraint',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'CHECK or foreign key constraint left NOT VALID',
  reportsOn: ['constraint'],
  docs: {
    why: 'ADD CONSTRAINT … NOT VALID is the first half of a safe recipe: new and updated rows are checked at once, the existing ones only by a later VALIDATE CONSTRAINT. Left half done, the constraint promises less than it says: old rows may violate it, the planner cannot use a NOT VALID CHECK to skip partitions or prove conditions, SET NOT NULL cannot use it to skip its scan, and a dump restores it as NOT VALID again.',
    howToFix:
      'Run `ALTER TABLE t VALIDATE CONSTRAINT c`: it scans the table under a SHARE UPDATE EXCLUSIVE lock, which lets reads and writes go on (a foreign key also takes ROW SHARE on the referenced table). If it fails, the error names a violating row: fix the data first (for a foreign key: `SELECT … FROM child LEFT JOIN parent … WHERE parent.id IS NULL AND child.col IS NOT NULL`), then validate.',
    examples: {
      bad: 'ALTER TABLE orders ADD CONSTRAINT chk_orders_total CHECK (total >= 0) NOT VALID;',
      good: 'ALTER TABLE orders ADD CONSTRAINT chk_orders_total CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT chk_orders_total;',
    },
  },
  check({ model, report }) {
    for (const table of model.tables) {
      for (const constraint of table.constraints) {
        if (constraint.validated || constraint.inherited) continue;
        if (constraint.type !== 'check' && constraint.type !== 'foreign key') continue;
        report({
          message: `${constraint.type === 'check' ? 'CHECK' : 'foreign key'} ${constraint.name} on ${table.qualifiedName} is NOT VALID: rows that existed before it was added were never checked (${constraint.definition})`,
          location: { object: `${table.qualifiedName}.${constraint.name}`, kind: 'constraint' },
          fix: `ALTER TABLE ${tableSql(table)} VALIDATE CONSTRAINT ${identSql(constraint.name)};  -- SHARE UPDATE EXCLUSIVE: reads and writes go on`,
        });
      }
    }
  },
});
