import { z } from 'zod';
import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { formatSeconds } from '../../health/format.js';
import type { HealthFacts } from '../../health/model.js';

export default defineRule<HealthFacts, { minDeadTuples: number; graceSeconds: number; errorFactor: number }>({
  id: 'health/vacuum-lag',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: "Dead rows over the table's autovacuum threshold and not vacuumed",
  reportsOn: ['table'],
  docs: {
    why: "Every UPDATE and DELETE leaves a dead row version that only VACUUM makes reusable. Autovacuum vacuums a table once its dead rows exceed its threshold — `autovacuum_vacuum_threshold + autovacuum_vacuum_scale_factor × reltuples`, from the table's own storage parameters where set (and capped by `autovacuum_vacuum_max_threshold` on 18). A table far over its threshold and not vacuumed for a while means autovacuum is off for it, too slow (throttled, too few workers, cancelled by lock conflicts) or blocked by a held xmin horizon. Meanwhile scans read the dead rows, indexes grow, and the table bloats for good.",
    howToFix:
      'Run `VACUUM (VERBOSE, ANALYZE)` on the table now (it blocks neither reads nor writes). If autovacuum is disabled on it, re-enable it (`ALTER TABLE … RESET (autovacuum_enabled)`). For a large or hot table, give it its own settings so autovacuum comes sooner and works faster: `ALTER TABLE … SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_cost_delay = 1)`. If VACUUM cannot remove the rows, look at health/xmin-horizon.',
  },
  options: z.object({
    minDeadTuples: z
      .number()
      .int()
      .min(0)
      .default(1000)
      .describe('Ignore tables with fewer dead rows than this'),
    graceSeconds: z
      .number()
      .min(0)
      .default(3600)
      .describe('Report only when the last vacuum is older than this (s)'),
    errorFactor: z
      .number()
      .min(1)
      .default(10)
      .describe('Error when the dead rows are this many times the threshold'),
  }),
  check({ model, options, report }) {
    for (const table of model.tables) {
      if (table.deadTuples < options.minDeadTuples || table.deadTuples <= table.vacuumThreshold) continue;
      if (
        table.autovacuumEnabled &&
        table.lastVacuumSeconds !== null &&
        table.lastVacuumSeconds < options.graceSeconds
      )
        continue;
      const settings = table.reloptions.length > 0 ? ` (its settings: ${table.reloptions.join(', ')})` : '';
      const statements = [`VACUUM (VERBOSE, ANALYZE) ${table.name};`];
      if (!table.autovacuumEnabled && table.reloptions.includes('autovacuum_enabled=false'))
        statements.push(`ALTER TABLE ${table.name} RESET (autovacuum_enabled);`);
      report({
        message: `table ${table.name} has ${formatCount(table.deadTuples)} dead rows (${formatCount(table.liveTuples)} live), over its autovacuum threshold of ${formatCount(table.vacuumThreshold)}${settings}; ${table.autovacuumEnabled ? '' : 'autovacuum is disabled for it; '}last vacuumed ${table.lastVacuumSeconds === null ? 'never' : `${formatSeconds(table.lastVacuumSeconds)} ago`}`,
        location: { object: table.name, kind: 'table' },
        severity:
          table.deadTuples >= options.errorFactor * Math.max(1, table.vacuumThreshold) ? 'error' : 'warning',
        fix: statements.join('\n'),
        evidence: { ...table },
      });
    }
  },
});
