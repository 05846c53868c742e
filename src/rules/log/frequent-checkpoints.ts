import { z } from 'zod';
import { formatCount, formatKb } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import type { LogModel } from '../../logs/model.js';
import { settingSize } from '../../logs/rule-helpers.js';

const options = z.object({
  minWalCheckpoints: z
    .number()
    .int()
    .min(1)
    .default(3)
    .describe(
      'Checkpoints started by WAL volume before the rule speaks (without a "too frequently" warning)',
    ),
  targetIntervalSeconds: z
    .number()
    .int()
    .min(30)
    .default(300)
    .describe('The time between checkpoints to size max_wal_size for: checkpoint_timeout (default 5 min)'),
});

/** What one checkpoint's WAL (kB) says max_wal_size is at least: a WAL checkpoint starts near max_wal_size / (1 + completion target). */
const CURRENT_PER_DISTANCE = 1.9;
/** Never suggest more than this many times the max_wal_size the log implies. */
const MAX_GROWTH = 16;

export default defineRule<LogModel, z.infer<typeof options>>({
  id: 'log/frequent-checkpoints',
  category: 'log',
  model: 'log',
  defaultSeverity: 'warning',
  summary: 'Checkpoints started by WAL volume come too often: max_wal_size is too small for the write load',
  reportsOn: ['setting'],
  options,
  docs: {
    why: 'A checkpoint should come every checkpoint_timeout. When the WAL written since the last one reaches max_wal_size first, the checkpointer starts one at once ("checkpoint starting: wal" with log_checkpoints, on by default from PostgreSQL 15), and the server warns "checkpoints are occurring too frequently" when two come within checkpoint_warning (30 s). Each checkpoint writes every dirty page, and after it the first change of each page is written whole into the WAL again (full-page writes): more I/O and more WAL, which brings the next checkpoint sooner. The log shows the WAL between checkpoints (distance) and their times, which give the write rate.',
    howToFix:
      "Run the fix: max_wal_size sized for the WAL the log's write rate makes in `targetIntervalSeconds`, between 2× and 16× what the log implies it is now (a WAL checkpoint starts at about max_wal_size / 1.9), rounded up to a power of two; it takes a reload, no restart. pg_wal can grow to about max_wal_size: check the disk first. A one-off bulk load makes the same pattern: then the warnings stop with it. Applies to every supported PostgreSQL (distance is logged from 9.5 on).",
  },
  check({ model, options, report }) {
    const cp = model.checkpoints;
    const wal = Object.entries(cp.reasons)
      .filter(([reason]) => /\bwal\b/.test(reason))
      .reduce((n, [, count]) => n + count, 0);
    if (cp.warnings === 0 && wal < options.minWalCheckpoints) return;
    if (wal === 0 && cp.warnings === 0) return;
    const timed = Object.entries(cp.reasons)
      .filter(([reason]) => /\btime\b/.test(reason))
      .reduce((n, [, count]) => n + count, 0);
    const interval = cp.medianWalIntervalSeconds;
    if (cp.warnings === 0 && (interval === null || interval >= options.targetIntervalSeconds)) return;
    let fix: string | null = null;
    let value: string | null = null;
    if (cp.maxDistanceKb !== null && cp.maxDistanceKb > 0) {
      const currentKb = cp.maxDistanceKb * CURRENT_PER_DISTANCE;
      const rateKb = interval && interval > 0 ? (cp.meanDistanceKb ?? cp.maxDistanceKb) / interval : null;
      const neededKb =
        rateKb === null ? currentKb * 2 : rateKb * options.targetIntervalSeconds * CURRENT_PER_DISTANCE;
      const targetKb = Math.min(Math.max(neededKb, currentKb * 2), currentKb * MAX_GROWTH);
      value = settingSize(targetKb, 1024 * 1024);
      fix = `ALTER SYSTEM SET max_wal_size = '${value}';\nSELECT pg_reload_conf();`;
    }
    report({
      message: `${formatCount(wal)} checkpoint${wal === 1 ? '' : 's'} started because WAL reached max_wal_size (${formatCount(timed)} by time)${interval !== null ? `, a median ${interval < 10 ? interval.toFixed(1) : formatCount(interval)} s apart` : ''}${cp.warnings > 0 ? `; the server warned ${formatCount(cp.warnings)} time${cp.warnings === 1 ? '' : 's'} that checkpoints occur too frequently` : ''}${cp.maxDistanceKb !== null ? `; up to ${formatKb(cp.maxDistanceKb)} of WAL between checkpoints` : ''}${value ? `: raise max_wal_size to ${value}` : ''}`,
      location: { object: 'max_wal_size', kind: 'setting' },
      fix,
      evidence: { ...cp, walCheckpoints: wal, timedCheckpoints: timed, suggestedMaxWalSize: value },
    });
  },
});
