import { defineRule } from '../../core/rule.js';
import type { VerifyResult } from '../../lint/reversibility.js';

export default defineRule<VerifyResult>({
  id: 'migration/down-column-order',
  category: 'migration',
  model: 'reversibility',
  defaultSeverity: 'info',
  summary: 'A down migration that restores the columns in another order',
  reportsOn: 'file',
  docs: {
    why: 'A down that re-adds a dropped column puts it last: the schema has the same columns but a different order. Harmless for code that names its columns, it breaks `SELECT *` consumers and positional INSERTs, and makes the schema differ between environments that took different paths.',
    howToFix:
      'Accept it knowingly (nothing is lost), or avoid dropping columns in up migrations that must be reversible.',
    examples: {
      bad: '-- migrate:up\nALTER TABLE orders DROP COLUMN note;\n-- migrate:down\nALTER TABLE orders ADD COLUMN note text;',
    },
  },
  check({ model, report }) {
    for (const result of model.results) {
      if (result.verdict !== 'column order') continue;
      const tables = (result.differences?.changed ?? [])
        .map((o) => o.replace(/^column order:/, ''))
        .join(', ');
      report({
        message: `${result.version}_${result.name}: after down, the columns of ${tables} are in another order than before up`,
        location: { file: result.file, line: result.downLine, column: 1 },
      });
    }
  },
});
