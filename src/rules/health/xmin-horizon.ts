import { z } from 'zod';
import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { databaseLocation, formatSeconds } from '../../health/format.js';
import type { HealthFacts, HorizonHolder } from '../../health/model.js';

interface Options {
  minSeconds: number;
  minXidAge: number;
  errorXidAge: number;
}

function holds(holder: HorizonHolder, options: Options): boolean {
  if (holder.xminAge >= options.minXidAge) return true;
  if (holder.kind === 'replication slot') return holder.release !== null;
  return holder.seconds !== null && holder.seconds >= options.minSeconds;
}

export default defineRule<HealthFacts, Options>({
  id: 'health/xmin-horizon',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: 'Who holds back the xmin horizon, so that VACUUM cannot clean',
  reportsOn: ['database'],
  docs: {
    why: "VACUUM may remove a dead row only once no transaction can still see it: the oldest snapshot in the cluster — the xmin horizon — bounds what every VACUUM cleans. One holder keeps it back for everyone: a long transaction, a session idle in a transaction, a forgotten prepared transaction, a replication slot's `xmin` or `catalog_xmin` (a logical slot whose consumer is gone, a physical one with hot_standby_feedback), or a standby's oldest query through hot_standby_feedback. While it is held, dead rows pile up in every busy table, indexes bloat, and the database's XID age grows towards wraparound. The tools that check this look at each cause alone; this rule names the oldest holder, the one to release first, and lists the others.",
    howToFix:
      'Release the holder the finding names: end the session (`pg_terminate_backend(pid)`), finish the prepared transaction (`COMMIT PREPARED` or `ROLLBACK PREPARED` in its database — decide which with its owner), drop the slot whose consumer is gone (`pg_drop_replication_slot`), or end the standby query. Then prevent it: `idle_in_transaction_session_timeout`, `statement_timeout`, `max_slot_wal_keep_size`, and monitoring of 2PC coordinators.',
  },
  options: z.object({
    minSeconds: z
      .number()
      .min(0)
      .default(300)
      .describe('Report a transaction (session or prepared) that has held the horizon this long (s)'),
    minXidAge: z
      .number()
      .int()
      .min(0)
      .default(10_000_000)
      .describe('Report any holder whose xmin is this many transactions old'),
    errorXidAge: z
      .number()
      .int()
      .min(0)
      .default(100_000_000)
      .describe('Error when the oldest holder is this many transactions old'),
  }),
  check({ model, options, report }) {
    const holders = model.horizon.filter((h) => holds(h, options));
    const oldest = holders[0];
    if (!oldest) return;
    const others = holders
      .slice(1, 6)
      .map((h) => `${h.kind} ${h.name} (${formatCount(h.xminAge)} transactions)`);
    report({
      message: `the xmin horizon is held back ${formatCount(oldest.xminAge)} transactions by the ${oldest.kind} ${oldest.name}${oldest.seconds !== null ? ` for ${formatSeconds(oldest.seconds)}` : ''}: ${oldest.detail}${oldest.database ? ` (database ${oldest.database})` : ''} — VACUUM cannot remove rows deleted or updated since${others.length > 0 ? `; also held by ${others.join(', ')}${holders.length > 6 ? ` and ${holders.length - 6} more` : ''}` : ''}`,
      location: databaseLocation(model),
      severity: oldest.xminAge >= options.errorXidAge ? 'error' : 'warning',
      fix: oldest.release,
      evidence: { oldest, holders },
    });
  },
});
