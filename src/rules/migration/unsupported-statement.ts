import { defineRule } from '../../core/rule.js';
import type { MigrationModel } from '../../lint/migration-model.js';
import { locationOf } from '../../lint/rule-helpers.js';
import { sinceVersion } from '../../locks/model.js';

export default defineRule<MigrationModel>({
  id: 'migration/unsupported-statement',
  category: 'migration',
  model: 'migration',
  defaultSeverity: 'error',
  summary: 'A statement the target PostgreSQL version does not have',
  reportsOn: 'file',
  docs: {
    why: "pgwarden parses with PostgreSQL 18's grammar, which accepts forms older servers reject: DETACH PARTITION … CONCURRENTLY (14+), REINDEX … CONCURRENTLY (12+), SET ACCESS METHOD (15+), NOT NULL … NOT VALID and VIRTUAL generated columns (18+). On the target version such a migration fails.",
    howToFix:
      'Use the form the target version has (the rule for that statement explains the alternative), or raise --pg-version if the target really is newer.',
    examples: {
      bad: '-- target PostgreSQL 13:\nALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY;',
    },
  },
  check({ model, report }) {
    for (const analyzed of model.statements) {
      for (const operation of analyzed.unsupported) {
        report({
          message: `${operation.summary} needs PostgreSQL ${sinceVersion(operation.entry!)}; the target is ${model.pgVersion}`,
          location: locationOf(model, analyzed),
          fix: null,
        });
      }
    }
  },
});
