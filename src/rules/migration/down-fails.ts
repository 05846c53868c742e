import { defineRule } from '../../core/rule.js';
import type { VerifyResult } from '../../lint/reversibility.js';

export default defineRule<VerifyResult>({
  id: 'migration/down-fails',
  category: 'migration',
  model: 'reversibility',
  defaultSeverity: 'error',
  summary: 'A down migration that fails when run right after its up',
  reportsOn: 'file',
  docs: {
    why: 'A rollback that errors is discovered at the worst moment: during an incident, when the deploy must be undone now.',
    howToFix:
      'Fix the down section (the error says which statement) and run `pgwarden migrate verify` again.',
    examples: { bad: '-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE b;' },
  },
  check({ model, report }) {
    for (const result of model.results) {
      if (result.verdict !== 'down failed') continue;
      report({
        message: `${result.version}_${result.name}: down fails: ${result.error}`,
        location: { file: result.file, line: result.downLine, column: 1 },
      });
    }
  },
});
