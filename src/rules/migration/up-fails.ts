import { defineRule } from '../../core/rule.js';
import type { VerifyResult } from '../../lint/reversibility.js';

export default defineRule<VerifyResult>({
  id: 'migration/up-fails',
  category: 'migration',
  model: 'reversibility',
  defaultSeverity: 'error',
  summary: 'A migration that fails on a fresh database built from the migrations before it',
  reportsOn: 'file',
  docs: {
    why: 'Migrations must build the schema from nothing, in order: new environments, tests and disaster recovery depend on it. One that fails there relies on something no migration created (a manual change, an object from another tool), and `migrate verify` cannot check the migrations after it.',
    howToFix:
      'Add what it needs to an earlier migration (or to this one), and run `pgwarden migrate verify` again.',
    examples: { bad: '-- migrate:up\nALTER TABLE never_created ADD COLUMN a int;' },
  },
  check({ model, report }) {
    for (const result of model.results) {
      if (result.verdict !== 'up failed') continue;
      report({
        message: `${result.version}_${result.name}: up fails on a fresh database: ${result.error}`,
        location: { file: result.file, line: 1, column: 1 },
      });
    }
  },
});
