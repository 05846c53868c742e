import { defineRule } from '../../core/rule.js';
import type { TraceModel } from '../../lint/trace-model.js';

export default defineRule<TraceModel>({
  id: 'migration/trace-mismatch',
  category: 'migration',
  model: 'trace',
  defaultSeverity: 'warning',
  summary: 'The lock model and a real PostgreSQL disagree about a statement',
  reportsOn: 'file',
  docs: {
    why: "pgwarden's static advice rests on its lock model. `lint --trace` runs the migrations on a real server and records the locks each statement took, whether it rewrote a table and whether it read one whole. Where the two disagree, the static findings for that statement may be wrong (too alarming or, worse, too quiet): the observed behaviour is the truth.",
    howToFix:
      'Trust the observed behaviour for this statement, and report the disagreement (with the statement and the PostgreSQL version) so that the lock model can be corrected.',
  },
  check({ model, report }) {
    for (const statement of model.statements) {
      for (const mismatch of statement.mismatches) {
        report({
          message: `${mismatch} (${model.server})`,
          location: { file: statement.file, line: statement.line, column: statement.column },
        });
      }
    }
  },
});
