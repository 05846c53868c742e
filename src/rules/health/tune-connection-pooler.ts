import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import type { TuneModel } from '../../health/tune/model.js';

const options = z.object({
  minConnections: z.number().int().min(1).default(100).describe('Report from this many client connections'),
  idleShare: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe('Report when more than this share of the client connections are idle'),
});

export default defineRule<TuneModel, z.infer<typeof options>>({
  id: 'health/tune-connection-pooler',
  category: 'health',
  model: 'tune',
  defaultSeverity: 'warning',
  summary: 'Many client connections sit idle: a connection pooler would serve the same work with far fewer',
  reportsOn: ['database'],
  options,
  docs: {
    why: 'Every connection is a server process with its own memory (its catalog caches, and work_mem for each sort it runs), and every snapshot scans all of them: hundreds of mostly idle connections cost memory and CPU, and they make a safe work_mem smaller, since work_mem is budgeted per connection. Application pools that each keep tens of connections open add up to this. The rule counts the client sessions in pg_stat_activity: from `minConnections` (default 100) with more than `idleShare` (default half) idle, a pooler in transaction mode would serve the same work with about as many server connections as there are active ones.',
    howToFix:
      'Put PgBouncer (pool_mode = transaction, default_pool_size near the number of CPU cores times 2-4) between the applications and PostgreSQL, point the applications at it, then lower max_connections (a restart) and give the memory to work_mem or shared_buffers (`pgwarden tune --connections N`). Prepared statements work in transaction mode with PgBouncer 1.21 and later. Applies to every supported PostgreSQL.',
  },
  check({ model, options, report }) {
    const workload = model.live?.workload;
    if (!workload) return;
    const counts = workload.connections;
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    const idle = counts.idle ?? 0;
    if (total < options.minConnections || idle / total <= options.idleShare) return;
    const maxConnections = model.live?.settings.max_connections?.setting ?? null;
    report({
      message: `${idle} of ${total} client connections are idle${maxConnections ? ` (max_connections ${maxConnections})` : ''}: a pooler such as PgBouncer in transaction mode would serve them with about ${Math.max(1, total - idle)} server connections`,
      location: { object: 'max_connections', kind: 'setting' },
      evidence: { connections: counts, total, idle, maxConnections },
    });
  },
});
