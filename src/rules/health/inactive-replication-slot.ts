import { z } from 'zod';
import { formatBytes } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import type { HealthFacts } from '../../health/model.js';

export default defineRule<HealthFacts, { errorBytes: number }>({
  id: 'health/inactive-replication-slot',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: 'Replication slot with no consumer, retaining WAL',
  reportsOn: ['database'],
  docs: {
    why: 'A replication slot makes the server keep every WAL segment its consumer has not confirmed — and a logical slot also keeps catalog rows VACUUM would remove. When the consumer is gone (a decommissioned replica, a CDC tool that was uninstalled, a failed subscription), the slot stays and WAL piles up in pg_wal until the disk is full and the server stops. Without `max_slot_wal_keep_size` there is no bound.',
    howToFix:
      'If the consumer is gone for good, drop the slot (the fix: `pg_drop_replication_slot`); a replica or subscriber that comes back later needs a new copy of the data. If it is coming back, watch the disk: set `max_slot_wal_keep_size` so a lost consumer invalidates its slot rather than filling the disk.',
  },
  options: z.object({
    errorBytes: z
      .number()
      .min(0)
      .default(1024 ** 3)
      .describe('Error when the slot retains this many bytes of WAL'),
  }),
  check({ model, options, report }) {
    for (const slot of model.slots) {
      if (slot.active || slot.temporary) continue;
      const retained = slot.retainedBytes;
      const lost = slot.walStatus === 'lost';
      report({
        message: `${slot.type} replication slot ${slot.name}${slot.database ? ` (database ${slot.database}${slot.plugin ? `, ${slot.plugin}` : ''})` : ''} has no consumer connected${retained !== null ? ` and retains ${formatBytes(retained)} of WAL` : ''}${slot.walStatus ? ` (wal_status ${slot.walStatus})` : ''}${slot.catalogXminAge !== null ? '; its catalog_xmin holds back vacuum of the catalogs' : ''}`,
        location: { object: `replication slot ${slot.name}`, kind: 'database' },
        severity: lost || (retained !== null && retained >= options.errorBytes) ? 'error' : 'warning',
        fix: `SELECT pg_drop_replication_slot('${slot.name.replace(/'/g, "''")}');`,
        evidence: { ...slot },
      });
    }
  },
});
