import { describeDiff } from '../../catalog/fingerprint.js';
import { defineRule } from '../../core/rule.js';
import type { VerifyResult } from '../../lint/reversibility.js';

export default defineRule<VerifyResult>({
  id: 'migration/irreversible',
  category: 'migration',
  model: 'reversibility',
  defaultSeverity: 'error',
  summary: 'A down migration that does not restore the schema its up changed',
  reportsOn: 'file',
  docs: {
    why: 'A down section is the plan for a bad deploy. If, run right after its up, it leaves the schema different from before (an index or constraint not dropped, a column re-added with another type, a default forgotten), or if up cannot run again after it, the rollback you count on in an incident does not exist — and every later migration runs on a schema nobody wrote.',
    howToFix:
      'Make down undo exactly what up did (the objects listed), in reverse order. `pgwarden migrate verify` checks every migration on a scratch database: run it until it reports no difference.',
    examples: {
      bad: '-- migrate:up\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX idx_orders_note ON orders (note);\n-- migrate:down\nDROP INDEX idx_orders_note;',
      good: '-- migrate:up\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX idx_orders_note ON orders (note);\n-- migrate:down\nDROP INDEX idx_orders_note;\nALTER TABLE orders DROP COLUMN note;',
    },
  },
  check({ model, report }) {
    for (const result of model.results) {
      if (result.verdict !== 'not reversible' && result.verdict !== 'not repeatable') continue;
      const what =
        result.verdict === 'not reversible'
          ? `down does not restore the schema from before up: ${result.differences ? describeDiff(result.differences) : ''}`
          : `up cannot rebuild the schema after down${result.error ? ` (${result.error})` : result.differences ? `: ${describeDiff(result.differences)}` : ''}`;
      report({
        message: `${result.version}_${result.name}: ${what}`,
        location: { file: result.file, line: result.downLine, column: 1 },
      });
    }
  },
});
