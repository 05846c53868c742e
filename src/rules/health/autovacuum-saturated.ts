import { z } from 'zod';
import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { databaseLocation, formatSeconds } from '../../health/format.js';
import type { HealthFacts } from '../../health/model.js';
import { settingFix } from '../../health/tune/fix.js';

const options = z.object({
  waitingSeconds: z
    .number()
    .min(0)
    .default(3600)
    .describe(
      'A table waits when it is over its autovacuum threshold and was not vacuumed for this long (s)',
    ),
  minWaiting: z
    .number()
    .int()
    .min(0)
    .default(1)
    .describe('Report busy workers only when at least this many tables wait for one'),
});

/** What an autovacuum worker does, from its query text (`autovacuum: VACUUM ANALYZE public.t`). */
function workedOn(query: string | null): string {
  return query?.replace(/^autovacuum:\s*/, '') ?? '(hidden)';
}

/** The table of a worker's query, as quote_ident-free `schema.table` (the server does not quote it). */
function tableOf(query: string | null): string | null {
  const match = /^autovacuum:\s*(?:VACUUM|ANALYZE)(?: ANALYZE)?\s+(.+?)(?: \(to prevent wraparound\))?$/.exec(
    query ?? '',
  );
  return match?.[1] ?? null;
}

export default defineRule<HealthFacts, z.infer<typeof options>>({
  id: 'health/autovacuum-saturated',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: 'Every autovacuum worker busy while tables wait past their threshold',
  reportsOn: ['database'],
  options,
  docs: {
    why: 'Autovacuum runs at most `autovacuum_max_workers` workers at once (3 by default), for the whole server. When all of them are busy — usually on a few large tables, throttled by the cost limit that they share — every other table over its threshold waits, its dead rows pile up and its statistics go stale, and a table near wraparound may wait too. The rule counts the autovacuum workers in pg_stat_activity (backend_type) against the setting, and the tables that have been over their threshold and unvacuumed for longer than `waitingSeconds`.',
    howToFix:
      'Adding workers alone does not make vacuuming faster: the cost limit (`autovacuum_vacuum_cost_limit`, else `vacuum_cost_limit`, 200) is shared among the running workers. Raise the limit first (the fix, a reload), and lower `autovacuum_vacuum_cost_delay` if it is above the 2 ms default; then raise `autovacuum_max_workers` (a restart before PostgreSQL 18; from 18 a reload up to `autovacuum_worker_slots`). Give the few big tables that hold the workers their own settings (`pgwarden tune` suggests them), and VACUUM a table that cannot wait by hand.',
  },
  check({ model, options, report }) {
    const max = Number(model.server.settings.autovacuum_max_workers ?? 3);
    const workers = model.sessions.filter((s) => s.backendType === 'autovacuum worker');
    if (max <= 0 || workers.length < max) return;
    const busyOn = new Set(workers.map((w) => tableOf(w.query)));
    const waiting = model.tables.filter(
      (t) =>
        !busyOn.has(t.name.replace(/"/g, '')) &&
        t.autovacuumEnabled &&
        t.deadTuples > t.vacuumThreshold &&
        (t.lastVacuumSeconds === null || t.lastVacuumSeconds >= options.waitingSeconds),
    );
    if (waiting.length < options.minWaiting) return;
    const settings = model.server.settings;
    const ownLimit = Number(settings.autovacuum_vacuum_cost_limit ?? -1);
    const limit = ownLimit > 0 ? ownLimit : Number(settings.vacuum_cost_limit ?? 200);
    const worst = [...waiting].sort((a, b) => b.deadTuples - a.deadTuples).slice(0, 5);
    report({
      message: `all ${max} autovacuum workers are busy (${workers.map((w) => `${workedOn(w.query)}${w.xactSeconds !== null ? ` for ${formatSeconds(w.xactSeconds)}` : ''}`).join('; ')}) while ${formatCount(waiting.length)} table(s) wait over their threshold: ${worst.map((t) => `${t.name} (${formatCount(t.deadTuples)} dead rows)`).join(', ')}; the workers share a cost limit of ${limit}`,
      location: databaseLocation(model),
      fix: settingFix('autovacuum_vacuum_cost_limit', String(Math.max(limit * 2, 1000)), false),
      evidence: {
        maxWorkers: max,
        workers: workers.map((w) => ({ pid: w.pid, table: workedOn(w.query), seconds: w.xactSeconds })),
        waiting: waiting.length,
        waitingTables: worst.map((t) => ({
          name: t.name,
          deadTuples: t.deadTuples,
          threshold: t.vacuumThreshold,
        })),
        costLimit: limit,
      },
    });
  },
});
