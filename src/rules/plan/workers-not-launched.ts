import { defineRule } from '../../core/rule.js';
import { reportPlanFinding } from '../../explain/findings.js';
import { nodeLabel, type PlanModel } from '../../explain/model.js';

export default defineRule<PlanModel>({
  id: 'plan/workers-not-launched',
  category: 'plan',
  model: 'plan',
  defaultSeverity: 'warning',
  summary: 'Parallel workers planned but not launched: the query ran with fewer processes than planned',
  reportsOn: ['plan-node'],
  docs: {
    why: 'The planner chose a parallel plan for N workers, but at run time a Gather (or Gather Merge) can only start the workers that are free: max_parallel_workers (8 by default) caps them for the whole server, and they come from max_worker_processes. When other queries hold them, or the limit is set low, the query runs with fewer workers (Workers Launched < Workers Planned) — possibly none — while its plan was costed for all of them. pev2 shows the same warning.',
    howToFix:
      'When max_parallel_workers is lower than what the plan wants, raise it (`ALTER SYSTEM SET max_parallel_workers = …` then `SELECT pg_reload_conf()`; it cannot exceed max_worker_processes, which needs a restart). When it is high enough, other queries held the workers at that moment: raise both limits if the server has the cores, or lower max_parallel_workers_per_gather so that more queries get some. Estimated saving: half the time the missing workers would have taken off the Gather (its time × the missing share of processes).',
  },
  check(context) {
    const { model } = context;
    const { maxParallelWorkers, sources } = model.settings;
    for (const node of model.plan.nodes) {
      const planned = node.workersPlanned;
      const launched = node.workersLaunched;
      if (planned === null || launched === null || launched >= planned || !model.plan.analyzed) continue;
      const limit = maxParallelWorkers;
      const want = Math.max(planned, 8);
      const fix =
        limit !== null && limit < planned
          ? sources.max_parallel_workers === 'plan'
            ? `SET max_parallel_workers = ${want};`
            : `ALTER SYSTEM SET max_parallel_workers = ${want};\nSELECT pg_reload_conf();`
          : '-- the workers were busy with other queries: raise max_worker_processes (restart) and max_parallel_workers if the server has the cores, or lower max_parallel_workers_per_gather';
      const missing = (planned - launched) / (planned + 1);
      reportPlanFinding(context, {
        node,
        message: `${nodeLabel(node)} planned ${planned} workers but launched ${launched}${limit !== null ? ` (max_parallel_workers = ${limit})` : ''}: the query ran with ${launched + 1} process${launched === 0 ? '' : 'es'} instead of ${planned + 1}`,
        fix,
        savedMs: Math.max(0, node.inclusiveMs ?? 0) * missing * 0.5,
        estimate: "half the Gather's time × the share of processes missing",
        evidence: { workersPlanned: planned, workersLaunched: launched, maxParallelWorkers: limit },
      });
    }
  },
});
