import { z } from 'zod';
import { formatBytes } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { formatSeconds } from '../../health/format.js';
import type { HealthFacts, Standby } from '../../health/model.js';

const options = z.object({
  warningBytes: z
    .number()
    .min(0)
    .default(64 * 1024 ** 2)
    .describe('Report a standby this many bytes of WAL behind in replay'),
  errorBytes: z
    .number()
    .min(0)
    .default(1024 ** 3)
    .describe('Error when a standby is this many bytes of WAL behind in replay'),
  warningSeconds: z
    .number()
    .min(0)
    .default(60)
    .describe('Report a standby whose replay lags this many seconds'),
  errorSeconds: z.number().min(0).default(600).describe('Error when a standby replay lags this many seconds'),
});

/** Which stage holds the WAL back: the network (write), the standby's disk (flush) or its replay. */
function stage(standby: Standby): string {
  const write = standby.writeLagBytes ?? 0;
  const flush = standby.flushLagBytes ?? 0;
  const replay = standby.replayLagBytes ?? 0;
  if (write >= replay / 2) return 'most of it not yet written on the standby: the network or the sender';
  if (flush >= replay / 2) return 'most of it written but not flushed: the standby disk';
  return `most of it received but not replayed (${formatBytes(replay - flush)}): replay is slow or paused, or a query on the standby holds it (max_standby_streaming_delay)`;
}

export default defineRule<HealthFacts, z.infer<typeof options>>({
  id: 'health/replication-lag',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: 'Standby behind the primary in WAL bytes or replay time',
  reportsOn: ['database'],
  options,
  docs: {
    why: 'A standby that lags serves old data to the reads sent to it, loses the un-replayed transactions if it is promoted after the primary is lost (asynchronous replication), and makes the primary keep WAL for it (a slot) or lose it (no slot: the standby then needs a new base backup). pg_stat_replication on the primary says, per standby, how far its write, flush and replay positions are behind the primary WAL position (bytes) and how long the last WAL took to reach each stage (write_lag, flush_lag, replay_lag). Bytes say how much is at risk, seconds how stale reads are; the lags go back to null once the standby has caught up on an idle primary.',
    howToFix:
      'Read which stage holds the WAL back (the message says): write lag is the network or the WAL sender (bandwidth, `wal_compression`); flush lag the standby disk; replay lag a slow or paused replay, often a long query on the standby that `max_standby_streaming_delay` lets hold it (cancel it, or lower that delay), or `recovery_min_apply_delay` set on purpose. Check `pg_stat_wal_receiver` and `pg_is_wal_replay_paused()` on the standby. Applies to every supported PostgreSQL (13–18); on a cascading standby the positions are compared with what it received.',
  },
  check({ model, options, report }) {
    for (const standby of model.standbys) {
      const bytes = standby.replayLagBytes;
      const seconds = standby.replayLagSeconds;
      const overBytes = bytes !== null && bytes >= options.warningBytes;
      const overSeconds = seconds !== null && seconds >= options.warningSeconds;
      if (!overBytes && !overSeconds) continue;
      const name = standby.application || standby.client || 'standby';
      const error =
        (bytes !== null && bytes >= options.errorBytes) ||
        (seconds !== null && seconds >= options.errorSeconds);
      report({
        message: `standby ${name}${standby.client && standby.client !== name ? ` (${standby.client})` : ''}, ${standby.syncState ?? '?'} and ${standby.state ?? '?'}, is ${bytes === null ? '? bytes' : formatBytes(bytes)} of WAL behind in replay${seconds !== null ? ` and replays ${formatSeconds(seconds)} late` : ''}; ${stage(standby)}`,
        location: { object: `standby ${name}`, kind: 'database' },
        severity: error ? 'error' : 'warning',
        evidence: { ...standby },
      });
    }
  },
});
