import { defineRule } from '../../core/rule.js';
import type { HealthFacts } from '../../health/model.js';

export default defineRule<HealthFacts>({
  id: 'health/not-valid-constraint',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: 'Constraint added NOT VALID and never validated',
  reportsOn: ['constraint'],
  docs: {
    why: '`ADD CONSTRAINT … NOT VALID` is the safe first half of adding a constraint to a large table: new rows are checked at once, without scanning the old ones under a heavy lock. The second half, `VALIDATE CONSTRAINT`, checks the existing rows. Left unvalidated, the old rows may break the rule, and the planner cannot use the constraint (a CHECK for partition pruning or constraint exclusion, a NOT NULL to simplify plans).',
    howToFix:
      '`ALTER TABLE … VALIDATE CONSTRAINT` (the fix) scans the table under a SHARE UPDATE EXCLUSIVE lock: reads and writes go on. If it fails, the error names a violating row: fix the data, then validate again.',
  },
  check({ model, report }) {
    for (const constraint of model.notValidConstraints) {
      report({
        message: `${constraint.type} constraint ${constraint.name} on ${constraint.table} is NOT VALID: rows written before it was added were never checked (${constraint.definition})`,
        location: { object: `${constraint.table}.${constraint.name}`, kind: 'constraint' },
        fix: `ALTER TABLE ${constraint.table} VALIDATE CONSTRAINT ${constraint.name};`,
        evidence: { ...constraint },
      });
    }
  },
});
