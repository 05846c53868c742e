import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import { databaseLocation, formatPercent } from '../../health/format.js';
import type { HealthFacts } from '../../health/model.js';

export default defineRule<HealthFacts, { warningShare: number; errorShare: number }>({
  id: 'health/connections',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: 'Client connections close to max_connections',
  reportsOn: ['database'],
  docs: {
    why: 'When every slot of `max_connections` is taken, the next client gets "FATAL: sorry, too many clients already" — the application is down while PostgreSQL itself is fine. Only `superuser_reserved_connections` slots remain, for superusers. Many connections also cost memory (each backend has its own work_mem, caches and locks) and context switches long before the limit. The count is by state: many `idle` connections mean an oversized client pool, many `idle in transaction` an application that leaves transactions open.',
    howToFix:
      'Put a pooler (PgBouncer in transaction mode) between the application and PostgreSQL, or shrink the pools of the application instances so that their sum stays well under `max_connections`. End idle sessions with `idle_session_timeout` (14+) and `idle_in_transaction_session_timeout`. Raising `max_connections` needs a restart and costs memory per slot: a pooler is the fix, not a larger limit.',
  },
  options: z.object({
    warningShare: z.number().min(0).max(1).default(0.75).describe('Warn at this share of max_connections'),
    errorShare: z.number().min(0).max(1).default(0.9).describe('Error at this share of max_connections'),
  }),
  check({ model, options, report }) {
    const { connections } = model;
    if (connections.max <= 0) return;
    const share = connections.total / connections.max;
    if (share < options.warningShare) return;
    const states = Object.entries(connections.byState)
      .sort((a, b) => b[1] - a[1])
      .map(([state, count]) => `${count} ${state}`)
      .join(', ');
    report({
      message: `${connections.total} of max_connections ${connections.max} client connections are in use (${formatPercent(share)}; ${connections.reservedForSuperuser} more are reserved for superusers): ${states}`,
      location: databaseLocation(model),
      severity: share >= options.errorShare ? 'error' : 'warning',
      evidence: { ...connections, share },
    });
  },
});
