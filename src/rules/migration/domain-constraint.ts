import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { locationOf } from '../../lint/rule-helpers.js';

export default defineRule<MigrationModel>({
  id: 'migration/domain-constraint',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'warning',
  summary: 'ALTER DOMAIN … ADD CONSTRAINT checks every column of the domain',
  reportsOn: 'file',
  docs: {
    why: 'Adding a constraint to a domain makes PostgreSQL check every row of every table with a column of that domain, locking each of those tables while it does — tables the statement does not name.',
    howToFix:
      'Add it NOT VALID (ALTER DOMAIN … ADD CONSTRAINT … NOT VALID), then VALIDATE CONSTRAINT separately; or put CHECK constraints on the columns instead.',
    examples: {
      bad: "ALTER DOMAIN email ADD CONSTRAINT email_has_at CHECK (VALUE ~ '@');",
      good: "ALTER DOMAIN email ADD CONSTRAINT email_has_at CHECK (VALUE ~ '@') NOT VALID;",
    },
  },
  check({ model, report }) {
    for (const analyzed of model.statements) {
      if (analyzed.statement.kind !== 'AlterDomainStmt' || !analyzed.operations.length) continue;
      if (/\bNOT\s+VALID\s*$/i.test(analyzed.statement.text)) continue;
      report({
        message: 'ALTER DOMAIN … ADD CONSTRAINT scans and locks every table that uses the domain',
        location: locationOf(model, analyzed),
        fix: `${analyzed.statement.text} NOT VALID;`,
      });
    }
  },
});
