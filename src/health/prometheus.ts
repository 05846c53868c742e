import type { Finding } from '../core/finding.js';
import { SEVERITIES } from '../core/finding.js';
import type { HealthSummary } from './summary.js';

type Labels = Readonly<Record<string, string>>;

interface Family {
  readonly name: string;
  readonly type: 'gauge' | 'counter';
  readonly help: string;
  readonly samples: { readonly labels: Labels; readonly value: number }[];
}

export interface PrometheusOptions {
  /** Labels added to every series (the exporter's `database`, `instance` …). */
  readonly labels?: Labels;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/**
 * The health report in the Prometheus text exposition format: metric names `pgwarden_…` with stable labels (no
 * label takes free text but object names). Counters are PostgreSQL's cumulative statistics, as they are.
 */
export function renderHealthPrometheus(
  input: {
    readonly findings: readonly Finding[];
    readonly health: HealthSummary;
    readonly skipped: readonly unknown[];
  },
  options: PrometheusOptions = {},
): string {
  const { health, findings } = input;
  const families: Family[] = [];
  const family = (name: string, type: Family['type'], help: string): Family => {
    const created: Family = { name: `pgwarden_${name}`, type, help, samples: [] };
    families.push(created);
    return created;
  };
  const gauge = (name: string, help: string, value: number | null, labels: Labels = {}) => {
    if (value === null) return;
    family(name, 'gauge', help).samples.push({ labels, value });
  };

  gauge('up', 'Whether pgwarden could read the server (1)', 1);
  const bySeverity = family('health_findings', 'gauge', 'Health findings by severity');
  for (const severity of SEVERITIES)
    bySeverity.samples.push({
      labels: { severity },
      value: findings.filter((f) => f.severity === severity).length,
    });
  const byRule = family('health_rule_findings', 'gauge', 'Health findings by rule and severity');
  const counted = new Map<string, number>();
  for (const f of findings)
    counted.set(`${f.rule}\u0000${f.severity}`, (counted.get(`${f.rule}\u0000${f.severity}`) ?? 0) + 1);
  for (const [key, value] of [...counted].sort()) {
    const [rule, severity] = key.split('\u0000') as [string, string];
    byRule.samples.push({ labels: { rule, severity }, value });
  }
  gauge('health_skipped_checks', 'Checks skipped for a missing privilege or extension', input.skipped.length);

  const connections = family('connections', 'gauge', 'Client connections by state');
  for (const [state, count] of Object.entries(health.connections.byState).sort())
    connections.samples.push({ labels: { state }, value: count });
  gauge('max_connections', 'The max_connections setting', health.connections.max);

  const sessions = health.sessions.filter((s) => s.backendType === 'client backend');
  const longest = (values: (number | null)[]) => Math.max(0, ...values.map((v) => v ?? 0));
  gauge(
    'longest_transaction_seconds',
    'Age of the oldest open transaction of a client session',
    longest(sessions.map((s) => s.xactSeconds)),
  );
  gauge(
    'longest_idle_in_transaction_seconds',
    'Longest time a session has been idle in a transaction',
    longest(sessions.filter((s) => s.state?.startsWith('idle in transaction')).map((s) => s.stateSeconds)),
  );
  gauge(
    'longest_query_seconds',
    'Longest-running active query',
    longest(sessions.filter((s) => s.state === 'active').map((s) => s.querySeconds)),
  );
  gauge(
    'blocked_sessions',
    'Sessions waiting on a lock held by another session',
    health.sessions.filter((s) => s.blockedBy.length > 0).length,
  );
  gauge(
    'xmin_horizon_age',
    'Age in transactions of the oldest xmin holder (session, prepared transaction, slot, standby)',
    health.horizon[0]?.xminAge ?? 0,
  );
  gauge('prepared_transactions', 'Prepared (two-phase) transactions', health.prepared.length);
  gauge(
    'oldest_prepared_transaction_seconds',
    'Age of the oldest prepared transaction',
    longest(health.prepared.map((p) => p.ageSeconds)),
  );

  const xid = family('database_xid_age', 'gauge', 'age(datfrozenxid) per database');
  const mxid = family('database_mxid_age', 'gauge', 'mxid_age(datminmxid) per database');
  for (const database of health.wraparound.databases) {
    xid.samples.push({ labels: { datname: database.name }, value: database.xidAge });
    mxid.samples.push({ labels: { datname: database.name }, value: database.mxidAge });
  }
  gauge(
    'xid_consumed_per_second',
    'Transaction IDs consumed per second over the sample',
    health.wraparound.xidPerSecond,
  );
  gauge(
    'mxid_consumed_per_second',
    'MultiXact IDs consumed per second over the sample',
    health.wraparound.mxidPerSecond,
  );

  if (health.slots.length > 0) {
    const retained = family(
      'replication_slot_retained_bytes',
      'gauge',
      'WAL retained by each replication slot',
    );
    const active = family('replication_slot_active', 'gauge', 'Whether a consumer is connected to the slot');
    for (const slot of health.slots) {
      const labels = { slot_name: slot.name, slot_type: slot.type };
      if (slot.retainedBytes !== null) retained.samples.push({ labels, value: slot.retainedBytes });
      active.samples.push({ labels, value: slot.active ? 1 : 0 });
    }
  }
  if (health.sequences.length > 0) {
    const used = family(
      'sequence_used_ratio',
      'gauge',
      'Share of the range used by the sequences closest to their maximum',
    );
    for (const s of health.sequences) used.samples.push({ labels: { sequence: s.name }, value: s.used ?? 0 });
  }

  const { activity } = health;
  const hit = family(
    'cache_hit_ratio',
    'gauge',
    'Block reads served from shared buffers since the statistics reset',
  );
  for (const [kind, h, r] of [
    ['table', activity.tableBlocksHit, activity.tableBlocksRead],
    ['index', activity.indexBlocksHit, activity.indexBlocksRead],
  ] as const)
    if (h + r > 0) hit.samples.push({ labels: { kind }, value: h / (h + r) });
  family('temp_files_total', 'counter', 'Temporary files written by queries of this database').samples.push({
    labels: {},
    value: activity.tempFiles,
  });
  family(
    'temp_bytes_total',
    'counter',
    'Bytes of temporary files written by queries of this database',
  ).samples.push({ labels: {}, value: activity.tempBytes });
  gauge('statistics_age_seconds', 'Seconds since the statistics counters began', activity.statsDays * 86_400);
  gauge('dead_tuples', 'Dead rows in the tables of this database', health.deadTuples);
  if (health.checkpoints) {
    const checkpoints = family('checkpoints_total', 'counter', 'Checkpoints by cause');
    checkpoints.samples.push({ labels: { kind: 'timed' }, value: health.checkpoints.timed });
    checkpoints.samples.push({ labels: { kind: 'requested' }, value: health.checkpoints.requested });
  }
  if (health.archiver) {
    const a = health.archiver;
    family('archiver_archived_total', 'counter', 'WAL segments archived').samples.push({
      labels: {},
      value: a.archived,
    });
    family('archiver_failed_total', 'counter', 'Failed WAL archive attempts').samples.push({
      labels: {},
      value: a.failed,
    });
    const failing =
      a.mode !== 'off' &&
      a.lastFailedSeconds !== null &&
      (a.lastArchivedSeconds === null || a.lastArchivedSeconds > a.lastFailedSeconds);
    gauge('archiver_failing', 'Whether the last archive attempt failed (1)', failing ? 1 : 0);
  }
  // the same names and labels as the exporter's (pgwarden metrics), without its target label
  const lag = family(
    'replication_lag_bytes',
    'gauge',
    "WAL bytes a standby is behind this server's position, by stage (write, flush, replay)",
  );
  const lagSeconds = family(
    'replication_lag_seconds',
    'gauge',
    'How late the last WAL reached each stage of a standby (write, flush, replay); absent once caught up',
  );
  for (const s of health.standbys) {
    const standby = s.application || s.client || 'standby';
    for (const [stage, bytes, seconds] of [
      ['write', s.writeLagBytes, s.writeLagSeconds],
      ['flush', s.flushLagBytes, s.flushLagSeconds],
      ['replay', s.replayLagBytes, s.replayLagSeconds],
    ] as const) {
      if (bytes !== null) lag.samples.push({ labels: { standby, stage }, value: bytes });
      if (seconds !== null) lagSeconds.samples.push({ labels: { standby, stage }, value: seconds });
    }
  }
  gauge(
    'collation_version_mismatches',
    'Collations an index uses (and databases, 15+) whose recorded version is not the library version',
    health.collationDrift.length,
  );
  const bloat = family(
    'relation_bloat_estimated_bytes',
    'gauge',
    'Estimated bloat of the most bloated tables and B-tree indexes (at most 20 of each)',
  );
  const size = family(
    'relation_size_bytes',
    'gauge',
    'Size of each relation in pgwarden_relation_bloat_estimated_bytes (a table with its TOAST): bloat / size is the share health judges',
  );
  for (const e of [...health.bloat.tables, ...health.bloat.indexes])
    if (e.unreliable === null && e.bloatBytes > 0) {
      bloat.samples.push({ labels: { kind: e.kind, relation: e.name }, value: e.bloatBytes });
      size.samples.push({ labels: { kind: e.kind, relation: e.name }, value: e.sizeBytes });
    }
  gauge('not_valid_constraints', 'Constraints never validated', health.notValidConstraints.length);
  gauge('disabled_triggers', 'Disabled triggers on user tables', health.disabledTriggers.length);

  const common = options.labels ?? {};
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const sample of f.samples) {
      const labels = Object.entries({ ...common, ...sample.labels });
      const text =
        labels.length > 0 ? `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
      lines.push(`${f.name}${text} ${formatValue(sample.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
