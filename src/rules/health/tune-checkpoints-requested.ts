import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { settingFix } from '../../health/tune/fix.js';
import { liveKb, recommendation, type TuneModel } from '../../health/tune/model.js';
import { formatTuneKb } from '../../health/tune/pgtune.js';
import {
  type CheckpointOptions,
  checkpointOptions,
  checkpointsTooOften,
  raisedMaxWalSize,
} from '../checkpoint-options.js';

export default defineRule<TuneModel, CheckpointOptions>({
  id: 'health/tune-checkpoints-requested',
  category: 'health',
  model: 'tune',
  defaultSeverity: 'warning',
  summary: 'Checkpoints are forced by WAL volume rather than by time: max_wal_size is too small',
  reportsOn: ['setting'],
  options: checkpointOptions,
  docs: {
    why: 'A checkpoint should come every checkpoint_timeout, spread over it. When the WAL written since the last one reaches max_wal_size first, PostgreSQL requests one at once: checkpoints come in bursts of writes, and after each one every page changed for the first time is written whole into the WAL again (full-page writes), which makes more WAL and brings the next checkpoint sooner. The statistics count timed and requested checkpoints since they were reset (pg_stat_bgwriter, pg_stat_checkpointer from PostgreSQL 17); more than a fifth requested (`maxRequestedShare`) over at least `minCheckpoints` means max_wal_size is too small for the write load. Manual CHECKPOINT commands, base backups and CREATE DATABASE are counted as requested too: a server that takes many of those fires without WAL pressure. `pgwarden health` judges the same counters with the same thresholds and fix (health/checkpoints-requested): one condition, one verdict in both commands.',
    howToFix:
      'Run the fix (max_wal_size takes a reload, no restart) and watch the requested count stop growing against the timed one. Make sure the WAL volume has room for it: pg_wal can grow to about max_wal_size between checkpoints. The server log says so too with log_checkpoints (on by default from PostgreSQL 15): "checkpoints are occurring too frequently". Applies to every supported PostgreSQL.',
  },
  check({ model, options, report }) {
    const workload = model.live?.workload;
    const currentKb = liveKb(model, 'max_wal_size');
    if (!workload || currentKb === null) return;
    const { checkpointsTimed: timed, checkpointsRequested: requested } = workload;
    if (!checkpointsTooOften(timed, requested, options)) return;
    const total = timed + requested;
    const value = raisedMaxWalSize(currentKb, recommendation(model, 'max_wal_size')?.kb ?? null);
    report({
      message: `${formatCount(requested)} of ${formatCount(total)} checkpoints were requested (WAL reached max_wal_size ${formatTuneKb(currentKb)} before checkpoint_timeout): raise max_wal_size to ${value}`,
      location: { object: 'max_wal_size', kind: 'setting' },
      fix: settingFix('max_wal_size', value, false),
      evidence: {
        checkpointsTimed: timed,
        checkpointsRequested: requested,
        statsWindowSeconds: Math.round(workload.checkpointStatsSeconds),
        maxWalSize: formatTuneKb(currentKb),
        setting: 'max_wal_size',
        value,
        restart: false,
      },
    });
  },
});
