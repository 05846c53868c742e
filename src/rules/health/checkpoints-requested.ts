import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { databaseLocation, formatPercent } from '../../health/format.js';
import type { HealthFacts } from '../../health/model.js';
import { settingFix } from '../../health/tune/fix.js';
import {
  type CheckpointOptions,
  checkpointOptions,
  checkpointsTooOften,
  raisedMaxWalSize,
} from '../checkpoint-options.js';

export default defineRule<HealthFacts, CheckpointOptions>({
  id: 'health/checkpoints-requested',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: 'Checkpoints requested (WAL reaching max_wal_size) more often than timed allows',
  reportsOn: ['database'],
  docs: {
    why: "A checkpoint is timed when `checkpoint_timeout` elapses, requested when the WAL written since the last one reaches `max_wal_size` (or someone ran CHECKPOINT, or a backup or CREATE DATABASE asked for one). When more than a fifth are requested (`maxRequestedShare`, over at least `minCheckpoints`), checkpoints come too often: each writes out every dirty buffer, and the first change to each page after it writes the whole page to WAL (full_page_writes) — more WAL, more I/O, more replication traffic, and I/O spikes. The counters are pg_stat_bgwriter's (pg_stat_checkpointer's from PostgreSQL 17).",
    howToFix:
      'Raise `max_wal_size` so that checkpoints are timed under the normal write load: the fix doubles it (a reload is enough; `pgwarden tune` reports the same condition with the same thresholds as health/tune-checkpoints-requested, and a size from the RAM and workload when that is larger), and keep `checkpoint_timeout` at 5–15 min with `checkpoint_completion_target = 0.9`. Check that nothing runs CHECKPOINT on a schedule.',
  },
  options: checkpointOptions,
  check({ model, options, report }) {
    const c = model.checkpoints;
    if (!c) return;
    if (!checkpointsTooOften(c.timed, c.requested, options)) return;
    const total = c.timed + c.requested;
    const share = c.requested / total;
    const maxWalSizeMb = Number(model.server.settings.max_wal_size);
    const value = Number.isFinite(maxWalSizeMb) ? raisedMaxWalSize(maxWalSizeMb * 1024, null) : null;
    report({
      message: `${formatCount(c.requested)} of ${formatCount(total)} checkpoints (${formatPercent(share)}) were requested rather than timed${c.since ? ` since ${c.since.slice(0, 10)}` : ''}: by WAL filling max_wal_size (${model.server.settings.max_wal_size ?? '?'} MB) before checkpoint_timeout (${model.server.settings.checkpoint_timeout ?? '?'} s), or by CHECKPOINT, CREATE DATABASE and base backups`,
      location: databaseLocation(model),
      ...(value ? { fix: settingFix('max_wal_size', value, false) } : {}),
      evidence: { ...c, share },
    });
  },
});
