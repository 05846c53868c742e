import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import { settingFix } from '../../health/tune/fix.js';
import type { SettingChange, TuneModel } from '../../health/tune/model.js';

/** Settings whose value changes how fast most queries run, or whether the server runs out of memory. */
const HIGH_IMPACT = new Set([
  'shared_buffers',
  'effective_cache_size',
  'random_page_cost',
  'work_mem',
  'maintenance_work_mem',
  'max_connections',
]);

const WORKER_SLOTS = new Set(['max_worker_processes', 'max_parallel_workers']);

/** Auto-tuned when left alone: its value follows shared_buffers, so it changes when shared_buffers does. */
const FOLLOWS_SHARED_BUFFERS = 'wal_buffers';

const options = z.object({
  tolerance: z
    .number()
    .min(1)
    .default(2)
    .describe('Report a memory setting when it is off by more than this factor, either way'),
});

function material(change: SettingChange, memory: boolean, tolerance: number): boolean {
  if (!change.differs) return false;
  if (change.name === FOLLOWS_SHARED_BUFFERS && (change.source === 'default' || change.source === 'override'))
    return false;
  // raising work_mem or max_wal_size pays only where the workload shows the need (tune-work-mem-spills,
  // tune-checkpoints-requested): without that evidence only a work_mem too large for the RAM is worth a change
  if (change.name === 'max_wal_size') return false;
  // spare worker slots cost nothing until used (max_parallel_workers_per_gather decides that): only too few matter
  if (WORKER_SLOTS.has(change.name)) return change.ratio !== null && change.ratio > 1;
  if (change.name === 'work_mem') return change.ratio !== null && change.ratio < 1 / tolerance;
  if (!memory || change.ratio === null) return true;
  return change.ratio > tolerance || change.ratio < 1 / tolerance;
}

export default defineRule<TuneModel, z.infer<typeof options>>({
  id: 'health/tune-setting-differs',
  category: 'health',
  model: 'tune',
  defaultSeverity: 'info',
  summary: "A setting is far from what the server's RAM, CPUs, storage and workload call for",
  reportsOn: ['setting'],
  options,
  docs: {
    why: "PostgreSQL's defaults are sized for a small machine: 128 MB of shared_buffers, a planner that assumes spinning disks (random_page_cost 4) and 4 GB of cache, 64 MB for VACUUM and index builds. On a real server they leave most of the RAM unused and steer the planner away from index scans that SSDs make cheap. The recommendation is PGTune's, from the RAM, CPUs, storage, workload, connections and PostgreSQL version (read from the server and this machine where they can be, else given); memory settings are reported only when they are off by more than a factor (`tolerance`, default 2), so a hand-tuned value close to the formula is left alone. Settings with a large effect (shared_buffers, effective_cache_size, random_page_cost, work_mem, maintenance_work_mem, max_connections) are warnings, the others information. work_mem and max_wal_size are raised only on the workload's evidence (rules health/tune-work-mem-spills and health/tune-checkpoints-requested); a work_mem much larger than the RAM allows is reported here. max_worker_processes and max_parallel_workers are reported only when lower than the CPUs: spare worker slots cost nothing until used. wal_buffers left to its automatic value follows shared_buffers and is not reported.",
    howToFix:
      'Run the fix (ALTER SYSTEM writes postgresql.auto.conf), then `SELECT pg_reload_conf();`; settings whose context is postmaster (shared_buffers, max_connections, huge_pages, max_worker_processes, wal_level …) take effect at the next restart: plan it. `pgwarden tune --format sql` writes every change as one script, the restart-needing ones marked. Applies to PostgreSQL 10 and later.',
  },
  check({ model, options, report }) {
    if (!model.live) return;
    for (const change of model.live.changes) {
      const memory = model.recommendations.find((s) => s.name === change.name)?.kb !== undefined;
      if (!material(change, memory, options.tolerance)) continue;
      const factor =
        memory && change.ratio !== null
          ? ` (${change.ratio >= 1 ? `${change.ratio.toFixed(1)}x more` : `${(1 / change.ratio).toFixed(1)}x less`})`
          : '';
      report({
        message: `${change.name} is ${change.current}; recommended ${change.recommended}${factor}: ${change.reason}${change.restart ? ' (needs a restart)' : ''}`,
        location: { object: change.name, kind: 'setting' },
        severity: HIGH_IMPACT.has(change.name) ? 'warning' : 'info',
        fix: settingFix(change.name, change.recommended, change.restart),
        evidence: {
          setting: change.name,
          current: change.current,
          value: change.recommended,
          context: change.context,
          restart: change.restart,
          source: change.source,
        },
      });
    }
  },
});
