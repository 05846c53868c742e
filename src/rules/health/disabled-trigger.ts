import { defineRule } from '../../core/rule.js';
import type { HealthFacts } from '../../health/model.js';

export default defineRule<HealthFacts>({
  id: 'health/disabled-trigger',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: 'Trigger disabled on a table',
  reportsOn: ['table'],
  docs: {
    why: '`ALTER TABLE … DISABLE TRIGGER` is often used for a bulk load and forgotten: whatever the trigger does — an audit row, a derived column, a cache invalidation — silently stops. `DISABLE TRIGGER ALL` (or a restore with --disable-triggers that failed half-way) also disables the internal triggers that enforce foreign keys: rows that reference nothing can then be written, an error.',
    howToFix:
      '`ALTER TABLE … ENABLE TRIGGER …` (the fix; it takes a SHARE ROW EXCLUSIVE lock, briefly). For a foreign key trigger, rows written while it was disabled were not checked: re-validate the foreign key (drop it, then add it NOT VALID and VALIDATE CONSTRAINT).',
  },
  check({ model, report }) {
    for (const trigger of model.disabledTriggers) {
      const foreignKey = trigger.internal && trigger.constraint !== null;
      report({
        message: foreignKey
          ? `the internal trigger ${trigger.name} enforcing constraint ${trigger.constraint} on ${trigger.table} is disabled: the foreign key is not checked`
          : `trigger ${trigger.name} on ${trigger.table} is disabled: it does not fire`,
        location: { object: trigger.table, kind: 'table' },
        severity: foreignKey ? 'error' : undefined,
        fix: `ALTER TABLE ${trigger.table} ENABLE TRIGGER ${foreignKey ? 'ALL' : trigger.name};`,
        evidence: { ...trigger },
      });
    }
  },
});
