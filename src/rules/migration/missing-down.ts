import { defineRule } from '../../core/rule.js';
import type { VerifyResult } from '../../lint/reversibility.js';

export default defineRule<VerifyResult>({
  id: 'migration/missing-down',
  category: 'migration',
  model: 'reversibility',
  defaultSeverity: 'warning',
  summary: 'A migration without a down section',
  reportsOn: 'file',
  docs: {
    why: 'Without a down section the migration cannot be rolled back (pgwarden refuses `migrate down` over it), so a bad deploy can only be fixed forward.',
    howToFix: 'Write the down section that undoes the up; `pgwarden migrate verify` checks it.',
    examples: {
      bad: '-- migrate:up\nCREATE TABLE a (id int);',
      good: '-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;',
    },
  },
  check({ model, report }) {
    for (const result of model.results) {
      // a runner without downs (Prisma, Flyway community): nothing is missing
      if (result.verdict !== 'no down' || result.runnerHasDowns === false) continue;
      report({
        message: `${result.version}_${result.name} has no down section: it cannot be rolled back`,
        location: { file: result.file, line: 1, column: 1 },
      });
    }
  },
});
