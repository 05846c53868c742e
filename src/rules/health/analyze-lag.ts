import { z } from 'zod';
import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { formatSeconds } from '../../health/format.js';
import type { HealthFacts } from '../../health/model.js';

export default defineRule<HealthFacts, { minModified: number; graceSeconds: number }>({
  id: 'health/analyze-lag',
  category: 'health',
  model: 'health',
  defaultSeverity: 'info',
  summary: "Rows changed since the last ANALYZE over the table's threshold",
  reportsOn: ['table'],
  docs: {
    why: 'The planner chooses plans from the statistics ANALYZE gathers. Autovacuum analyzes a table once the rows changed since the last ANALYZE exceed `autovacuum_analyze_threshold + autovacuum_analyze_scale_factor × reltuples`. A table well past that and not analyzed for a while has statistics that no longer describe it: new values outside the histogram, row counts off by orders of magnitude, and plans (nested loops over "1 row", wrong join order) to match. A table never analyzed has no statistics at all.',
    howToFix:
      "Run `ANALYZE` on the table (cheap: it samples). If autovacuum is off for it, re-enable it; for a large table whose changes are a small share, set its own `autovacuum_analyze_scale_factor` (e.g. 0.01). After a bulk load, run ANALYZE as the load's last step.",
  },
  options: z.object({
    minModified: z
      .number()
      .int()
      .min(0)
      .default(1000)
      .describe('Ignore tables with fewer changed rows than this'),
    graceSeconds: z
      .number()
      .min(0)
      .default(3600)
      .describe('Report only when the last analyze is older than this (s)'),
  }),
  check({ model, options, report }) {
    for (const table of model.tables) {
      if (
        table.modifiedSinceAnalyze < options.minModified ||
        table.modifiedSinceAnalyze <= table.analyzeThreshold
      )
        continue;
      if (
        table.autovacuumEnabled &&
        table.lastAnalyzeSeconds !== null &&
        table.lastAnalyzeSeconds < options.graceSeconds
      )
        continue;
      report({
        message: `table ${table.name} has ${formatCount(table.modifiedSinceAnalyze)} rows changed since its last ANALYZE (${table.lastAnalyzeSeconds === null ? 'never analyzed' : `${formatSeconds(table.lastAnalyzeSeconds)} ago`}), over its threshold of ${formatCount(table.analyzeThreshold)}${table.autovacuumEnabled ? '' : '; autovacuum is disabled for it'}: the planner works from stale statistics`,
        location: { object: table.name, kind: 'table' },
        fix: `ANALYZE ${table.name};`,
        evidence: {
          name: table.name,
          modifiedSinceAnalyze: table.modifiedSinceAnalyze,
          analyzeThreshold: table.analyzeThreshold,
          lastAnalyzeSeconds: table.lastAnalyzeSeconds,
        },
      });
    }
  },
});
