import { defineRule } from '../../core/rule.js';
import type { TraceModel } from '../../lint/trace-model.js';

export default defineRule<TraceModel>({
  id: 'migration/trace-failure',
  category: 'migration',
  model: 'trace',
  defaultSeverity: 'error',
  summary: 'A statement failed when the migrations ran on a real PostgreSQL with data',
  reportsOn: 'file',
  docs: {
    why: '`lint --trace` applies the migrations in order on a scratch database whose tables hold rows. A statement that fails there — a NOT NULL column without default on a table with rows, a constraint the data breaks, CONCURRENTLY inside a transaction — would fail in production too, where it is much more expensive to find out.',
    howToFix:
      'Read the error and fix the migration; the other rules often name the safe form of the statement.',
  },
  check({ model, report }) {
    if (!model.stopped) return;
    report({
      message: `failed on ${model.server}: ${model.stopped.error}`,
      location: { file: model.stopped.file, line: model.stopped.line, column: 1 },
    });
  },
});
