import { z } from 'zod';
import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { formatSeconds } from '../../health/format.js';
import type { TuneModel } from '../../health/tune/model.js';
import type { TableActivity } from '../../health/tune/reading.js';

const options = z.object({
  minRows: z
    .number()
    .int()
    .min(0)
    .default(1_000_000)
    .describe('A table of this many rows is big: 20% of it is too many dead rows to wait for'),
  hugeRows: z
    .number()
    .int()
    .min(0)
    .default(10_000_000)
    .describe('A table of this many rows gets a scale factor of 0.01 (0.05 below)'),
  hotChangesPerDay: z
    .number()
    .min(0)
    .default(1)
    .describe('A table whose rows are updated or deleted this many times a day over is hot'),
  minHotRows: z.number().int().min(0).default(10_000).describe('Smaller tables are never hot'),
  threshold: z
    .number()
    .int()
    .min(0)
    .default(1000)
    .describe('The autovacuum_vacuum_threshold suggested with the scale factor'),
});

const DAY = 86_400;

function reloption(table: TableActivity, name: string): number | null {
  const found = table.reloptions.find((o) => o.startsWith(`${name}=`));
  return found === undefined ? null : Number(found.slice(name.length + 1));
}

export default defineRule<TuneModel, z.infer<typeof options>>({
  id: 'health/tune-table-autovacuum',
  category: 'health',
  model: 'tune',
  defaultSeverity: 'info',
  summary: 'Big or hot table that autovacuum visits too late with the server-wide settings: give it its own',
  reportsOn: ['table'],
  options,
  docs: {
    why: "Autovacuum vacuums a table once its dead rows exceed `autovacuum_vacuum_threshold + autovacuum_vacuum_scale_factor × rows` — 50 + 20% by default, the same fraction for every table. On a table of 50 million rows that is 10 million dead rows before the first visit: scans read them, the table and its indexes grow, and the one vacuum that finally comes runs for hours. A hot table (its rows updated or deleted once a day or more, from pg_stat_user_tables since the statistics were reset) piles up dead rows between visits the same way. The server-wide setting cannot be lowered for them without making autovacuum busy on every small table; a table's own storage parameters can. From PostgreSQL 18, autovacuum_vacuum_max_threshold (100 million) caps the trigger of the very largest tables; the rule counts it.",
    howToFix:
      "Run the fix: `ALTER TABLE … SET (autovacuum_vacuum_scale_factor = …, autovacuum_vacuum_threshold = …)` takes a SHARE UPDATE EXCLUSIVE lock for an instant (reads and writes go on; it waits for a running VACUUM or DDL on the table), and the next autovacuum cycle uses the new trigger. 0.05 for big tables, 0.01 from `hugeRows`, with a threshold of 1000. If the table's vacuums are slow rather than late, also lower its `autovacuum_vacuum_cost_delay`. Undo with `ALTER TABLE … RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold)`. Applies to every supported PostgreSQL (13–18).",
  },
  check({ model, options, report }) {
    const live = model.live;
    if (!live) return;
    const setting = (name: string) => Number(live.settings[name]?.setting ?? Number.NaN);
    for (const table of live.tables) {
      const days = table.statsSeconds / DAY;
      const changesPerDay = days > 0 ? table.changedRows / days : 0;
      const big = table.rows >= options.minRows;
      const hot = table.rows >= options.minHotRows && changesPerDay >= options.hotChangesPerDay * table.rows;
      if (!big && !hot) continue;
      const scale =
        reloption(table, 'autovacuum_vacuum_scale_factor') ?? setting('autovacuum_vacuum_scale_factor');
      const base = reloption(table, 'autovacuum_vacuum_threshold') ?? setting('autovacuum_vacuum_threshold');
      // PostgreSQL 18's cap on the trigger of the largest tables (-1: none)
      const cap =
        reloption(table, 'autovacuum_vacuum_max_threshold') ?? setting('autovacuum_vacuum_max_threshold');
      const capped = (trigger: number) =>
        Number.isFinite(cap) && cap >= 0 ? Math.min(trigger, cap) : trigger;
      const current = capped(base + scale * table.rows);
      const wantedScale = table.rows >= options.hugeRows ? 0.01 : 0.05;
      const wanted = capped(options.threshold + wantedScale * table.rows);
      // only when it brings the first visit at least twice as early
      if (!Number.isFinite(current) || wanted * 2 > current) continue;
      const why = big
        ? `${formatCount(table.rows)} rows`
        : `${formatCount(table.rows)} rows, ${formatCount(Math.round(changesPerDay))} updated or deleted a day`;
      report({
        message: `table ${table.name} (${why}): autovacuum waits for ${formatCount(Math.round(current))} dead rows (${base} + ${scale} × rows) — it has ${formatCount(table.deadRows)} now, last vacuumed ${table.lastVacuumSeconds === null ? 'never' : `${formatSeconds(table.lastVacuumSeconds)} ago`}, ${formatCount(table.autovacuumCount)} autovacuum run(s) since the statistics were reset; with its own settings it would come at ${formatCount(Math.round(wanted))}`,
        location: { object: table.name, kind: 'table' },
        fix: `ALTER TABLE ${table.name} SET (autovacuum_vacuum_scale_factor = ${wantedScale}, autovacuum_vacuum_threshold = ${options.threshold});`,
        evidence: {
          table: table.name,
          rows: table.rows,
          deadRows: table.deadRows,
          changesPerDay: Math.round(changesPerDay),
          currentTrigger: Math.round(current),
          suggestedTrigger: Math.round(wanted),
          scaleFactor: wantedScale,
          threshold: options.threshold,
          big,
          hot,
        },
      });
    }
  },
});
